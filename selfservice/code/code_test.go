package code

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/identitytest"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/store"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type fixture struct {
	pool     *pgxpool.Pool
	s        *Store
	identity uuid.UUID
}

func setup(t *testing.T) *fixture {
	t.Helper()
	pool := pgtest.New(t)
	s, err := New(pool, []string{"code-test-secret-0123456789"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	i, err := identitytest.NewService(t, pool).Create(context.Background(), identity.CreateParams{
		Traits: []byte(`{"email":"jane@example.org","full_name":"Jane Doe","phone_number":"+14155550100"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{pool: pool, s: s, identity: i.ID}
}

func (f *fixture) flow(t *testing.T, k flow.Kind) uuid.UUID {
	t.Helper()
	fl := &flow.Flow{ID: uuid.New(), Kind: k, Type: flow.API, State: flow.StateChooseMethod, RequestURL: "https://a/",
		UI: node.NewContainer("https://a/"), RequestedAAL: "aal1", IssuedAt: t0, ExpiresAt: t0.Add(time.Hour), CreatedAt: t0, UpdatedAt: t0}
	if err := store.New(f.pool).CreateFlow(context.Background(), fl); err != nil {
		t.Fatal(err)
	}
	return fl.ID
}

func (f *fixture) issue(t *testing.T, p Purpose, m Method, flowID uuid.UUID, ttl time.Duration) string {
	t.Helper()
	secret, err := f.s.Issue(context.Background(), &Code{FlowID: flowID, Purpose: p, Method: m, IdentityID: f.identity,
		Address: "jane@example.org", ExpiresAt: t0.Add(ttl), CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestCodes(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	fid := f.flow(t, flow.Verification)
	secret := f.issue(t, Verification, MethodCode, fid, time.Hour)
	if len(secret) != 6 {
		t.Fatalf("code %q is not six digits", secret)
	}
	var stored []byte
	_ = f.pool.QueryRow(ctx, `SELECT hash FROM selfservice_codes WHERE flow_id = $1`, fid).Scan(&stored)
	if string(stored) == secret || len(stored) != 32 {
		t.Fatal("the code must be stored as an HMAC only")
	}
	if _, err := f.s.UseCode(ctx, Recovery, fid, secret, t0, 5); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a verification code redeemed as recovery: %v", err)
	}
	c, err := f.s.UseCode(ctx, Verification, fid, secret, t0, 5)
	if err != nil || c.IdentityID != f.identity || c.Address != "jane@example.org" {
		t.Fatalf("redeem: %+v %v", c, err)
	}
	if _, err := f.s.UseCode(ctx, Verification, fid, secret, t0, 5); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a code was used twice: %v", err)
	}

	// Expired.
	fid2 := f.flow(t, flow.Verification)
	old := f.issue(t, Verification, MethodCode, fid2, time.Minute)
	if _, err := f.s.UseCode(ctx, Verification, fid2, old, t0.Add(time.Minute), 5); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an expired code was accepted: %v", err)
	}

	// A code is bound to its flow.
	fid3, fid4 := f.flow(t, flow.Recovery), f.flow(t, flow.Recovery)
	c3 := f.issue(t, Recovery, MethodCode, fid3, time.Hour)
	if _, err := f.s.UseCode(ctx, Recovery, fid4, c3, t0, 5); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a code of another flow was accepted: %v", err)
	}
}

// TestAttemptLimit: after max wrong codes the flow is dead, even for the
// right code, and concurrent guesses cannot slip past the limit.
func TestAttemptLimit(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	fid := f.flow(t, flow.Recovery)
	secret := f.issue(t, Recovery, MethodCode, fid, time.Hour)
	wrong := func(i int) string { return fmt.Sprintf("%06d", (mustAtoi(secret)+1+i)%1_000_000) }
	var invalid, tooMany atomic.Int32
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch _, err := f.s.UseCode(ctx, Recovery, fid, wrong(i), t0, 5); {
			case errors.Is(err, ErrInvalid):
				invalid.Add(1)
			case errors.Is(err, ErrTooManyAttempts):
				tooMany.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if invalid.Load() != 5 || tooMany.Load() != 7 {
		t.Fatalf("%d wrong codes were checked, %d refused; want exactly 5 checked", invalid.Load(), tooMany.Load())
	}
	if _, err := f.s.UseCode(ctx, Recovery, fid, secret, t0, 5); !errors.Is(err, ErrTooManyAttempts) {
		t.Fatalf("the right code after the limit: %v", err)
	}
	if n, _ := f.s.Failures(ctx, fid); n != 5 {
		t.Fatalf("failures = %d", n)
	}
}

func TestLinks(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	fid := f.flow(t, flow.Recovery)
	tok := f.issue(t, Recovery, MethodLink, fid, time.Hour)
	if len(tok) < 43 {
		t.Fatalf("token %q is short", tok)
	}
	other := f.flow(t, flow.Recovery)
	for name, try := range map[string]func() error{
		"another flow's id": func() error { _, err := f.s.UseLink(ctx, Recovery, other, tok, t0); return err },
		"another purpose":   func() error { _, err := f.s.UseLink(ctx, Verification, fid, tok, t0); return err },
		"tampered token":    func() error { _, err := f.s.UseLink(ctx, Recovery, fid, tamper(tok), t0); return err },
		"empty token":       func() error { _, err := f.s.UseLink(ctx, Recovery, fid, "", t0); return err },
		"expired":           func() error { _, err := f.s.UseLink(ctx, Recovery, fid, tok, t0.Add(time.Hour)); return err },
	} {
		if err := try(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	c, err := f.s.UseLink(ctx, Recovery, fid, tok, t0)
	if err != nil || c.FlowID != fid {
		t.Fatalf("redeem: %+v %v", c, err)
	}
	if _, err := f.s.UseLink(ctx, Recovery, fid, tok, t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a link was used twice: %v", err)
	}

	// Revoke (a newer link was sent) uses up the old one.
	fid2 := f.flow(t, flow.Verification)
	tok2 := f.issue(t, Verification, MethodLink, fid2, time.Hour)
	if err := f.s.Revoke(ctx, fid2, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UseLink(ctx, Verification, fid2, tok2, t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a revoked link worked: %v", err)
	}

	// Rotation: a link issued under the old first secret still works.
	rotated, _ := New(f.pool, []string{"a-brand-new-secret-0123456789", "code-test-secret-0123456789"}, nil)
	fid3 := f.flow(t, flow.Verification)
	tok3 := f.issue(t, Verification, MethodLink, fid3, time.Hour)
	if _, err := rotated.UseLink(ctx, Verification, fid3, tok3, t0); err != nil {
		t.Fatalf("after rotating secrets.system: %v", err)
	}
}

func mustAtoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// tamper changes a token's last character (to another one).
func tamper(tok string) string {
	last := "A"
	if strings.HasSuffix(tok, "A") {
		last = "B"
	}
	return tok[:len(tok)-1] + last
}
