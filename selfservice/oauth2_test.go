package selfservice

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity/identitytest"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// fakeOAuth2 stands in for the OAuth2 head's login requests: it is the
// other side of an interface, not a store.
type fakeOAuth2 struct {
	mu       sync.Mutex
	pending  map[string]*OAuth2LoginRequest
	accepted map[string]OAuth2LoginAcceptance
}

func (f *fakeOAuth2) LoginRequest(_ context.Context, c string) (*OAuth2LoginRequest, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.pending[c]
	if !ok {
		return nil, httpx.ErrNotFound.WithReason("The login challenge is unknown or was used.")
	}
	return r, nil
}

func (f *fakeOAuth2) AcceptLogin(_ context.Context, c string, a OAuth2LoginAcceptance) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.pending[c]; !ok {
		return "", errors.New("unknown challenge")
	}
	delete(f.pending, c)
	f.accepted[c] = a
	return "https://auth.example.com/oauth2/auth?login_verifier=v-" + c, nil
}

// The login bridge: a login started with ?login_challenge= accepts the
// OAuth2 request after the password check and sends the browser back to
// the authorization endpoint; a browser already signed in is accepted at
// once; an unknown challenge never shows a form.
func TestOAuth2LoginChallenge(t *testing.T) {
	o := &fakeOAuth2{pending: map[string]*OAuth2LoginRequest{"c1": {ClientID: "app"}, "c2": {ClientID: "app"}},
		accepted: map[string]OAuth2LoginAcceptance{}}
	e := newEnvWith(t, hooksSession, identitytest.Hasher(t), func(_ *pgxpool.Pool, op *Options) { op.OAuth2 = o })
	b := e.browser()
	reg := b.register(t, seedTraits, "Tr0ub4dor&3-horse")
	if reg.status != 303 {
		t.Fatalf("register: %d", reg.status)
	}
	out := b.getJSON("/self-service/logout/browser").json(t)
	b.get(out["logout_url"].(string), nil)

	f := b.startBrowserFlow("login", "?login_challenge=c1")
	if f["oauth2_login_challenge"] != "c1" {
		t.Fatalf("flow = %v", f)
	}
	r := b.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"password"}, "identifier": {"jane@example.org"}, "password": {"Tr0ub4dor&3-horse"}})
	if r.status != 303 || r.location() != "https://auth.example.com/oauth2/auth?login_verifier=v-c1" {
		t.Fatalf("after login: %d %s", r.status, r.location())
	}
	a := o.accepted["c1"]
	if a.Subject == "" || a.SessionID == "" || len(a.AMR) != 1 || a.AMR[0] != "pwd" || !a.Remember {
		t.Fatalf("acceptance = %+v", a)
	}

	// Signed in now: the next challenge is accepted without a form.
	r = b.get("/self-service/login/browser?login_challenge=c2", nil)
	if r.status != 303 || !strings.HasSuffix(r.location(), "login_verifier=v-c2") || o.accepted["c2"].Subject != a.Subject {
		t.Fatalf("with a session: %d %s", r.status, r.location())
	}

	// A used or unknown challenge goes to the error page.
	r = b.get("/self-service/login/browser?login_challenge=c1", nil)
	if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "/error?id=") {
		t.Fatalf("used challenge: %d %s", r.status, r.location())
	}

	// Without an OAuth2 head a challenge is refused.
	plain := newEnv(t, "")
	if r := plain.browser().getJSON("/self-service/login/browser?login_challenge=x"); r.status != 400 {
		t.Fatalf("no OAuth2 head: %d %s", r.status, r.body)
	}
}
