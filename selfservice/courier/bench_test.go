package courier

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/mailtest"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
)

// BenchmarkQueue measures what a flow pays to queue a mail: render the
// templates, seal the content, insert the row.
//
//	go test ./selfservice/courier -run '^$' -bench Queue
func BenchmarkQueue(b *testing.B) {
	tpl, err := LoadTemplates(config.Courier{})
	if err != nil {
		b.Fatal(err)
	}
	c := New(NewStore(pgtest.New(b), testBox(b)), tpl, nil, nil, nil)
	ctx := context.Background()
	data := &TemplateData{VerificationCode: "123456", VerificationURL: "https://auth.example.com/v?flow=x&code=123456", ExpiresInMinutes: 60}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := c.Send(ctx, fmt.Sprintf("p%d@example.com", i), VerificationCodeValid, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDrain measures one worker draining the queue to an SMTP server
// on loopback (a connection per message, as in production), reported as
// messages per second.
//
//	go test ./selfservice/courier -run '^$' -bench Drain
func BenchmarkDrain(b *testing.B) {
	smtp := mailtest.New(b, mailtest.Options{Security: mailtest.Plain})
	tpl, err := LoadTemplates(config.Courier{})
	if err != nil {
		b.Fatal(err)
	}
	store := NewStore(pgtest.New(b), testBox(b))
	c := New(store, tpl, nil, nil, nil)
	sender, err := NewSMTP(config.CourierSMTP{ConnectionURI: smtp.URI(), FromAddress: "no-reply@example.com"}, quietLog())
	if err != nil {
		b.Fatal(err)
	}
	w := NewWorker(WorkerOptions{Store: store, Sender: sender, Retries: 5, PullCount: 10, Lease: time.Minute,
		BackoffInitial: time.Second, BackoffMax: time.Second, Log: quietLog()})
	ctx := context.Background()
	for i := range b.N {
		if _, err := c.Send(ctx, fmt.Sprintf("p%d@example.com", i), VerificationValid, &TemplateData{VerificationURL: "https://a/v"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for sent := 0; sent < b.N; {
		n, err := w.RunOnce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		sent += n
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
