package courier

import (
	"context"
	"errors"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/mailtest"
)

// TestRecipientLimit pins the mail-bombing guard: anyone may ask for a
// recovery mail to any address, so one address gets at most ten messages
// in fifteen minutes.
func TestRecipientLimit(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	for i := range recipientLimit {
		if _, err := e.courier.Send(ctx, "victim@example.com", RecoveryInvalid, nil); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if _, err := e.courier.Send(ctx, "Victim@example.com", RecoveryInvalid, nil); !errors.Is(err, ErrRecipientLimit) {
		t.Fatalf("message over the limit: %v", err)
	}
	if _, err := e.courier.Send(ctx, "someone-else@example.com", RecoveryInvalid, nil); err != nil {
		t.Fatalf("another address: %v", err)
	}
	e.clock.Add(recipientWindow)
	if _, err := e.courier.Send(ctx, "victim@example.com", RecoveryInvalid, nil); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	for _, bad := range []string{"", "not an address", "Jane <jane@example.com>"} {
		if _, err := e.courier.Send(ctx, bad, RecoveryInvalid, nil); err == nil {
			t.Errorf("%q was queued", bad)
		}
	}
}
