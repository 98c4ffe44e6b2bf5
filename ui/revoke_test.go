package ui

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/csrf"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// recorder is a Backend that records what the page asked for; the real
// one (selfservice.Handler) is exercised end to end in cmd/cerberus.
type recorder struct {
	revoked []string
	failed  error
}

func (b *recorder) Flow(http.ResponseWriter, *http.Request, flow.Kind, string) (*flow.Flow, error) {
	return nil, errors.New("unused")
}
func (b *recorder) StartURL(k flow.Kind, _ url.Values) string {
	return "/self-service/" + string(k) + "/browser"
}
func (b *recorder) Fail(w http.ResponseWriter, _ *http.Request, err error) {
	b.failed = err
	w.WriteHeader(http.StatusForbidden)
}
func (b *recorder) Error(context.Context, string) (*flow.Error, error) {
	return nil, errors.New("unused")
}
func (b *recorder) Overview(http.ResponseWriter, *http.Request) (*flow.Overview, error) {
	return &flow.Overview{}, nil
}
func (b *recorder) Enabled(flow.Kind) bool { return true }
func (b *recorder) RevokeSession(_ *http.Request, id string) error {
	b.revoked = append(b.revoked, id)
	return nil
}

// Revoking a session is a state change: a cross-site form post without
// this browser's CSRF token must not reach the backend.
func TestRevokeNeedsCSRFToken(t *testing.T) {
	prot, err := csrf.New(csrf.Options{Secrets: []string{"ui-test-cookie-secret-123"}, BaseURL: "http://127.0.0.1:4433/"})
	if err != nil {
		t.Fatal(err)
	}
	be := &recorder{}
	mux := http.NewServeMux()
	New(Options{Backend: be, CSRF: prot, Brand: Brand{ProductName: "X"}}).Mount(mux)

	// The welcome page sets the cookie and embeds the token.
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/welcome", nil))
	cookie := w.Result().Cookies()[0]
	tok, _ := prot.Current(withCookie(httptest.NewRequest("GET", "/", nil), cookie))

	post := func(form url.Values, c *http.Cookie) int {
		r := httptest.NewRequest("POST", "/welcome/sessions/revoke", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c != nil {
			r = withCookie(r, c)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w.Code
	}
	if code := post(url.Values{"session_id": {"s1"}}, cookie); code != 403 || len(be.revoked) != 0 {
		t.Fatalf("without a token: %d, revoked %v", code, be.revoked)
	}
	if code := post(url.Values{"session_id": {"s1"}, "csrf_token": {tok}}, nil); code != 403 || len(be.revoked) != 0 {
		t.Fatalf("without the cookie: %d, revoked %v", code, be.revoked)
	}
	if code := post(url.Values{"session_id": {"s1"}, "csrf_token": {tok}}, cookie); code != 303 || len(be.revoked) != 1 {
		t.Fatalf("with token and cookie: %d, revoked %v (%v)", code, be.revoked, be.failed)
	}
}

func withCookie(r *http.Request, c *http.Cookie) *http.Request {
	r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	return r
}
