package oauth2_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/oauth2"
)

// newHead builds the head in process on a fresh database, for benchmarks
// and profiles of the request paths (go test -bench . -cpuprofile).
func newHead(b *testing.B) (*oauth2.Head, *http.ServeMux, *http.ServeMux) {
	b.Helper()
	cfg, err := config.Load(config.Options{Environ: []string{
		"SECRETS_SYSTEM_0=bench-system-secret-0123456789abcdef", "SECRETS_COOKIE_0=bench-cookie-secret-0123456789abcdef"}})
	if err != nil {
		b.Fatal(err)
	}
	h, err := oauth2.New(context.Background(), oauth2.Options{Config: cfg, Pool: pgtest.New(b), Now: time.Now, Rand: rand.Reader,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	pub, admin := http.NewServeMux(), http.NewServeMux()
	h.MountPublic(pub)
	h.MountAdmin(admin)
	return h, pub, admin
}

func benchClient(b *testing.B, admin http.Handler, strategy, alg string) (string, string) {
	body, _ := json.Marshal(map[string]any{"grant_types": []string{"client_credentials"}, "scope": "bench",
		"access_token_strategy": strategy, "access_token_signed_response_alg": alg})
	req := httptest.NewRequest("POST", "/admin/clients", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	admin.ServeHTTP(rec, req)
	var c struct{ ClientID, ClientSecret string }
	var m map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	c.ClientID, _ = m["client_id"].(string)
	c.ClientSecret, _ = m["client_secret"].(string)
	if rec.Code != 201 {
		b.Fatalf("create client: %d %s", rec.Code, rec.Body)
	}
	return c.ClientID, c.ClientSecret
}

func tokenReq(id, secret string) *http.Request {
	req := httptest.NewRequest("POST", "/oauth2/token", strings.NewReader("grant_type=client_credentials&scope=bench"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))))
	return req
}

// BenchmarkToken measures POST /oauth2/token (client_credentials,
// client_secret_basic) in process, database included.
func BenchmarkToken(b *testing.B) {
	_, pub, admin := newHead(b)
	for _, c := range []struct{ name, strategy, alg string }{
		{"opaque", "opaque", ""}, {"JWT-RS256", "jwt", "RS256"}, {"JWT-ES256", "jwt", "ES256"}, {"JWT-EdDSA", "jwt", "EdDSA"},
	} {
		b.Run(c.name, func(b *testing.B) {
			id, secret := benchClient(b, admin, c.strategy, c.alg)
			rec := httptest.NewRecorder()
			pub.ServeHTTP(rec, tokenReq(id, secret)) // the KDF runs once, here
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := httptest.NewRecorder()
					pub.ServeHTTP(rec, tokenReq(id, secret))
					if rec.Code != 200 {
						b.Errorf("token: %d %s", rec.Code, rec.Body)
						return
					}
				}
			})
		})
	}
}

// BenchmarkIntrospect measures POST /admin/oauth2/introspect of an opaque
// token in process.
func BenchmarkIntrospect(b *testing.B) {
	_, pub, admin := newHead(b)
	id, secret := benchClient(b, admin, "opaque", "")
	rec := httptest.NewRecorder()
	pub.ServeHTTP(rec, tokenReq(id, secret))
	var t struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &t)
	form := "token=" + url.QueryEscape(t.AccessToken)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/admin/oauth2/introspect", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			admin.ServeHTTP(rec, req)
			if !strings.Contains(rec.Body.String(), `"active":true`) {
				b.Errorf("introspect: %s", rec.Body)
				return
			}
		}
	})
}
