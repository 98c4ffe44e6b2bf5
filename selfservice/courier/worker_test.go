package courier

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/mailtest"
)

func TestDeliversRenderedMessageOverEveryTransport(t *testing.T) {
	for name, o := range map[string]mailtest.Options{
		// Seed 001: smtps://test:test@mailslurper:1025/?skip_ssl_verify=true
		"smtps with auth":    {Security: mailtest.Implicit, User: "test", Password: "test"},
		"starttls with auth": {Security: mailtest.StartTLS, User: "u", Password: "p@ss word"},
		"plain, no auth":     {Security: mailtest.Plain},
		"plain with auth":    {Security: mailtest.Plain, User: "catcher", Password: "secret"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, o)
			ctx := context.Background()
			id, err := e.courier.Send(ctx, "Jane@Example.org", RecoveryCodeValid, &TemplateData{RecoveryCode: "042817", ExpiresInMinutes: 15})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := e.worker(5).RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("claimed %d, %v", n, err)
			}
			m := e.smtp.WaitTo(t, "Jane@Example.org", 1)
			if m.Subject != "Your recovery code" || !strings.Contains(m.Text, "042817") || !strings.Contains(m.HTML, "042817") {
				t.Fatalf("mail content: %q\n%s\n%s", m.Subject, m.Text, m.HTML)
			}
			if !strings.Contains(m.Text, "expires in 15 minutes") {
				t.Errorf("template data not rendered: %s", m.Text)
			}
			if got := m.Header.Get("From"); got != `"Example Auth" <no-reply@auth.example.com>` {
				t.Errorf("From = %q", got)
			}
			if got := m.Header.Get("Message-Id"); got != "<"+id.String()+"@auth.example.com>" {
				t.Errorf("Message-ID = %q", got)
			}
			if m.Header.Get("X-Campaign") != "account" {
				t.Errorf("custom header missing: %v", m.Header)
			}
			if o.User != "" && e.smtp.Auths() != 1 {
				t.Errorf("authenticated %d times", e.smtp.Auths())
			}
			got, err := e.store.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != StatusSent || got.SendCount != 1 || len(got.Dispatches) != 1 || got.Dispatches[0].Status != DispatchSuccess {
				t.Fatalf("message after sending: %+v", got)
			}
		})
	}
}

// TestSMTPOutage pins the "SMTP down" case: messages queued while
// the server is down stay queued, are retried with backoff, and every one
// arrives after the server returns.
func TestSMTPOutage(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	w := e.worker(5)
	var ids []uuid.UUID
	for i := range 3 {
		id, err := e.courier.Send(ctx, fmt.Sprintf("p%d@example.com", i), VerificationValid, &TemplateData{VerificationURL: "https://a/v"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	e.smtp.Stop()
	if n, err := w.RunOnce(ctx); err != nil || n != 3 {
		t.Fatalf("claimed %d, %v", n, err)
	}
	for _, id := range ids {
		m, _ := e.store.Get(ctx, id)
		if m.Status != StatusQueued || len(m.Dispatches) != 1 || m.Dispatches[0].Status != DispatchFailed ||
			m.Dispatches[0].Error["message"] == "" {
			t.Fatalf("after a failed attempt: %+v", m)
		}
		if !m.NextAttemptAt.After(e.clock.Now()) {
			t.Fatal("a failed message must wait before the next attempt")
		}
	}
	// Not yet due: nothing is claimed.
	if n, _ := w.RunOnce(ctx); n != 0 {
		t.Fatalf("claimed %d messages before their retry time", n)
	}
	e.smtp.Start()
	e.clock.Add(2 * time.Second)
	if n, err := w.RunOnce(ctx); err != nil || n != 3 {
		t.Fatalf("retry claimed %d, %v", n, err)
	}
	e.smtp.WaitFor(t, 10*time.Second, "3 mails", func(ms []*mailtest.Mail) bool { return len(ms) == 3 })
	for _, id := range ids {
		m, _ := e.store.Get(ctx, id)
		if m.Status != StatusSent || m.SendCount != 2 || len(m.Dispatches) != 2 {
			t.Fatalf("after the retry: %+v", m)
		}
	}
}

func TestAbandonsAfterRetriesAndOnPermanentRefusal(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	w := e.worker(2)
	e.smtp.Reject("gone@example.com", 550)
	e.smtp.Reject("busy@example.com", 450)
	gone, _ := e.courier.Send(ctx, "gone@example.com", VerificationValid, nil)
	busy, _ := e.courier.Send(ctx, "busy@example.com", VerificationValid, nil)
	for range 5 {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
	}
	g, _ := e.store.Get(ctx, gone)
	if g.Status != StatusAbandoned || g.SendCount != 1 {
		t.Fatalf("a permanently refused recipient must be abandoned at once: %+v", g)
	}
	b, _ := e.store.Get(ctx, busy)
	// message_retries 2: the first attempt and two retries.
	if b.Status != StatusAbandoned || b.SendCount != 3 || len(b.Dispatches) != 3 {
		t.Fatalf("a temporarily refused recipient must be tried 1+2 times, then abandoned: %+v", b)
	}
}

// TestLeaseExpiryRetriesMessageOfDeadInstance: an instance that claimed a
// message and died never finishes it; when the lease ends another
// instance sends it, and the dead one's late report is ignored.
func TestLeaseExpiryRetriesMessageOfDeadInstance(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	id, _ := e.courier.Send(ctx, "a@example.com", VerificationValid, nil)
	dead := uuid.New()
	claimed, err := e.store.Claim(ctx, dead, e.clock.Now(), time.Minute, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %d, %v", len(claimed), err)
	}
	w := e.worker(5)
	if n, _ := w.RunOnce(ctx); n != 0 {
		t.Fatal("a leased message was claimed again before its lease ended")
	}
	e.clock.Add(time.Minute + time.Second)
	if n, _ := w.RunOnce(ctx); n != 1 {
		t.Fatal("the message of a dead instance was not retried after its lease")
	}
	e.smtp.WaitTo(t, "a@example.com", 1)
	ok, err := e.store.Finish(ctx, id, dead, uuid.New(), e.clock.Now(), Outcome{Status: StatusSent})
	if err != nil || ok {
		t.Fatalf("the dead instance's late report was accepted: %v %v", ok, err)
	}
	m, _ := e.store.Get(ctx, id)
	if m.Status != StatusSent || m.SendCount != 2 || len(m.Dispatches) != 1 {
		t.Fatalf("message: %+v", m)
	}
}

// TestConcurrentWorkersSendEachMessageOnce runs several workers (as
// several instances would) against one queue.
func TestConcurrentWorkersSendEachMessageOnce(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	const n = 60
	for i := range n {
		if _, err := e.courier.Send(ctx, fmt.Sprintf("u%d@example.com", i), VerificationValid, nil); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 4 {
		w := e.worker(5)
		w.o.PullCount = 3
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k, err := w.RunOnce(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if k == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	mails := e.smtp.WaitFor(t, 10*time.Second, "all mails", func(ms []*mailtest.Mail) bool { return len(ms) >= n })
	seen := map[string]int{}
	for _, m := range mails {
		seen[m.Header.Get("Message-Id")]++
	}
	if len(seen) != n || len(mails) != n {
		t.Fatalf("%d mails with %d distinct ids, want %d each", len(mails), len(seen), n)
	}
	list, _, _ := e.store.List(ctx, ListParams{Status: StatusSent, Size: 1000})
	if len(list) != n {
		t.Fatalf("%d messages sent in the store", len(list))
	}
}

func TestRunWakesOnSendAndStopsWithContext(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	w := e.worker(5)
	w.o.PullWait = time.Hour // only a wake-up can make it look again
	e.courier.notify = w.Wake
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	if _, err := e.courier.Send(ctx, "now@example.com", VerificationValid, nil); err != nil {
		t.Fatal(err)
	}
	e.smtp.WaitTo(t, "now@example.com", 1)
	cancel()
	<-done
}

// TestShutdownReleasesUnsentClaims: a worker stopping mid-batch finishes
// the message it is sending and hands the ones it had not started back to
// the queue at once, uncounted.
func TestShutdownReleasesUnsentClaims(t *testing.T) {
	e := newEnv(t, mailtest.Options{Security: mailtest.Plain})
	ctx := context.Background()
	var ids []uuid.UUID
	for i := range 3 {
		id, _ := e.courier.Send(ctx, fmt.Sprintf("s%d@example.com", i), VerificationValid, nil)
		ids = append(ids, id)
	}
	w := e.worker(5)
	stopping, cancel := context.WithCancel(ctx)
	w.o.Sender = senderFunc(func(c context.Context, m *Outgoing) error {
		cancel() // SIGTERM arrives while the first message is on its way
		return e.sender.Send(c, m)
	})
	if n, err := w.RunOnce(stopping); err != nil || n != 3 {
		t.Fatalf("claimed %d, %v", n, err)
	}
	sent, released := 0, 0
	for _, id := range ids {
		m, _ := e.store.Get(ctx, id)
		switch {
		case m.Status == StatusSent && m.SendCount == 1:
			sent++
		case m.Status == StatusQueued && m.SendCount == 0 && !m.NextAttemptAt.After(e.clock.Now()):
			released++
		default:
			t.Fatalf("after shutdown: %+v", m)
		}
	}
	if sent != 1 || released != 2 {
		t.Fatalf("sent %d, released %d", sent, released)
	}
	if n, _ := e.worker(5).RunOnce(ctx); n != 2 {
		t.Fatal("another worker could not take the released messages at once")
	}
}

type senderFunc func(context.Context, *Outgoing) error

func (f senderFunc) Send(ctx context.Context, m *Outgoing) error { return f(ctx, m) }
