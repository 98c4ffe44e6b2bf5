package proxy

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The seeds' Oathkeeper configs and rules load and behave as written,
// against real upstream, Kratos-like and JWKS servers.

func TestSeed000JWTBackendAndIstioLocation(t *testing.T) {
	up, is := newEcho(t), newIssuer(t)
	vars := map[string]string{"UPSTREAM": up.URL, "JWKS": is.jwks.URL}
	f := newFixture(t, fixtureOpts{config: readFile(t, "testdata/seeds/000/oathkeeper.yaml"),
		rules: readFile(t, "testdata/seeds/000/access-rules.json"), vars: vars})
	now := time.Now().Unix()
	token := is.sign(t, map[string]any{"sub": "user-42", "iat": now, "exp": now + 300, "scp": []string{"openid", "offline_access"}})
	host := map[string]string{"Host": "backend-test.enkinineveh.space", "Authorization": "Bearer " + token}

	// The backend through the proxy (nginx forwards to oathkeeper-proxy).
	res, body := do(t, "GET", f.proxy.URL+"/headers", host)
	if res.StatusCode != 200 {
		t.Fatalf("backend: %d %s", res.StatusCode, body)
	}
	if e := decodeEcho(t, body); e.Header.Get("User_id") != "user-42" || e.Path != "/headers" {
		t.Errorf("upstream got USER_ID %q path %q", e.Header.Get("User_id"), e.Path)
	}
	res, body = do(t, "GET", f.proxy.URL+"/headers", map[string]string{"Host": "backend-test.enkinineveh.space"})
	if res.StatusCode != 401 || !strings.Contains(body, `"code":401`) {
		t.Fatalf("no token: %d %s", res.StatusCode, body)
	}

	// The location service through Istio's ext_authz: pathPrefix
	// /decisions, the original host in Host.
	scoped := is.sign(t, map[string]any{"sub": "m2m-client", "iat": now, "exp": now + 300, "scp": []string{"location:read"}})
	res, body = do(t, "GET", f.api.URL+"/decisions/user_location", map[string]string{"Host": "location-app-charts.auth", "Authorization": "Bearer " + scoped})
	if res.StatusCode != 200 || res.Header.Get("User_id") != "m2m-client" {
		t.Fatalf("location with location:read: %d %q %s", res.StatusCode, res.Header.Get("User_id"), body)
	}
	// hierarchic: "location" would grant "location.read", but
	// "location:read" is one scope; a token without it is refused.
	res, body = do(t, "GET", f.api.URL+"/decisions/user_location", map[string]string{"Host": "location-app-charts.auth", "Authorization": "Bearer " + token})
	if res.StatusCode != 401 {
		t.Fatalf("location without location:read: %d %s", res.StatusCode, body)
	}
}

// The first version of backend-rule in the seed has no mutators; it loads
// and forwards the request unchanged.
func TestSeed000RuleWithoutMutators(t *testing.T) {
	up, is := newEcho(t), newIssuer(t)
	f := newFixture(t, fixtureOpts{config: readFile(t, "testdata/seeds/000/oathkeeper.yaml"),
		rules: readFile(t, "testdata/seeds/000/first-backend-rule.json"), vars: map[string]string{"UPSTREAM": up.URL, "JWKS": is.jwks.URL}})
	now := time.Now().Unix()
	token := is.sign(t, map[string]any{"sub": "user-42", "iat": now, "exp": now + 300})
	res, body := do(t, "POST", f.proxy.URL+"/api", map[string]string{"Host": "backend-test.enkinineveh.space", "Authorization": "Bearer " + token})
	if res.StatusCode != 200 {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	if e := decodeEcho(t, body); e.Header.Get("User_id") != "" || e.Header.Get("Authorization") == "" {
		t.Errorf("request was changed: %v", e.Header)
	}
}

func TestSeed001KratosCookieWithRedirect(t *testing.T) {
	up, k := newEcho(t), newKratos(t)
	f := newFixture(t, fixtureOpts{config: readFile(t, "testdata/seeds/001/oathkeeper.yaml"),
		rules: readFile(t, "testdata/seeds/001/access-rules.json"), vars: map[string]string{"UPSTREAM": up.URL, "KRATOS": k.URL}})

	// No session: redirect to the login page with the URL to come back to.
	res, body := do(t, "GET", f.proxy.URL+"/vmui/?g0.expr=up", map[string]string{"Host": "vmagent.localhost", "Accept": "text/html"})
	if res.StatusCode != http.StatusFound {
		t.Fatalf("no session: %d %s", res.StatusCode, body)
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	if loc.Host != "auth.localhost.com:8080" || loc.Path != "/login" || loc.Query().Get("return_to") != "http://vmagent.localhost/vmui/?g0.expr=up" {
		t.Fatalf("Location = %s", res.Header.Get("Location"))
	}
	// A cookie Kratos does not know: redirect too (fallback redirect).
	res, _ = do(t, "GET", f.proxy.URL+"/", map[string]string{"Host": "vmagent.localhost", "Cookie": "ory_kratos_session=stale"})
	if res.StatusCode != http.StatusFound {
		t.Fatalf("stale session: %d", res.StatusCode)
	}
	// A valid session: forwarded with x-user-id, host preserved.
	res, body = do(t, "POST", f.proxy.URL+"/api/v1/write?extra_label=a", map[string]string{"Host": "vmagent.localhost", "Cookie": "other=1; ory_kratos_session=valid-session"})
	if res.StatusCode != 200 {
		t.Fatalf("session: %d %s", res.StatusCode, body)
	}
	e := decodeEcho(t, body)
	if e.Header.Get("X-User-Id") != kratosIdentityID || e.Host != "vmagent.localhost" || e.Method != "POST" {
		t.Errorf("upstream got x-user-id %q host %q method %s", e.Header.Get("X-User-Id"), e.Host, e.Method)
	}
	// Kratos was asked with GET (force_method) on its own path and query
	// (preserve_path, preserve_query), with the cookies.
	last := k.last.Load()
	if last.Method != "GET" || last.URL.Path != "/sessions/whoami" || last.URL.RawQuery != "" || !strings.Contains(last.Header.Get("Cookie"), "ory_kratos_session=valid-session") {
		t.Errorf("whoami request: %s %s?%s cookie %q", last.Method, last.URL.Path, last.URL.RawQuery, last.Header.Get("Cookie"))
	}
	// CORS for the subdomains of localhost.com, with credentials.
	req, _ := http.NewRequest("OPTIONS", f.proxy.URL+"/", nil)
	req.Host = "vmagent.localhost"
	req.Header.Set("Origin", "http://grafana.localhost.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	pre, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pre.Body.Close()
	if pre.Header.Get("Access-Control-Allow-Origin") != "http://grafana.localhost.com" || pre.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("preflight: %d %v", pre.StatusCode, pre.Header)
	}
}

func TestSeed004EchoServerPlays(t *testing.T) {
	up, k, is := newEcho(t), newKratos(t), newIssuer(t)
	vars := map[string]string{"UPSTREAM": up.URL, "KRATOS": k.URL, "JWKS": is.jwks.URL}
	cfg := readFile(t, "testdata/seeds/004/oathkeeper.yaml")
	host := "echo.developer-friendly.blog"
	userID := func(t *testing.T, f *fixture, hdr map[string]string) (int, string) {
		t.Helper()
		hdr["Host"] = host
		res, body := do(t, "GET", f.proxy.URL+"/", hdr)
		if res.StatusCode != 200 {
			return res.StatusCode, body
		}
		return 200, decodeEcho(t, body).Header.Get("X-User-Id")
	}

	t.Run("play 1 anonymous", func(t *testing.T) {
		f := newFixture(t, fixtureOpts{config: cfg, rules: readFile(t, "testdata/seeds/004/play1-anonymous.json"), vars: vars})
		if code, id := userID(t, f, map[string]string{}); code != 200 || id != "guest" {
			t.Fatalf("%d %s", code, id)
		}
	})
	t.Run("play 2 kratos then anonymous", func(t *testing.T) {
		f := newFixture(t, fixtureOpts{config: cfg, rules: readFile(t, "testdata/seeds/004/play2-kratos.json"), vars: vars})
		if code, id := userID(t, f, map[string]string{"Cookie": "ory_kratos_session=valid-session"}); code != 200 || id != kratosIdentityID {
			t.Fatalf("session: %d %s", code, id)
		}
		if code, id := userID(t, f, map[string]string{}); code != 200 || id != "guest" {
			t.Fatalf("no session: %d %s", code, id)
		}
		// The first authenticator that takes the request decides: a stale
		// cookie is refused, not downgraded to guest.
		code, body := userID(t, f, map[string]string{"Cookie": "ory_kratos_session=stale"})
		if code != 401 || !strings.Contains(body, `"message":"Access credentials are invalid"`) {
			t.Fatalf("stale session: %d %s", code, body)
		}
	})
	t.Run("play 3 azure jwt", func(t *testing.T) {
		f := newFixture(t, fixtureOpts{config: cfg, rules: readFile(t, "testdata/seeds/004/play3-azure.json"), vars: vars})
		now := time.Now().Unix()
		vm := is.sign(t, map[string]any{"sub": "a4cddcf0-d200-473b-b7d2-e245e829db29", "aud": "https://management.azure.com", "iat": now, "nbf": now, "exp": now + 300})
		if code, id := userID(t, f, map[string]string{"Authorization": "Bearer " + vm}); code != 200 || id != "a4cddcf0-d200-473b-b7d2-e245e829db29" {
			t.Fatalf("vm token: %d %s", code, id)
		}
		other := is.sign(t, map[string]any{"sub": "x", "aud": "https://graph.microsoft.com", "iat": now, "exp": now + 300})
		code, body := userID(t, f, map[string]string{"Authorization": "Bearer " + other})
		if code != 401 || !strings.Contains(body, `"message":"Access credentials are invalid"`) || !strings.Contains(body, "audience") {
			t.Fatalf("wrong audience: %d %s", code, body)
		}
		if code, id := userID(t, f, map[string]string{}); code != 200 || id != "guest" {
			t.Fatalf("anonymous: %d %s", code, id)
		}
	})
}
