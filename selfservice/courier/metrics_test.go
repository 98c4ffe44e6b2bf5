package courier

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/cerberus-iam/cerberus/internal/mailtest"
)

func TestQueueCollector(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	for _, to := range []string{"a@example.com", "b@example.com"} {
		if _, err := e.courier.Send(ctx, to, VerificationValid, nil); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Add(90 * time.Second)
	c := NewQueueCollector(e.store, e.clock.Now)
	want := `
# HELP cerberus_courier_messages Messages in the outbox by status (queued, processing).
# TYPE cerberus_courier_messages gauge
cerberus_courier_messages{status="processing"} 0
cerberus_courier_messages{status="queued"} 2
# HELP cerberus_courier_oldest_queued_seconds Age of the oldest message not yet sent.
# TYPE cerberus_courier_oldest_queued_seconds gauge
cerberus_courier_oldest_queued_seconds 90
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.worker(5).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e.smtp.WaitFor(t, 10*time.Second, "two mails", func(ms []*mailtest.Mail) bool { return len(ms) == 2 })
	after := `
# HELP cerberus_courier_messages Messages in the outbox by status (queued, processing).
# TYPE cerberus_courier_messages gauge
cerberus_courier_messages{status="processing"} 0
cerberus_courier_messages{status="queued"} 0
# HELP cerberus_courier_oldest_queued_seconds Age of the oldest message not yet sent.
# TYPE cerberus_courier_oldest_queued_seconds gauge
cerberus_courier_oldest_queued_seconds 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(after)); err != nil {
		t.Fatal(err)
	}
}
