package selfservice

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity/identitytest"
	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/mailtest"
	"github.com/cerberus-iam/cerberus/internal/secretbox"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/courier"
)

// mailYAML turns on verification and recovery (with use as given) and
// sessions after registration.
func mailYAML(use string) string {
	return `  methods:
    link: { enabled: true }
  flows:
    registration: { after: { password: { hooks: [{ hook: session }] } } }
    verification: { enabled: true, use: ` + use + ` }
    recovery: { enabled: true, use: ` + use + `, after: { hooks: [{ hook: revoke_active_sessions }] } }
`
}

// newMailEnv is newEnv with a real courier: a queue in the test database,
// a worker delivering to an SMTP server on loopback, and the code store.
// templates, when given, override the built-in mail templates.
func newMailEnv(t *testing.T, selfserviceYAML string, templates ...config.Courier) (*env, *mailtest.Server) {
	t.Helper()
	smtp := mailtest.New(t, mailtest.Options{Security: mailtest.Plain})
	e := newEnvWith(t, selfserviceYAML, identitytest.Hasher(t), func(pool *pgxpool.Pool, o *Options) {
		box, err := secretbox.New([]string{"mail-test-secret-0123456789"}, "courier")
		if err != nil {
			t.Fatal(err)
		}
		st := courier.NewStore(pool, box)
		tc := config.Courier{}
		if len(templates) > 0 {
			tc = templates[0]
		}
		tpl, err := courier.LoadTemplates(tc)
		if err != nil {
			t.Fatal(err)
		}
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		sender, err := courier.NewSMTP(config.CourierSMTP{ConnectionURI: smtp.URI(), FromAddress: "no-reply@example.org"}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		w := courier.NewWorker(courier.WorkerOptions{Store: st, Sender: sender, Retries: 3, PullCount: 10,
			PullWait: 20 * time.Millisecond, Lease: time.Minute, BackoffInitial: 50 * time.Millisecond,
			BackoffMax: 200 * time.Millisecond, Now: o.Now, Log: quiet})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		o.Courier = courier.New(st, tpl, o.Now, nil, w.Wake)
		if o.Codes, err = code.New(pool, []string{"code-test-secret-0123456789"}, nil); err != nil {
			t.Fatal(err)
		}
	})
	return e, smtp
}

var (
	codeRE = regexp.MustCompile(`(?m)^(\d{6})\r?$`)
	linkRE = regexp.MustCompile(`https?://\S+/self-service/(?:recovery|verification)\?\S+`)
)

// mailCode waits for the n-th mail to addr and returns its code.
func mailCode(t *testing.T, smtp *mailtest.Server, addr string, n int) string {
	t.Helper()
	m := smtp.WaitTo(t, addr, n)
	c := codeRE.FindStringSubmatch(m.Text)
	if c == nil {
		t.Fatalf("no code in mail %q:\n%s", m.Subject, m.Text)
	}
	return c[1]
}

// mailLink waits for the n-th mail to addr and returns its link.
func mailLink(t *testing.T, smtp *mailtest.Server, addr string, n int) string {
	t.Helper()
	m := smtp.WaitTo(t, addr, n)
	l := linkRE.FindString(m.Text)
	if l == "" {
		t.Fatalf("no link in mail %q:\n%s", m.Subject, m.Text)
	}
	return l
}

// continueWith returns the continue_with item with action, or nil.
func continueWith(body map[string]any, action string) map[string]any {
	list, _ := body["continue_with"].([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok && m["action"] == action {
			return m
		}
	}
	return nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
