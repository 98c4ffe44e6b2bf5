package csrf

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

func newProtector(t *testing.T, secrets ...string) *Protector {
	t.Helper()
	p, err := New(Options{Secrets: secrets, BaseURL: "https://auth.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// issue returns the cookie and token a fresh browser gets.
func issue(t *testing.T, p *Protector) (*http.Cookie, string) {
	t.Helper()
	w := httptest.NewRecorder()
	tok, err := p.Token(w, httptest.NewRequest("GET", "/", nil))
	if err != nil {
		t.Fatal(err)
	}
	cs := w.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("want one cookie, got %v", cs)
	}
	return cs[0], tok
}

func post(c *http.Cookie) *http.Request {
	r := httptest.NewRequest("POST", "/", nil)
	if c != nil {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return r
}

func TestCookieAttributes(t *testing.T) {
	p := newProtector(t, "0123456789abcdef0123")
	c, _ := issue(t, p)
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("cookie %+v: want HttpOnly, Secure (https base URL), SameSite=Lax, Path=/", c)
	}
	if !strings.HasPrefix(c.Name, "csrf_token_") {
		t.Errorf("cookie name %q", c.Name)
	}
	plain, _ := New(Options{Secrets: []string{"0123456789abcdef0123"}, BaseURL: "http://127.0.0.1:4433/"})
	c2, _ := issue(t, plain)
	if c2.Secure {
		t.Error("cookie over plain http must not be Secure, or the browser drops it")
	}
}

func TestVerify(t *testing.T) {
	p := newProtector(t, "0123456789abcdef0123")
	c, tok := issue(t, p)
	other, otherTok := issue(t, p)
	forged := *c
	forged.Value = strings.Repeat("A", len(c.Value))

	cases := []struct {
		name   string
		cookie *http.Cookie
		token  string
		reason string
	}{
		{"valid", c, tok, ""},
		{"no cookie", nil, tok, "missing_cookie"},
		{"no token", c, "", "missing_token"},
		{"token of another browser", c, otherTok, "token_mismatch"},
		{"cookie of another browser", other, tok, "token_mismatch"},
		// A sibling subdomain can plant a cookie, but without the server's
		// key it cannot compute a token for the secret it planted.
		{"planted cookie", &forged, tok, "token_mismatch"},
		{"malformed cookie", &http.Cookie{Name: c.Name, Value: "!!"}, tok, "missing_cookie"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Verify(post(tc.cookie), tc.token)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("want ok, got %v", err)
				}
				return
			}
			var he *httpx.Error
			if !errors.As(err, &he) || he.Code != 403 || he.ID != "security_csrf_violation" || he.Details["reject_reason"] != tc.reason {
				t.Fatalf("want 403 security_csrf_violation %s, got %#v", tc.reason, err)
			}
		})
	}
}

func TestHeaderToken(t *testing.T) {
	p := newProtector(t, "0123456789abcdef0123")
	c, tok := issue(t, p)
	r := post(c)
	r.Header.Set(HeaderName, tok)
	if err := p.Verify(r, ""); err != nil {
		t.Fatal(err)
	}
}

func TestRotation(t *testing.T) {
	old := newProtector(t, "old-secret-0123456789")
	c, tok := issue(t, old)
	rotated := newProtector(t, "new-secret-0123456789", "old-secret-0123456789")
	if err := rotated.Verify(post(c), tok); err != nil {
		t.Fatalf("a token signed with the previous secret must still verify: %v", err)
	}
	if got := rotated.Canonical(post(c), tok); got == "" || got == tok {
		t.Fatalf("canonical token after rotation = %q", got)
	}
	removed := newProtector(t, "new-secret-0123456789")
	if err := removed.Verify(post(c), tok); err == nil {
		t.Fatal("a token signed with a removed secret must not verify")
	}
}

func TestTokenReusesCookie(t *testing.T) {
	p := newProtector(t, "0123456789abcdef0123")
	c, tok := issue(t, p)
	w := httptest.NewRecorder()
	again, err := p.Token(w, post(c))
	if err != nil || again != tok {
		t.Fatalf("token for an existing cookie changed: %q vs %q (%v)", again, tok, err)
	}
	if len(w.Result().Cookies()) != 0 {
		t.Fatal("an existing cookie must not be replaced")
	}
	// A fresh cookie set in this request is visible to later calls.
	r := httptest.NewRequest("GET", "/", nil)
	w = httptest.NewRecorder()
	t1, _ := p.Token(w, r)
	t2, _ := p.Token(w, r)
	if t1 != t2 || len(w.Result().Cookies()) != 1 {
		t.Fatal("two calls in one request must share one new cookie")
	}
}
