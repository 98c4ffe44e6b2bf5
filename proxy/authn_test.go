package proxy

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cerberus-iam/cerberus/proxy/authn"
)

const jwtConfig = `
access_rules:
  repositories: ["{{RULES}}"]
authenticators:
  jwt: { enabled: true, config: { jwks_urls: ["{{JWKS}}"], jwks_max_wait: 300ms } }
authorizers:
  allow: { enabled: true }
mutators:
  header: { enabled: true, config: { headers: { X-User-Id: "{{ print .Subject }}" } } }
errors:
  handlers:
    json: { enabled: true, config: { verbose: true } }
`

const jwtRules = `[{"id":"api","match":{"url":"http://<[^/]+>/<.*>","methods":["GET"]},
"upstream":{"url":"{{UPSTREAM}}"},
"authenticators":[{"handler":"jwt","config":{"trusted_issuers":["https://issuer.test/"],"target_audience":["api"],"scope_strategy":"exact","required_scope":["read"]}}],
"authorizer":{"handler":"allow"},"mutators":[{"handler":"header"}]}]`

// TestJWTBadTokens pins the refusals: every one of these is a 401 and
// never reaches the upstream.
func TestJWTBadTokens(t *testing.T) {
	up, is := newEcho(t), newIssuer(t)
	f := newFixture(t, fixtureOpts{config: jwtConfig, rules: jwtRules, vars: map[string]string{"UPSTREAM": up.URL, "JWKS": is.jwks.URL}})
	now := time.Now().Unix()
	good := map[string]any{"sub": "u1", "iss": "https://issuer.test/", "aud": []string{"api"}, "scope": "read write", "iat": now, "exp": now + 60}
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for a, b := range good {
			c[a] = b
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	pub, _ := x509.MarshalPKIXPublicKey(&is.key.PublicKey)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	none := func(claims map[string]any) string {
		b, _ := json.Marshal(claims)
		return b64(`{"alg":"none","kid":"key-1"}`) + "." + b64(string(b)) + "."
	}
	cases := map[string]string{
		"alg none":                     none(good),
		"HS256 keyed with the RSA key": signWith(t, jose.HS256, pub, is.kid, good),
		"wrong key same kid":           signWith(t, jose.RS256, other, is.kid, good),
		"unknown kid":                  signWith(t, jose.RS256, is.key, "other", good),
		"no kid":                       signWith(t, jose.RS256, is.key, "", good),
		"expired":                      is.sign(t, with("exp", now-1)),
		"not yet valid":                is.sign(t, with("nbf", now+60)),
		"issued in the future":         is.sign(t, with("iat", now+60)),
		"untrusted issuer":             is.sign(t, with("iss", "https://evil.test/")),
		"wrong audience":               is.sign(t, with("aud", "other")),
		"missing scope":                is.sign(t, with("scope", "write")),
		"exp not a number":             is.sign(t, with("exp", "tomorrow")),
		"tampered payload":             tamper(is.sign(t, good)),
	}
	for name, tok := range cases {
		res, body := do(t, "GET", f.proxy.URL+"/x", map[string]string{"Authorization": "Bearer " + tok})
		if res.StatusCode != 401 {
			t.Errorf("%s: %d %s", name, res.StatusCode, body)
		}
	}
	res, body := do(t, "GET", f.proxy.URL+"/x", map[string]string{"Authorization": "Bearer " + is.sign(t, good)})
	if res.StatusCode != 200 || decodeEcho(t, body).Header.Get("X-User-Id") != "u1" {
		t.Fatalf("good token: %d %s", res.StatusCode, body)
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func tamper(tok string) string {
	parts := strings.Split(tok, ".")
	var claims map[string]any
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(b, &claims)
	claims["sub"] = "admin"
	nb, _ := json.Marshal(claims)
	return parts[0] + "." + b64(string(nb)) + "." + parts[2]
}

// A JWKS endpoint that hangs costs a request at most jwks_max_wait, and one
// that answers junk fails the token; neither crashes or piles up fetches.
func TestJWTKeySetEndpointHangsOrLies(t *testing.T) {
	up := newEcho(t)
	release := make(chan struct{})
	var hits sync.Map
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := hits.LoadOrStore("n", new(int))
		*(n.(*int))++
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); hang.Close() })
	junk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>not keys</html>")) }))
	t.Cleanup(junk.Close)
	is := newIssuer(t)
	tok := is.sign(t, map[string]any{"sub": "u", "exp": time.Now().Unix() + 60})
	for name, u := range map[string]string{"hanging": hang.URL, "junk": junk.URL} {
		f := newFixture(t, fixtureOpts{config: jwtConfig, vars: map[string]string{"UPSTREAM": up.URL, "JWKS": u},
			rules: `[{"id":"api","match":{"url":"http://<[^/]+>/<.*>","methods":["GET"]},"upstream":{"url":"{{UPSTREAM}}"},
"authenticators":[{"handler":"jwt"}],"authorizer":{"handler":"allow"},"mutators":[{"handler":"noop"}]}]`})
		start := time.Now()
		res, body := do(t, "GET", f.proxy.URL+"/x", map[string]string{"Authorization": "Bearer " + tok})
		if res.StatusCode != 401 || time.Since(start) > 5*time.Second {
			t.Errorf("%s key set: %d after %s: %s", name, res.StatusCode, time.Since(start), body)
		}
	}
}

// localKeys is an in-process key source whose set can change.
type localKeys struct {
	mu  sync.Mutex
	set []byte
}

func (k *localKeys) PublicJWKS(context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.set, nil
}

// With no jwks_urls, jwt verifies with Cerberus's own keys; a key removed
// from the set stops verifying on the next request.
func TestJWTInProcessKeys(t *testing.T) {
	up, is := newEcho(t), newIssuer(t)
	pub, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &is.key.PublicKey, KeyID: is.kid, Algorithm: "RS256", Use: "sig"}}})
	keys := &localKeys{set: pub}
	f := newFixture(t, fixtureOpts{sources: Sources{Keys: keys}, vars: map[string]string{"UPSTREAM": up.URL},
		config: strings.Replace(jwtConfig, `config: { jwks_urls: ["{{JWKS}}"], jwks_max_wait: 300ms }`, "", 1),
		rules: `[{"id":"api","match":{"url":"http://<[^/]+>/<.*>","methods":["GET"]},"upstream":{"url":"{{UPSTREAM}}"},
"authenticators":[{"handler":"jwt"}],"authorizer":{"handler":"allow"},"mutators":[{"handler":"header"}]}]`})
	tok := is.sign(t, map[string]any{"sub": "local-user", "exp": time.Now().Unix() + 60})
	res, body := do(t, "GET", f.proxy.URL+"/x", map[string]string{"Authorization": "Bearer " + tok})
	if res.StatusCode != 200 || decodeEcho(t, body).Header.Get("X-User-Id") != "local-user" {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	keys.mu.Lock()
	keys.set = []byte(`{"keys":[]}`)
	keys.mu.Unlock()
	if res, _ := do(t, "GET", f.proxy.URL+"/x", map[string]string{"Authorization": "Bearer " + tok}); res.StatusCode != 401 {
		t.Fatalf("after the key was removed: %d", res.StatusCode)
	}
}

// sessions is an in-process session source over a fixed token.
type sessions struct{}

func (sessions) CookieName() string { return "cerberus_session" }
func (sessions) Whoami(_ context.Context, c authn.SessionCredential) ([]byte, error) {
	if c.Cookie == "good" || c.Token == "good" {
		return []byte(kratosSession("in-process-id")), nil
	}
	return nil, authn.ErrNoSession
}

func TestSessionAuthenticatorsInProcessAndRemote(t *testing.T) {
	up, k := newEcho(t), newKratos(t)
	cfg := `
access_rules:
  repositories: ["{{RULES}}"]
authenticators:
  cookie_session: { enabled: true }
  bearer_token: { enabled: true }
authorizers:
  allow: { enabled: true }
mutators:
  header: { enabled: true, config: { headers: { X-User-Id: "{{ print .Subject }}", X-Email: "{{ print .Extra.identity.traits.email }}" } } }
`
	rules := `
- id: cookie-local
  match: { url: "http://<[^/]+>/cookie/local", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: cookie_session }]
  authorizer: { handler: allow }
  mutators: [{ handler: header }]
- id: token-local
  match: { url: "http://<[^/]+>/token/local", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: bearer_token, config: { token_from: { header: X-Session-Token } } }]
  authorizer: { handler: allow }
  mutators: [{ handler: header }]
- id: token-remote
  match: { url: "http://<[^/]+>/token/remote", methods: [GET] }
  upstream: { url: "{{UPSTREAM}}" }
  authenticators: [{ handler: bearer_token, config: { check_session_url: "{{KRATOS}}/sessions/whoami", preserve_path: true, subject_from: identity.id, extra_from: "@this" } }]
  authorizer: { handler: allow }
  mutators: [{ handler: header }]
`
	f := newFixture(t, fixtureOpts{config: cfg, rules: rules, sources: Sources{Sessions: sessions{}}, vars: map[string]string{"UPSTREAM": up.URL, "KRATOS": k.URL}})
	check := func(path string, hdr map[string]string, code int, id string) {
		t.Helper()
		res, body := do(t, "GET", f.proxy.URL+path, hdr)
		if res.StatusCode != code {
			t.Fatalf("%s %v: %d %s", path, hdr, res.StatusCode, body)
		}
		if code == 200 {
			e := decodeEcho(t, body)
			if e.Header.Get("X-User-Id") != id || e.Header.Get("X-Email") != "jane@example.com" {
				t.Fatalf("%s: upstream got %v", path, e.Header)
			}
		}
	}
	check("/cookie/local", map[string]string{"Cookie": "cerberus_session=good"}, 200, "in-process-id")
	check("/cookie/local", map[string]string{"Cookie": "cerberus_session=revoked"}, 401, "")
	check("/cookie/local", map[string]string{"Cookie": "other=1"}, 401, "")
	check("/token/local", map[string]string{"X-Session-Token": "good"}, 200, "in-process-id")
	check("/token/local", map[string]string{"Authorization": "Bearer good"}, 401, "")
	check("/token/remote", map[string]string{"Authorization": "Bearer valid-session"}, 200, kratosIdentityID)
	check("/token/remote", map[string]string{"Authorization": "Bearer nope"}, 401, "")
}

// Without an in-process source or a URL, the rule is refused at load: a
// session check that cannot be made must never let requests through.
func TestMissingSourceRefusedAtStart(t *testing.T) {
	for name, c := range map[string]string{
		"cookie_session":       `cookie_session: { enabled: true }`,
		"bearer_token":         `bearer_token: { enabled: true }`,
		"jwt":                  `jwt: { enabled: true }`,
		"oauth2_introspection": `oauth2_introspection: { enabled: true }`,
	} {
		_, err := tryFixture(t, "authenticators:\n  "+c+"\nauthorizers: { allow: { enabled: true } }",
			`[{"id":"r","match":{"url":"http://a/","methods":["GET"]},"authenticators":[{"handler":"`+name+`"}],"authorizer":{"handler":"allow"}}]`)
		if err == nil || !strings.Contains(err.Error(), `rule "r": authenticators[0]: config.`) || !strings.Contains(err.Error(), "required: this Cerberus has no in-process") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
