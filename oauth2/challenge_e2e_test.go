package oauth2_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
)

// TestChallengeAPIRefusals: unknown challenges are 404; a handled one is
// Hydra's 410 with redirect_to; a missing subject is refused; a consent
// cannot grant what was not requested.
func TestChallengeAPIRefusals(t *testing.T) {
	in, _ := startWithApp(t, "")
	seed := createSeedClients(t, in, seedRedirect)
	r := newRP(t, in, seed.thirdParty, oidc.ScopeOpenID)
	b := newBrowser(t, seedRedirect)
	b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp := b.get(r.cfg.AuthCodeURL("state-123456"))
	loc, _ := url.Parse(resp.Header.Get("Location"))
	ch := loc.Query().Get("login_challenge")
	if ch == "" {
		t.Fatalf("no login challenge: %s", resp.Header.Get("Location"))
	}
	api := in.Admin + "/admin/oauth2/auth/requests/"
	if code, m, _ := adminJSON(t, "GET", api+"login?login_challenge=nope", nil); code != 404 || m["error"] != "Not Found" {
		t.Fatalf("unknown challenge: %d %v", code, m)
	}
	if code, m, _ := adminJSON(t, "GET", api+"login", nil); code != 400 {
		t.Fatalf("missing challenge: %d %v", code, m)
	}
	if code, m, _ := adminJSON(t, "PUT", api+"login/accept?login_challenge="+ch, map[string]any{"remember": true}); code != 400 {
		t.Fatalf("accept without subject: %d %v", code, m)
	}
	code, m, _ := adminJSON(t, "GET", api+"login?login_challenge="+ch, nil)
	if code != 200 || m["skip"] != false || m["client"].(map[string]any)["client_id"] != seed.thirdParty["CLIENT ID"] ||
		!strings.HasPrefix(m["request_url"].(string), in.Public+"/oauth2/auth?") {
		t.Fatalf("login request: %d %v", code, m)
	}
	code, m, _ = adminJSON(t, "PUT", api+"login/accept?login_challenge="+ch, map[string]any{"subject": "alice"})
	if code != 200 || !strings.Contains(m["redirect_to"].(string), "login_verifier=") {
		t.Fatalf("accept: %d %v", code, m)
	}
	verifierURL := m["redirect_to"].(string)
	for _, method := range []string{"GET", "PUT"} {
		path := api + "login?login_challenge=" + ch
		var body any
		if method == "PUT" {
			path, body = api+"login/accept?login_challenge="+ch, map[string]any{"subject": "mallory"}
		}
		code, m, _ = adminJSON(t, method, path, body)
		if code != 410 || m["redirect_to"] == nil {
			t.Fatalf("%s on a handled login: %d %v", method, code, m)
		}
	}
	// The browser follows the verifier to the consent request.
	resp = b.get(verifierURL)
	loc, _ = url.Parse(resp.Header.Get("Location"))
	cc := loc.Query().Get("consent_challenge")
	if cc == "" {
		t.Fatalf("no consent challenge: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The verifier is single-use.
	again := b.get(verifierURL)
	if l, _ := url.Parse(again.Header.Get("Location")); l == nil || l.Query().Get("error") != "access_denied" {
		t.Fatalf("a reused login verifier: %d %s", again.StatusCode, again.Header.Get("Location"))
	}
	code, m, _ = adminJSON(t, "PUT", api+"consent/accept?consent_challenge="+cc, map[string]any{"grant_scope": []string{"openid", "location:read"}})
	if code != 400 {
		t.Fatalf("granting an unrequested scope: %d %v", code, m)
	}
	code, m, _ = adminJSON(t, "GET", api+"consent?consent_challenge="+cc, nil)
	if code != 200 || m["subject"] != "alice" || m["login_challenge"] != ch {
		t.Fatalf("consent request: %d %v", code, m)
	}
	code, m, _ = adminJSON(t, "PUT", api+"consent/accept?consent_challenge="+cc, map[string]any{"grant_scope": []string{"openid"}})
	if code != 200 {
		t.Fatalf("consent accept: %d %v", code, m)
	}
	back := b.get(m["redirect_to"].(string))
	if l, _ := url.Parse(back.Header.Get("Location")); l == nil || l.Query().Get("code") == "" {
		t.Fatalf("after consent: %d %s", back.StatusCode, back.Header.Get("Location"))
	}
}
