package oauth2_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2/clientcredentials"
)

// TestClientCredentialsSeed000 is seed 000's machine-to-machine client:
// created with the CLI, it gets a JWT access token with location:read for
// internal-service, which verifies against the published JWKS, introspects
// as active, and stops working when revoked.
func TestClientCredentialsSeed000(t *testing.T) {
	in := start(t, "")
	seed := createSeedClients(t, in, "http://localhost:8000/oauth-redirect")
	m2m := seed.internal
	if m2m["GRANT TYPES"] != "client_credentials" || m2m["AUDIENCE"] != "internal-service" || m2m["CLIENT SECRET"] == "" {
		t.Fatalf("listing: %v", m2m)
	}
	if fe := seed.frontend; fe["SCOPE"] != "offline_access openid" || fe["REDIRECT URIS"] != "http://localhost:8000/oauth-redirect" {
		t.Fatalf("frontend listing: %v", fe)
	}
	// The secret is shown once: get does not return it.
	var got map[string]any
	if err := json.Unmarshal([]byte(cli(t, in, "clients", "get", m2m["CLIENT ID"], "--format", "json")), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["client_secret"]; ok || got["skip_consent"] != false {
		t.Fatalf("get: %v", got)
	}
	if err := json.Unmarshal([]byte(cli(t, in, "clients", "get", seed.frontend["CLIENT ID"], "--format", "json")), &got); err != nil {
		t.Fatal(err)
	}
	if got["skip_consent"] != true || got["skip_logout_consent"] != true || got["token_endpoint_auth_method"] != "client_secret_post" {
		t.Fatalf("seed flags not applied: %v", got)
	}

	ctx := context.Background()
	cc := clientcredentials.Config{
		ClientID: m2m["CLIENT ID"], ClientSecret: m2m["CLIENT SECRET"], TokenURL: in.Public + "/oauth2/token",
		Scopes: []string{"location:read"}, EndpointParams: url.Values{"audience": {"internal-service"}},
	}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" {
		t.Fatal("client_credentials must not issue a refresh token")
	}
	keys := oidc.NewRemoteKeySet(ctx, in.Public+"/.well-known/jwks.json")
	payload, err := keys.VerifySignature(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("access token does not verify against the JWKS: %v", err)
	}
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	if claims["iss"] != in.Public+"/" || claims["sub"] != m2m["CLIENT ID"] || claims["client_id"] != m2m["CLIENT ID"] {
		t.Fatalf("claims: %v", claims)
	}
	if scp, _ := claims["scp"].([]any); len(scp) != 1 || scp[0] != "location:read" {
		t.Fatalf("scp must be the list [location:read]: %v", claims["scp"])
	}
	if aud, _ := claims["aud"].([]any); len(aud) != 1 || aud[0] != "internal-service" {
		t.Fatalf("aud: %v", claims["aud"])
	}
	for _, c := range []string{"exp", "iat", "nbf", "jti"} {
		if claims[c] == nil {
			t.Errorf("claim %s missing", c)
		}
	}

	ti := introspect(t, in, tok.AccessToken)
	if ti["active"] != true || ti["scope"] != "location:read" || ti["client_id"] != m2m["CLIENT ID"] || ti["token_use"] != "access_token" {
		t.Fatalf("introspection: %v", ti)
	}
	// Introspection with a scope the token lacks is inactive (RFC 7662 §2.1).
	code, ti := postForm(t, in.Admin+"/admin/oauth2/introspect", url.Values{"token": {tok.AccessToken}, "scope": {"openid"}}, "", "")
	if code != 200 || ti["active"] != false {
		t.Fatalf("scope-restricted introspection: %d %v", code, ti)
	}

	// RFC 7009: revoke, then the token is inactive.
	code, _ = postForm(t, in.Public+"/oauth2/revoke", url.Values{"token": {tok.AccessToken}}, m2m["CLIENT ID"], m2m["CLIENT SECRET"])
	if code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	if ti := introspect(t, in, tok.AccessToken); ti["active"] != false {
		t.Fatalf("revoked token still active: %v", ti)
	}
}

// TestTokenEndpointBadInput pins RFC 6749 §5.2 answers for what a client
// gets wrong, each with nothing issued.
func TestTokenEndpointBadInput(t *testing.T) {
	in := start(t, "")
	seed := createSeedClients(t, in, "http://localhost:8000/oauth-redirect")
	m2m, fe := seed.internal, seed.frontend
	tokenURL := in.Public + "/oauth2/token"
	cases := []struct {
		name       string
		form       url.Values
		user, pass string
		status     int
		err        string
	}{
		{"unknown client", url.Values{"grant_type": {"client_credentials"}}, "nobody", "secret", 401, "invalid_client"},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}}, m2m["CLIENT ID"], "wrong-secret", 401, "invalid_client"},
		{"no credentials", url.Values{"grant_type": {"client_credentials"}}, "", "", 401, "invalid_client"},
		{"scope not allowed", url.Values{"grant_type": {"client_credentials"}, "scope": {"admin"}}, m2m["CLIENT ID"], m2m["CLIENT SECRET"], 400, "invalid_scope"},
		{"audience not allowed", url.Values{"grant_type": {"client_credentials"}, "audience": {"backend-service"}}, m2m["CLIENT ID"], m2m["CLIENT SECRET"], 400, "invalid_request"},
		{"grant not allowed for the client", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"ory_rt_x.y"}}, m2m["CLIENT ID"], m2m["CLIENT SECRET"], 400, "unauthorized_client"},
		{"unknown grant", url.Values{"grant_type": {"password"}, "username": {"a"}, "password": {"b"}}, m2m["CLIENT ID"], m2m["CLIENT SECRET"], 400, "unsupported_grant_type"},
		{"client_secret_post client using basic", url.Values{"grant_type": {"authorization_code"}, "code": {"ory_ac_x.y"}}, fe["CLIENT ID"], fe["CLIENT SECRET"], 401, "invalid_client"},
		{"unknown code", url.Values{"grant_type": {"authorization_code"}, "code": {"ory_ac_x.y"}, "client_id": {fe["CLIENT ID"]}, "client_secret": {fe["CLIENT SECRET"]}, "redirect_uri": {"http://localhost:8000/oauth-redirect"}}, "", "", 400, "invalid_grant"},
		{"unknown refresh token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"ory_rt_x.y"}, "client_id": {fe["CLIENT ID"]}, "client_secret": {fe["CLIENT SECRET"]}}, "", "", 400, "invalid_grant"},
		{"malformed client assertion", url.Values{"grant_type": {"client_credentials"}, "client_id": {m2m["CLIENT ID"]}, "client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {"not.a.jwt"}}, "", "", 401, "invalid_client"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := postForm(t, tokenURL, c.form, c.user, c.pass)
			if code != c.status || body["error"] != c.err {
				t.Fatalf("got %d %v, want %d %s", code, body, c.status, c.err)
			}
			if body["access_token"] != nil {
				t.Fatal("a token was issued")
			}
		})
	}
	// A GET is not a token request.
	resp, err := http.Get(tokenURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET /oauth2/token: %d", resp.StatusCode)
	}
}

// TestKeyRotationWhileTokensInFlight: a token signed before `cerberus keys
// rotate` keeps verifying (its key stays in the JWKS) and introspecting;
// tokens issued after carry the new key id.
func TestKeyRotationWhileTokensInFlight(t *testing.T) {
	in := start(t, "")
	m2m := createSeedClients(t, in, "http://localhost:8000/oauth-redirect").internal
	ctx := context.Background()
	cc := clientcredentials.Config{ClientID: m2m["CLIENT ID"], ClientSecret: m2m["CLIENT SECRET"], TokenURL: in.Public + "/oauth2/token", Scopes: []string{"location:read"}}
	before, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := cli(t, in, "keys", "rotate")
	if !strings.Contains(out, "hydra.jwt.access-token") || !strings.Contains(out, "hydra.openid.id-token") {
		t.Fatalf("rotate output: %s", out)
	}
	after, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kid := func(tok string) string {
		var h struct{ Kid string }
		b, _ := jsonPart(tok, 0)
		_ = json.Unmarshal(b, &h)
		return h.Kid
	}
	if kid(before.AccessToken) == kid(after.AccessToken) {
		t.Fatal("the new token is signed with the old key")
	}
	var jwks struct{ Keys []struct{ Kid string } }
	getJSON(t, in.Public+"/.well-known/jwks.json", &jwks)
	var kids []string
	for _, k := range jwks.Keys {
		kids = append(kids, k.Kid)
	}
	if !slices.Contains(kids, kid(before.AccessToken)) || !slices.Contains(kids, kid(after.AccessToken)) {
		t.Fatalf("JWKS %v must hold the old and the new key", kids)
	}
	keys := oidc.NewRemoteKeySet(ctx, in.Public+"/.well-known/jwks.json")
	for _, tok := range []string{before.AccessToken, after.AccessToken} {
		if _, err := keys.VerifySignature(ctx, tok); err != nil {
			t.Fatalf("token does not verify after rotation: %v", err)
		}
		if ti := introspect(t, in, tok); ti["active"] != true {
			t.Fatalf("token inactive after rotation: %v", ti)
		}
	}
	// The discovery and JWKS answers are cacheable and revalidate.
	resp := getJSON(t, in.Public+"/.well-known/jwks.json", nil)
	etag := resp.Header.Get("Etag")
	req, _ := http.NewRequest("GET", in.Public+"/.well-known/jwks.json", nil)
	req.Header.Set("If-None-Match", etag)
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if etag == "" || r2.StatusCode != http.StatusNotModified {
		t.Fatalf("ETag %q revalidation: %d", etag, r2.StatusCode)
	}
}

func jsonPart(tok string, i int) ([]byte, error) {
	parts := strings.Split(tok, ".")
	return base64URL(parts[i])
}
