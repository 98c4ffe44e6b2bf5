package proxy

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// kratos is an httptest server that answers GET /sessions/whoami as Kratos
// does: 200 with the session for a known token (cookie ory_kratos_session,
// X-Session-Token or Authorization: Bearer), 401 otherwise.
type kratos struct {
	*httptest.Server
	calls atomic.Int64
	last  atomic.Pointer[http.Request]
}

const kratosIdentityID = "90b31539-08ba-45b1-a5fc-5de840f19d7e"

func kratosSession(id string) string {
	return `{"id":"2f4c8a3e-0000-4000-8000-000000000001","active":true,"authenticator_assurance_level":"aal1",
"identity":{"id":"` + id + `","schema_id":"default","state":"active","traits":{"email":"jane@example.com","name":{"first":"Jane"}},
"metadata_public":null},"authentication_methods":[{"method":"password","aal":"aal1"}]}`
}

func newKratos(t *testing.T) *kratos {
	t.Helper()
	k := &kratos{}
	k.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.calls.Add(1)
		k.last.Store(r)
		if r.URL.Path != "/sessions/whoami" {
			http.NotFound(w, r)
			return
		}
		token := r.Header.Get("X-Session-Token")
		if c, err := r.Cookie("ory_kratos_session"); err == nil {
			token = c.Value
		}
		if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			token = v
		}
		w.Header().Set("Content-Type", "application/json")
		if token != "valid-session" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":{"code":401,"status":"Unauthorized","reason":"No valid session credentials found in the request.","message":"The request could not be authorized"}}`))
			return
		}
		_, _ = w.Write([]byte(kratosSession(kratosIdentityID)))
	}))
	t.Cleanup(k.Close)
	return k
}

// issuer holds an RSA key, serves its public JWKS and signs tokens.
type issuer struct {
	key  *rsa.PrivateKey
	kid  string
	jwks *httptest.Server
}

func newIssuer(t testing.TB) *issuer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &issuer{key: k, kid: "key-1"}
	body, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &k.PublicKey, KeyID: is.kid, Algorithm: "RS256", Use: "sig"}}})
	is.jwks = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(is.jwks.Close)
	return is
}

// sign signs claims as a JWT with alg and kid of the issuer's key.
func (is *issuer) sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	return signWith(t, jose.RS256, is.key, is.kid, claims)
}

func signWith(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
