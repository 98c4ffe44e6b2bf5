package proxy

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"

	jose "github.com/go-jose/go-jose/v4"
)

// hydra is an httptest server with Hydra's token and introspection
// endpoints for one client and one token.
type hydra struct {
	*httptest.Server
	introspections atomic.Int64
	tokens         atomic.Int64
}

func newHydra(t *testing.T) *hydra {
	h := &hydra{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/oauth2/token":
			h.tokens.Add(1)
			id, secret, _ := r.BasicAuth()
			if r.PostFormValue("grant_type") != "client_credentials" || id != "svc" || secret != "s3cret" {
				w.WriteHeader(401)
				_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
				return
			}
			_, _ = w.Write([]byte(`{"access_token":"at-123","token_type":"bearer","expires_in":3600,"scope":"` + r.PostFormValue("scope") + `"}`))
		case "/admin/oauth2/introspect":
			h.introspections.Add(1)
			_ = r.ParseForm()
			switch r.PostForm.Get("token") {
			case "opaque-good":
				_, _ = w.Write([]byte(`{"active":true,"sub":"user-7","client_id":"app","scope":"read write","aud":["api"],"iss":"https://issuer.test/","exp":` +
					jsonInt(time.Now().Add(time.Hour).Unix()) + `,"token_use":"access_token","ext":{"tenant":"t1"}}`))
			case "refresh":
				_, _ = w.Write([]byte(`{"active":true,"sub":"user-7","token_use":"refresh_token"}`))
			default:
				_, _ = w.Write([]byte(`{"active":false}`))
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestIntrospectionAndClientCredentials(t *testing.T) {
	up, hy := newEcho(t), newHydra(t)
	cfg := `
access_rules:
  repositories: ["{{RULES}}"]
authenticators:
  oauth2_introspection: { enabled: true, config: { introspection_url: "{{HYDRA}}/admin/oauth2/introspect", scope_strategy: exact, cache: { enabled: true, ttl: 1m } } }
  oauth2_client_credentials: { enabled: true, config: { token_url: "{{HYDRA}}/oauth2/token", cache: { enabled: true } } }
authorizers:
  allow: { enabled: true }
mutators:
  header: { enabled: true, config: { headers: { X-User-Id: "{{ print .Subject }}", X-Tenant: "{{ print .Extra.tenant }}" } } }
errors:
  handlers:
    json: { enabled: true, config: { verbose: true } }
`
	rules := `
- id: introspected
  match: { url: "http://<[^/]+>/api/<.*>", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: oauth2_introspection, config: { required_scope: [read], target_audience: [api] } }]
  authorizer: { handler: allow }
  mutators: [{ handler: header }]
- id: machines
  match: { url: "http://<[^/]+>/m2m", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: oauth2_client_credentials, config: { required_scope: [jobs] } }]
  authorizer: { handler: allow }
  mutators: [{ handler: header, config: { headers: { X-Tenant: "" } } }]
`
	f := newFixture(t, fixtureOpts{config: cfg, rules: rules, vars: map[string]string{"UPSTREAM": up.URL, "HYDRA": hy.URL}})
	res, body := do(t, "GET", f.proxy.URL+"/api/x", map[string]string{"Authorization": "Bearer opaque-good"})
	if res.StatusCode != 200 {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	if e := decodeEcho(t, body); e.Header.Get("X-User-Id") != "user-7" || e.Header.Get("X-Tenant") != "t1" {
		t.Errorf("upstream got %v", e.Header)
	}
	do(t, "GET", f.proxy.URL+"/api/x", map[string]string{"Authorization": "Bearer opaque-good"})
	if n := hy.introspections.Load(); n != 1 {
		t.Errorf("introspected %d times; the cache should have answered the second", n)
	}
	for tok, code := range map[string]int{"expired-or-unknown": 401, "refresh": 403} {
		if res, body := do(t, "GET", f.proxy.URL+"/api/x", map[string]string{"Authorization": "Bearer " + tok}); res.StatusCode != code {
			t.Errorf("%s: %d %s", tok, res.StatusCode, body)
		}
	}

	req, _ := http.NewRequest("GET", f.proxy.URL+"/m2m", nil)
	req.SetBasicAuth("svc", "s3cret")
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if r2.StatusCode != 200 || decodeEcho(t, string(b)).Header.Get("X-User-Id") != "svc" {
		t.Fatalf("client credentials: %d %s", r2.StatusCode, b)
	}
	req.SetBasicAuth("svc", "wrong")
	if r3, _ := http.DefaultClient.Do(req); r3.StatusCode != 401 {
		t.Errorf("wrong secret: %d", r3.StatusCode)
	}
}

func TestRemoteAuthorizers(t *testing.T) {
	up := newEcho(t)
	var seen atomic.Pointer[string]
	authz := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s := r.URL.Path + " " + r.Header.Get("Content-Type") + " " + r.Header.Get("X-Subject") + " " + string(b)
		seen.Store(&s)
		if strings.Contains(string(b), "forbidden") {
			w.WriteHeader(403)
			return
		}
		w.Header().Set("X-Grant", "g1")
		w.WriteHeader(200)
	}))
	t.Cleanup(authz.Close)
	cfg := `
access_rules:
  repositories: ["{{RULES}}"]
authenticators:
  anonymous: { enabled: true }
authorizers:
  remote: { enabled: true, config: { remote: "{{AUTHZ}}/remote", headers: { X-Subject: "{{ print .Subject }}" }, forward_response_headers_to_upstream: [X-Grant] } }
  remote_json: { enabled: true, config: { remote: "{{AUTHZ}}/json" } }
mutators:
  noop: { enabled: true }
`
	rules := `
- id: remote
  match: { url: "http://<[^/]+>/remote", methods: [POST] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: remote }
  mutators: [{ handler: noop }]
- id: json
  match: { url: "http://<[^/]+>/json/<[a-z]+>", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: remote_json, config: { payload: '{"subject":"{{ print .Subject }}","resource":"{{ printIndex .MatchContext.RegexpCaptureGroups 1 }}"}' } }
  mutators: [{ handler: noop }]
`
	f := newFixture(t, fixtureOpts{config: cfg, rules: rules, vars: map[string]string{"UPSTREAM": up.URL, "AUTHZ": authz.URL}})
	res, err := http.Post(f.proxy.URL+"/remote", "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	// The body went to the authorizer and, intact, to the upstream; the
	// allowed response header was passed on.
	if e := decodeEcho(t, string(b)); res.StatusCode != 200 || e.Body != "hello" || e.Header.Get("X-Grant") != "g1" {
		t.Fatalf("remote: %d %s", res.StatusCode, b)
	}
	if got := *seen.Load(); got != "/remote text/plain anonymous hello" {
		t.Errorf("authorizer saw %q", got)
	}
	if res, _ := http.Post(f.proxy.URL+"/remote", "text/plain", strings.NewReader("forbidden")); res.StatusCode != 403 {
		t.Errorf("denied: %d", res.StatusCode)
	}
	if res, body := do(t, "GET", f.proxy.URL+"/json/orders", nil); res.StatusCode != 200 {
		t.Fatalf("remote_json: %d %s", res.StatusCode, body)
	}
	if got := *seen.Load(); got != `/json application/json  {"subject":"anonymous","resource":"orders"}` {
		t.Errorf("remote_json sent %q", got)
	}
}

func TestMutators(t *testing.T) {
	up := newEcho(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	dir := t.TempDir()
	priv, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key, KeyID: "ec-1", Use: "sig"}}})
	keyFile := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(keyFile, priv, 0o600); err != nil {
		t.Fatal(err)
	}
	hydrator := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var s map[string]any
		_ = json.NewDecoder(r.Body).Decode(&s)
		s["extra"] = map[string]any{"plan": "gold"}
		_ = json.NewEncoder(w).Encode(s)
	}))
	t.Cleanup(hydrator.Close)
	cfg := `
access_rules:
  repositories: ["{{RULES}}"]
authenticators:
  anonymous: { enabled: true, config: { subject: guest } }
authorizers:
  allow: { enabled: true }
mutators:
  cookie: { enabled: true, config: { cookies: { user: "{{ print .Subject }}" } } }
  id_token: { enabled: true, config: { issuer_url: "https://cerberus.test/", jwks_url: "file://{{KEYS}}", claims: '{"aud":["app"],"plan":"{{ print .Extra.plan }}"}' } }
  hydrator: { enabled: true, config: { api: { url: "{{HYDRATOR}}" } } }
  header: { enabled: true, config: { headers: { X-Plan: "{{ print .Extra.plan }}" } } }
`
	rules := `
- id: all
  match: { url: "http://<[^/]+>/<.*>", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: allow }
  mutators: [{ handler: hydrator }, { handler: header }, { handler: cookie }, { handler: id_token }]
`
	f := newFixture(t, fixtureOpts{config: cfg, rules: rules, vars: map[string]string{"UPSTREAM": up.URL, "KEYS": keyFile, "HYDRATOR": hydrator.URL}})
	res, body := do(t, "GET", f.proxy.URL+"/x", map[string]string{"Cookie": "user=admin; theme=dark"})
	if res.StatusCode != 200 {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	e := decodeEcho(t, body)
	if e.Header.Get("X-Plan") != "gold" {
		t.Errorf("hydrated X-Plan = %q", e.Header.Get("X-Plan"))
	}
	if c := e.Header.Get("Cookie"); c != "user=guest; theme=dark" {
		t.Errorf("Cookie = %q", c)
	}
	// The id_token verifies with the public keys the API publishes.
	_, jwksBody := do(t, "GET", f.api.URL+"/.well-known/jwks.json", nil)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(jwksBody), &set); err != nil || len(set.Keys) != 1 || !set.Keys[0].IsPublic() {
		t.Fatalf("jwks: %s", jwksBody)
	}
	tok := strings.TrimPrefix(e.Header.Get("Authorization"), "Bearer ")
	jws, err := jose.ParseSigned(tok, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("id_token: %v %q", err, tok)
	}
	payload, err := jws.Verify(set.Keys[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	_ = json.Unmarshal(payload, &claims)
	if claims["sub"] != "guest" || claims["iss"] != "https://cerberus.test/" || claims["plan"] != "gold" || jws.Signatures[0].Header.KeyID != "ec-1" {
		t.Errorf("claims %v", claims)
	}
}
