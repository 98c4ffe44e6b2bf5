package flow

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/oauth2/client"
)

type noTokens struct{ revoked []string }

func (n *noTokens) RevokeFlows(_ context.Context, ids []string) error {
	n.revoked = append(n.revoked, ids...)
	return nil
}

func newService(t *testing.T, now *time.Time) (*Service, *noTokens) {
	t.Helper()
	pool := pgtest.New(t)
	clients := client.NewStore(pool, func() time.Time { return *now })
	c := &client.Client{ID: "app", TokenEndpointAuthMethod: "none"}
	c.Normalize()
	if err := clients.Create(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	tok := &noTokens{}
	return &Service{Store: NewStore(pool, clients), Tokens: tok, TTL: 10 * time.Minute,
		Now: func() time.Time { return *now }, Rand: rand.Reader, PublicURL: "https://auth.example/"}, tok
}

// TestFlowLifecycleAndPrune: a verifier works once, only with its CSRF
// value and before expiry; pruning removes abandoned flows but keeps
// granted consents (consent sessions) until they are revoked.
func TestFlowLifecycleAndPrune(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC()
	s, tok := newService(t, &now)
	start := func() *Flow {
		f := &Flow{ClientID: "app"}
		f.RequestURL = "https://auth.example/oauth2/auth?client_id=app"
		f.RequestedScope = []string{"openid"}
		if err := s.NewLogin(ctx, f, "csrf-value"); err != nil {
			t.Fatal(err)
		}
		return f
	}
	verifier := func(u string) string {
		return u[len("https://auth.example/oauth2/auth?client_id=app&login_verifier="):]
	}

	granted := start()
	to, err := s.AcceptLogin(ctx, granted.ID, AcceptLogin{Subject: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConsumeLogin(ctx, verifier(to), "another-browser"); err == nil {
		t.Fatal("a verifier worked with another browser's CSRF value")
	}
	f, err := s.ConsumeLogin(ctx, verifier(to), "csrf-value")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConsumeLogin(ctx, verifier(to), "csrf-value"); err == nil {
		t.Fatal("a verifier worked twice")
	}
	if err := s.StartConsent(ctx, f, false, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AcceptConsent(ctx, f.ConsentChallenge, AcceptConsent{GrantScope: []string{"openid"}, Remember: true}); err != nil {
		t.Fatal(err)
	}
	ct := s.Store.pool
	if _, err := ct.Exec(ctx, `UPDATE oauth2_flows SET state = $1 WHERE id = $2`, StateConsentUsed, f.ID); err != nil {
		t.Fatal(err)
	}

	abandoned := start()
	late := start()
	lateTo, err := s.AcceptLogin(ctx, late.ID, AcceptLogin{Subject: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if _, err := s.ConsumeLogin(ctx, verifier(lateTo), "csrf-value"); err == nil {
		t.Fatal("an expired verifier worked")
	}
	if _, err := s.LoginRequest(ctx, abandoned.ID); err == nil {
		t.Fatal("an expired challenge answered")
	}
	n, err := s.Store.Prune(ctx, now)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want the 2 abandoned flows", n, err)
	}
	list, err := s.ConsentSessions(ctx, "alice", "", 10, 0)
	if err != nil || len(list) != 1 {
		t.Fatalf("the granted consent must survive pruning: %v %v", list, err)
	}
	if prev, err := s.RememberedConsent(ctx, "alice", "app"); err != nil || prev == nil {
		t.Fatalf("remembered consent: %v %v", prev, err)
	}
	if err := s.RevokeConsentSessions(ctx, "alice", "app"); err != nil {
		t.Fatal(err)
	}
	if len(tok.revoked) != 1 || tok.revoked[0] != f.ID {
		t.Fatalf("revoking the consent must revoke its tokens: %v", tok.revoked)
	}
	if prev, _ := s.RememberedConsent(ctx, "alice", "app"); prev != nil {
		t.Fatal("a revoked consent is still remembered")
	}
}
