package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/mailtest"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/secretbox"
	"github.com/cerberus-iam/cerberus/internal/testbin"
	"github.com/cerberus-iam/cerberus/selfservice/courier"
)

// testSystemSecret is the secrets.system testbin gives every instance.
const testSystemSecret = "test-system-secret-0123456789abcdef"

// courierConfig points an instance's courier at smtp with quick retries.
func courierConfig(smtp *mailtest.Server, lease string) string {
	return fmt.Sprintf(`courier:
  smtp:
    connection_uri: %q
    from_address: no-reply@auth.example.com
    from_name: Example
  message_retries: 100
  worker:
    pull_count: 2
    pull_wait: 50ms
    lease: %s
    retry_backoff: { initial: 100ms, max: 400ms }
`, smtp.URI(), lease)
}

// queueDirect queues messages into dsn's outbox the way a flow in any
// instance would.
func queueDirect(t *testing.T, dsn string, n int, prefix string) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	box, err := secretbox.New([]string{testSystemSecret}, "courier")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := courier.LoadTemplates(config.Courier{})
	if err != nil {
		t.Fatal(err)
	}
	c := courier.New(courier.NewStore(pool, box), tpl, nil, nil, nil)
	for i := range n {
		if _, err := c.Send(context.Background(), fmt.Sprintf("%s%d@example.com", prefix, i), courier.VerificationCodeValid,
			&courier.TemplateData{VerificationCode: fmt.Sprintf("%06d", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func adminMessages(t *testing.T, in *testbin.Instance, query string) []map[string]any {
	t.Helper()
	resp, err := http.Get(in.Admin + "/admin/courier/messages?page_size=1000&" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("GET /admin/courier/messages?%s = %d", query, resp.StatusCode)
	}
	return out
}

func distinctMessageIDs(t *testing.T, mails []*mailtest.Mail) int {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range mails {
		id := m.Header.Get("Message-Id")
		if seen[id] {
			t.Errorf("message %s was delivered twice", id)
		}
		seen[id] = true
	}
	return len(seen)
}

// TestCourierTwoInstancesDrainOneQueue: two serve processes on one
// database share the outbox; every message arrives exactly once.
func TestCourierTwoInstancesDrainOneQueue(t *testing.T) {
	t.Parallel()
	smtp := mailtest.New(t, mailtest.Options{Security: mailtest.Implicit, User: "test", Password: "test"})
	dsn := pgtest.NewDSN(t)
	const n = 40
	queueDirect(t, dsn, n, "pair")
	cfg := courierConfig(smtp, "1m")
	a := testbin.Start(t, testbin.Options{DSN: dsn, Config: cfg})
	b := testbin.Start(t, testbin.Options{DSN: dsn, Config: cfg})
	mails := smtp.WaitFor(t, 60*time.Second, "every message", func(ms []*mailtest.Mail) bool { return len(ms) >= n })
	// Anything still in flight would show up as a duplicate now.
	time.Sleep(300 * time.Millisecond)
	mails = smtp.Mails()
	if got := distinctMessageIDs(t, mails); got != n || len(mails) != n {
		t.Fatalf("%d mails, %d distinct, want %d", len(mails), got, n)
	}
	if sent := adminMessages(t, a, "status=sent"); len(sent) != n {
		t.Fatalf("%d messages marked sent", len(sent))
	}
	t.Logf("instance a sent %d, instance b sent %d", strings.Count(a.Output(), "courier: message sent"),
		strings.Count(b.Output(), "courier: message sent"))
}

// TestCourierSMTPOutageMidQueue stops the SMTP server while the queue is
// draining: what was not sent stays queued, is retried, and arrives once
// the server is back.
func TestCourierSMTPOutageMidQueue(t *testing.T) {
	t.Parallel()
	smtp := mailtest.New(t, mailtest.Options{Security: mailtest.StartTLS, User: "u", Password: "p"})
	dsn := pgtest.NewDSN(t)
	in := testbin.Start(t, testbin.Options{DSN: dsn, Config: courierConfig(smtp, "1m")})
	queueDirect(t, dsn, 5, "before")
	smtp.WaitFor(t, 30*time.Second, "the first five", func(ms []*mailtest.Mail) bool { return len(ms) == 5 })
	smtp.Stop()
	queueDirect(t, dsn, 5, "during")
	deadline := time.Now().Add(30 * time.Second)
	for {
		failed := 0
		for _, m := range adminMessages(t, in, "") {
			if m["status"] == "queued" && m["send_count"].(float64) >= 2 {
				failed++
			}
		}
		if failed == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("messages queued during the outage were not retried")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The outage shows on the metrics an operator alerts on.
	resp, err := http.Get(in.Admin + "/admin/metrics/prometheus")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{`cerberus_courier_messages{status="queued"}`, "cerberus_courier_oldest_queued_seconds",
		`cerberus_courier_dispatches_total{outcome="retry"}`} {
		if !strings.Contains(string(metrics), m) {
			t.Errorf("metrics lack %s", m)
		}
	}
	smtp.Start()
	mails := smtp.WaitFor(t, 30*time.Second, "all ten", func(ms []*mailtest.Mail) bool { return len(ms) >= 10 })
	if distinctMessageIDs(t, mails) != 10 {
		t.Fatal("a message was lost or sent twice")
	}
	deadline = time.Now().Add(10 * time.Second)
	for len(adminMessages(t, in, "status=sent")) != 10 {
		if time.Now().After(deadline) {
			t.Fatal("not every message is marked sent")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCourierInstanceDiesMidSend kills an instance while the SMTP server
// holds its transaction after MAIL FROM; another instance sends the message once the
// dead one's lease has run out, and it arrives exactly once.
func TestCourierInstanceDiesMidSend(t *testing.T) {
	t.Parallel()
	smtp := mailtest.New(t, mailtest.Options{Security: mailtest.Plain})
	dsn := pgtest.NewDSN(t)
	release := smtp.Hold()
	cfg := courierConfig(smtp, "3s")
	a := testbin.Start(t, testbin.Options{DSN: dsn, Config: cfg})
	queueDirect(t, dsn, 1, "orphan")
	smtp.WaitHeld(t, 1, 30*time.Second)
	if err := a.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Wait(10 * time.Second); err == nil {
		t.Log("killed instance exited")
	}
	release()
	b := testbin.Start(t, testbin.Options{DSN: dsn, Config: cfg})
	m := smtp.WaitTo(t, "orphan0@example.com", 1)
	if !strings.Contains(m.Text, "000000") {
		t.Fatalf("mail: %s", m.Text)
	}
	time.Sleep(300 * time.Millisecond)
	if got := len(smtp.Mails()); got != 1 {
		t.Fatalf("%d mails", got)
	}
	msgs := adminMessages(t, b, "")
	if len(msgs) != 1 || msgs[0]["status"] != "sent" || msgs[0]["send_count"].(float64) != 2 {
		t.Fatalf("message: %+v", msgs)
	}
}
