package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/identitytest"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/storage"
)

// clock is a controllable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	ids   *identity.Service
	m     *session.Manager
	clock *clock
	ident *identity.Identity
}

func setup(t *testing.T, mod func(*session.Config)) *fixture { return setupTB(t, mod) }

func setupB(b *testing.B) *fixture { return setupTB(b, nil) }

func setupTB(t testing.TB, mod func(*session.Config)) *fixture {
	t.Helper()
	pool := pgtest.New(t)
	c := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	ids := identitytest.NewService(t, pool)
	cfg := session.Config{Pool: pool, Lifespan: time.Hour, PublicBaseURL: "https://auth.example.org/", Now: c.Now}
	if mod != nil {
		mod(&cfg)
	}
	i, err := ids.Create(context.Background(), identity.CreateParams{
		Traits:         json.RawMessage(`{"email":"jane@example.org","full_name":"Jane","phone_number":"+4930901820"}`),
		Password:       &identity.PasswordInput{Password: "pw"},
		MetadataPublic: json.RawMessage(`{"plan":"pro"}`),
		MetadataAdmin:  json.RawMessage(`{"secret":"admins only"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{ids: ids, m: session.New(cfg), clock: c, ident: i}
}

func (f *fixture) issueB(b *testing.B) (*session.Session, string) { return f.issue(b) }

func (f *fixture) issue(t testing.TB, methods ...session.AuthenticationMethod) (*session.Session, string) {
	t.Helper()
	if len(methods) == 0 {
		methods = []session.AuthenticationMethod{{Method: "password", AAL: identity.AAL1}}
	}
	s, tok, err := f.m.Issue(context.Background(), session.IssueParams{IdentityID: f.ident.ID, Methods: methods,
		Device: session.DeviceInfo{IPAddress: "203.0.113.7", UserAgent: "test-agent", Location: "Berlin, DE"}})
	if err != nil {
		t.Fatal(err)
	}
	return s, tok
}

func TestWhoamiJSONShape(t *testing.T) {
	f := setup(t, nil)
	s, tok := f.issue(t)
	if !strings.HasPrefix(tok, "ory_st_") || len(tok) != session.TokenLength {
		t.Fatalf("token %q", tok)
	}
	body, idID, err := f.m.WhoamiJSON(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if idID != f.ident.ID {
		t.Errorf("identity id = %s", idID)
	}
	var got struct {
		ID                          string           `json:"id"`
		Active                      bool             `json:"active"`
		ExpiresAt                   time.Time        `json:"expires_at"`
		AuthenticatorAssuranceLevel string           `json:"authenticator_assurance_level"`
		AuthenticationMethods       []map[string]any `json:"authentication_methods"`
		IssuedAt                    time.Time        `json:"issued_at"`
		AuthenticatedAt             time.Time        `json:"authenticated_at"`
		Identity                    map[string]any
		Devices                     []map[string]any
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("whoami body is not JSON: %v\n%s", err, body)
	}
	if got.ID != s.ID.String() || !got.Active || got.AuthenticatorAssuranceLevel != "aal1" ||
		!got.ExpiresAt.Equal(f.clock.Now().Add(time.Hour)) || !got.IssuedAt.Equal(f.clock.Now()) {
		t.Errorf("session fields: %s", body)
	}
	if len(got.AuthenticationMethods) != 1 || got.AuthenticationMethods[0]["method"] != "password" {
		t.Errorf("methods: %v", got.AuthenticationMethods)
	}
	if len(got.Devices) != 1 || got.Devices[0]["ip_address"] != "203.0.113.7" || got.Devices[0]["location"] != "Berlin, DE" {
		t.Errorf("devices: %v", got.Devices)
	}
	want := map[string]any{
		"id": f.ident.ID.String(), "schema_id": "default", "state": "active",
		"schema_url":      "https://auth.example.org/schemas/ZGVmYXVsdA",
		"metadata_public": map[string]any{"plan": "pro"},
	}
	for k, v := range want {
		a, _ := json.Marshal(got.Identity[k])
		b, _ := json.Marshal(v)
		if string(a) != string(b) {
			t.Errorf("identity.%s = %s, want %s", k, a, b)
		}
	}
	for _, k := range []string{"credentials", "metadata_admin"} {
		if _, ok := got.Identity[k]; ok {
			t.Errorf("whoami leaks identity.%s: %s", k, body)
		}
	}
	if strings.Contains(string(body), "argon2") || strings.Contains(string(body), "admins only") {
		t.Errorf("whoami leaks secrets: %s", body)
	}
	if traits, _ := got.Identity["traits"].(map[string]any); traits["email"] != "jane@example.org" {
		t.Errorf("traits: %v", got.Identity["traits"])
	}
}

func TestRevocationExpiryAndIdentityStateApplyImmediately(t *testing.T) {
	f := setup(t, nil)
	ctx := context.Background()

	s1, t1 := f.issue(t)
	if err := f.m.Revoke(ctx, s1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Whoami(ctx, t1); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("revoked session: %v", err)
	}

	_, t2 := f.issue(t)
	f.clock.Add(time.Hour - time.Second)
	if _, err := f.m.Whoami(ctx, t2); err != nil {
		t.Errorf("one second before expiry: %v", err)
	}
	f.clock.Add(time.Second)
	if _, err := f.m.Whoami(ctx, t2); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("at expiry: %v", err)
	}

	_, t3 := f.issue(t)
	if _, err := f.ids.Update(ctx, f.ident.ID, func(i *identity.Identity) error { i.State = identity.StateInactive; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Whoami(ctx, t3); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("identity deactivated: %v", err)
	}
	// Reactivation does not bring the old session back.
	if _, err := f.ids.Update(ctx, f.ident.ID, func(i *identity.Identity) error { i.State = identity.StateActive; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Whoami(ctx, t3); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("identity reactivated, old session: %v", err)
	}

	_, t4 := f.issue(t)
	if err := f.ids.Delete(ctx, f.ident.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Whoami(ctx, t4); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("identity deleted: %v", err)
	}
	if _, _, err := f.m.Issue(ctx, session.IssueParams{IdentityID: f.ident.ID}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("issuing for a deleted identity: %v", err)
	}
}

func TestMalformedTokensNeverMatch(t *testing.T) {
	f := setup(t, nil)
	_, tok := f.issue(t)
	for name, bad := range map[string]string{
		"empty":        "",
		"short":        tok[:len(tok)-1],
		"long":         tok + "A",
		"wrong prefix": "ory_xx_" + tok[7:],
		"bad alphabet": tok[:len(tok)-1] + "!",
		"other token":  "ory_st_" + strings.Repeat("A", len(tok)-7),
	} {
		if _, err := f.m.Whoami(context.Background(), bad); !errors.Is(err, session.ErrNoSession) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestAAL(t *testing.T) {
	ctx := context.Background()
	f := setup(t, nil)
	// A TOTP credential makes aal2 available.
	if _, err := f.ids.Update(ctx, f.ident.ID, func(i *identity.Identity) error {
		i.SetCredential(&identity.Credential{Type: identity.CredentialTOTP, Config: json.RawMessage(`{"totp_url":"otpauth://x"}`)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, aal1 := f.issue(t)
	r, err := f.m.Whoami(ctx, aal1)
	if !errors.Is(err, session.ErrAAL2Required) || r == nil || r.Session == nil {
		t.Fatalf("aal1 session, aal2 available, highest_available: %v", err)
	}
	s2, aal2 := f.issue(t, session.AuthenticationMethod{Method: "password", AAL: identity.AAL1},
		session.AuthenticationMethod{Method: "totp", AAL: identity.AAL2})
	if s2.AAL != identity.AAL2 {
		t.Fatalf("session AAL = %s", s2.AAL)
	}
	if _, err := f.m.Whoami(ctx, aal2); err != nil {
		t.Fatalf("aal2 session: %v", err)
	}

	// required_aal: aal1 accepts the aal1 session.
	f2 := setup(t, func(c *session.Config) { c.RequiredAAL = session.RequireAAL1 })
	if _, err := f2.ids.Update(ctx, f2.ident.ID, func(i *identity.Identity) error {
		i.SetCredential(&identity.Credential{Type: identity.CredentialLookupSecret})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, tok := f2.issue(t)
	if _, err := f2.m.Whoami(ctx, tok); err != nil {
		t.Fatalf("required_aal aal1: %v", err)
	}
}

func TestExtendRespectsEarliestPossibleExtend(t *testing.T) {
	ctx := context.Background()
	f := setup(t, func(c *session.Config) { c.EarliestPossibleExtend = 10 * time.Minute })
	s, _ := f.issue(t)
	before := s.ExpiresAt
	f.clock.Add(30 * time.Minute)
	got, err := f.m.Extend(ctx, s.ID)
	if err != nil || !got.ExpiresAt.Equal(before) {
		t.Fatalf("extend 30m before expiry with a 10m window: %v, expires %v (want unchanged %v)", err, got.ExpiresAt, before)
	}
	f.clock.Add(25 * time.Minute)
	got, err = f.m.Extend(ctx, s.ID)
	if err != nil || !got.ExpiresAt.Equal(f.clock.Now().Add(time.Hour)) {
		t.Fatalf("extend inside the window: %v, expires %v", err, got.ExpiresAt)
	}
	if err := f.m.Revoke(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Extend(ctx, s.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("extend a revoked session: %v", err)
	}
}

func TestListAndRevokeAll(t *testing.T) {
	ctx := context.Background()
	f := setup(t, nil)
	keep, _ := f.issue(t)
	for range 3 {
		f.issue(t)
	}
	n, err := f.m.RevokeAll(ctx, f.ident.ID, keep.ID)
	if err != nil || n != 3 {
		t.Fatalf("RevokeAll = %d, %v", n, err)
	}
	yes, no := true, false
	active, _, _ := f.m.List(ctx, session.ListParams{IdentityID: f.ident.ID, Active: &yes})
	inactive, _, _ := f.m.List(ctx, session.ListParams{IdentityID: f.ident.ID, Active: &no})
	if len(active) != 1 || active[0].ID != keep.ID || len(inactive) != 3 {
		t.Fatalf("active %d, inactive %d", len(active), len(inactive))
	}
	all, more, _ := f.m.List(ctx, session.ListParams{Size: 2})
	if len(all) != 2 || !more {
		t.Fatalf("page of 2: %d, more=%v", len(all), more)
	}
	if err := f.m.RevokeOwned(ctx, uuid.New(), keep.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("revoking someone else's session: %v", err)
	}
}

func TestTokenSourcesAndCookie(t *testing.T) {
	f := setup(t, func(c *session.Config) {
		c.Cookie = session.CookieConfig{Persistent: true, Secure: true, SameSite: http.SameSiteLaxMode, Domain: "example.org"}
	})
	s, tok := f.issue(t)
	rec := httptest.NewRecorder()
	f.m.SetCookie(rec, tok, s.ExpiresAt)
	c := rec.Result().Cookies()[0]
	if c.Name != "cerberus_session" || c.Value != tok || !c.HttpOnly || !c.Secure || c.Domain != "example.org" || c.MaxAge != 3600 {
		t.Fatalf("cookie = %+v", c)
	}
	for name, set := range map[string]func(*http.Request){
		"cookie":       func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "cerberus_session", Value: tok}) },
		"x-session":    func(r *http.Request) { r.Header.Set("X-Session-Token", tok) },
		"bearer":       func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) },
		"bearer lower": func(r *http.Request) { r.Header.Set("Authorization", "bearer "+tok) },
	} {
		r := httptest.NewRequest("GET", "/sessions/whoami", nil)
		set(r)
		got, err := f.m.FromRequest(context.Background(), r)
		if err != nil || got.ID != s.ID {
			t.Errorf("%s: %v", name, err)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	if _, err := f.m.FromRequest(context.Background(), r); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("no token: %v", err)
	}
}

func TestLogoutToken(t *testing.T) {
	ctx := context.Background()
	f := setup(t, nil)
	s, tok := f.issue(t)
	lo, err := f.m.NewLogoutToken(ctx, s.ID)
	if err != nil || !strings.HasPrefix(lo, "ory_lo_") {
		t.Fatalf("logout token %q: %v", lo, err)
	}
	if _, err := f.m.RevokeByLogoutToken(ctx, uuid.New(), lo); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("logout token of another identity: %v", err)
	}
	id, err := f.m.RevokeByLogoutToken(ctx, f.ident.ID, lo)
	if err != nil || id != s.ID {
		t.Fatalf("logout: %v", err)
	}
	if _, err := f.m.Whoami(ctx, tok); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("after logout: %v", err)
	}
}

// Under load lookups are merged into one query; each request must still
// get exactly its own answer, and a revocation must apply to every lookup
// that starts after it.
func TestConcurrentLookupsGetTheirOwnAnswers(t *testing.T) {
	ctx := context.Background()
	f := setup(t, nil)
	const n = 12
	var tokens, revoked []string
	for k := range n {
		s, tok := f.issue(t)
		if k%3 == 0 {
			if err := f.m.Revoke(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			revoked = append(revoked, tok)
			continue
		}
		tokens = append(tokens, tok)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64*n)
	for round := range 8 {
		for _, tok := range append(append([]string{}, tokens...), revoked...) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := f.m.ByToken(ctx, tok)
				isRevoked := false
				for _, r := range revoked {
					isRevoked = isRevoked || r == tok
				}
				switch {
				case isRevoked && !errors.Is(err, session.ErrNoSession):
					errs <- fmt.Errorf("round %d: revoked token answered %v", round, err)
				case !isRevoked && err != nil:
					errs <- fmt.Errorf("round %d: valid token: %v", round, err)
				case !isRevoked && len(s.Methods) != 1:
					errs <- fmt.Errorf("round %d: methods %v", round, s.Methods)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
