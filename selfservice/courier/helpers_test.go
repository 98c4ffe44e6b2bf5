package courier

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/mailtest"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/secretbox"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	store   *Store
	courier *Courier
	clock   *clock
	smtp    *mailtest.Server
	sender  *SMTP
}

func testBox(t testing.TB) *secretbox.Box {
	b, err := secretbox.New([]string{"courier-test-secret-0123456789"}, "courier")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newEnv(t *testing.T, o mailtest.Options) *env {
	t.Helper()
	e := &env{store: NewStore(pgtest.New(t), testBox(t)), clock: newClock(), smtp: mailtest.New(t, o)}
	tpl, err := LoadTemplates(config.Courier{})
	if err != nil {
		t.Fatal(err)
	}
	e.courier = New(e.store, tpl, e.clock.Now, nil, nil)
	e.sender, err = NewSMTP(config.CourierSMTP{ConnectionURI: e.smtp.URI(), FromAddress: "no-reply@auth.example.com",
		FromName: "Example Auth", Headers: map[string]string{"X-Campaign": "account"}}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) worker(retries int) *Worker {
	return NewWorker(WorkerOptions{Store: e.store, Sender: e.sender, Retries: retries, PullCount: 10, PullWait: 10 * time.Millisecond,
		Lease: time.Minute, BackoffInitial: time.Second, BackoffMax: 8 * time.Second, Log: quietLog(), Now: e.clock.Now})
}
