package proxy

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// benchHead builds a head without listeners, logging at warn as the
// benchmark server does.
func benchHead(b *testing.B, cfgText, rules string, src Sources) *Head {
	b.Helper()
	dir := b.TempDir()
	rp := filepath.Join(dir, "rules.json")
	_ = os.WriteFile(rp, []byte(rules), 0o644)
	cp := filepath.Join(dir, "c.yaml")
	_ = os.WriteFile(cp, []byte(strings.ReplaceAll(cfgText, "{{RULES}}", "file://"+rp)), 0o644)
	cfg, err := config.Load(config.Options{Files: []string{cp}})
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(context.Background(), Options{Config: cfg, Sources: src, Logger: slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

func benchDecision(b *testing.B, h *Head, hdr http.Header) {
	req := httptest.NewRequest("GET", "http://api.test/decisions/echo/x", nil)
	req.Header = hdr
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		h.ServeDecision(w, req)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func BenchmarkDecisionAnonymous(b *testing.B) {
	h := benchHead(b, anonymousConfig, anonymousRules("http://upstream.test"), Sources{})
	benchDecision(b, h, http.Header{"X-Forwarded-Host": {"app.test"}})
}

func BenchmarkDecisionJWT(b *testing.B) {
	is := newIssuer(b)
	pub, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &is.key.PublicKey, KeyID: is.kid, Algorithm: "RS256", Use: "sig"}}})
	h := benchHead(b, strings.Replace(anonymousConfig, "anonymous: { enabled: true, config: { subject: guest } }", "jwt: { enabled: true }", 1),
		strings.Replace(anonymousRules("http://upstream.test"), `{"handler": "anonymous"}`, `{"handler": "jwt"}`, 1), Sources{Keys: &localKeys{set: pub}})
	tok := is.sign(b, map[string]any{"sub": "u", "scope": "a b", "exp": time.Now().Add(time.Hour).Unix()})
	benchDecision(b, h, http.Header{"X-Forwarded-Host": {"app.test"}, "Authorization": {"Bearer " + tok}})
}
