package courier

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
)

// WorkerOptions configure a Worker.
type WorkerOptions struct {
	Store  *Store
	Sender Sender
	// Retries is courier.message_retries: failed attempts retried before a
	// message is abandoned.
	Retries int
	// PullCount messages are claimed per round; PullWait is the pause when
	// the queue is empty.
	PullCount int
	PullWait  time.Duration
	// Lease is how long a claimed message is reserved; one send may take at
	// most half of it, so a live instance always finishes (or gives up)
	// before anyone else may claim the message.
	Lease time.Duration
	// BackoffInitial doubles per failed attempt up to BackoffMax.
	BackoffInitial, BackoffMax time.Duration
	Log                        *slog.Logger
	Now                        func() time.Time
	Rand                       io.Reader
	// Metrics may be nil.
	Metrics prometheus.Registerer
}

// Worker drains the queue. Run it in every instance.
type Worker struct {
	o     WorkerOptions
	owner uuid.UUID
	wake  chan struct{}
	sent  *prometheus.CounterVec
}

// NewWorker returns a worker with a fresh lease owner id.
func NewWorker(o WorkerOptions) *Worker {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	w := &Worker{o: o, owner: newID(o.Rand), wake: make(chan struct{}, 1)}
	w.sent = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cerberus", Subsystem: "courier",
		Name: "dispatches_total", Help: "E-mail delivery attempts by outcome (sent, retry, abandoned)."}, []string{"outcome"})
	if o.Metrics != nil {
		o.Metrics.MustRegister(w.sent)
	}
	return w
}

// Wake asks the worker to look at the queue now (a message was just
// queued by this instance) instead of after PullWait.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers messages until ctx ends. A message being sent when ctx ends
// is finished first, so its row tells the truth.
func (w *Worker) Run(ctx context.Context) {
	w.o.Log.Info("courier worker started", "owner", w.owner)
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.o.Log.Error("courier: claiming messages failed", "error", err)
		}
		if ctx.Err() != nil {
			return
		}
		if n == w.o.PullCount && err == nil {
			continue // more may be waiting
		}
		t := time.NewTimer(w.o.PullWait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// RunOnce claims one batch and sends it, returning how many were claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	batch, err := w.o.Store.Claim(ctx, w.owner, w.now(), w.o.Lease, w.o.PullCount)
	if err != nil {
		return 0, err
	}
	for k, m := range batch {
		if ctx.Err() != nil {
			// Shutting down: what was claimed but not started goes back to
			// the queue now, for any instance, instead of waiting out its
			// lease.
			ids := make([]uuid.UUID, 0, len(batch)-k)
			for _, x := range batch[k:] {
				ids = append(ids, x.ID)
			}
			if err := w.o.Store.Release(context.WithoutCancel(ctx), w.owner, ids, w.now()); err != nil {
				w.o.Log.Warn("courier: releasing claimed messages failed; they are retried when their lease ends", "error", err)
			}
			break
		}
		// The message being sent is finished even if shutdown starts
		// meanwhile, so its row says what happened.
		w.deliver(context.WithoutCancel(ctx), m)
	}
	return len(batch), nil
}

func (w *Worker) deliver(ctx context.Context, m *Message) {
	log := w.o.Log.With("message_id", m.ID, "template_type", m.TemplateType, "attempt", m.SendCount)
	var sendErr error
	switch {
	case m.openErr != nil:
		sendErr = &PermanentError{m.openErr}
	case m.SendCount > w.o.Retries+1:
		// Attempts started and never finished (the instances sending it
		// died): stop before a poison message takes every instance down.
		sendErr = &PermanentError{errors.New("gave up: earlier attempts never finished")}
	default:
		sctx, cancel := context.WithTimeout(ctx, w.o.Lease/2)
		sendErr = w.o.Sender.Send(sctx, &Outgoing{ID: m.ID.String(), To: m.Recipient, Content: m.Content})
		cancel()
	}
	now := w.now()
	o := Outcome{Status: StatusSent, Err: sendErr}
	var perm *PermanentError
	switch {
	case sendErr == nil:
	case errors.As(sendErr, &perm) || m.SendCount > w.o.Retries:
		o.Status = StatusAbandoned
	default:
		o.Status = StatusQueued
		o.RetryAt = now.Add(w.backoff(m.SendCount))
	}
	ok, err := w.o.Store.Finish(ctx, m.ID, w.owner, newID(w.o.Rand), now, o)
	switch {
	case err != nil:
		// The lease runs out and the message is tried again.
		log.Error("courier: recording the outcome failed", "error", err, "outcome", o.Status)
	case !ok:
		log.Warn("courier: the lease ran out during the attempt; another instance owns the message now")
	case o.Status == StatusSent:
		w.sent.WithLabelValues("sent").Inc()
		log.Info("courier: message sent")
	case o.Status == StatusAbandoned:
		w.sent.WithLabelValues("abandoned").Inc()
		log.Error("courier: message abandoned", "error", sendErr)
	default:
		w.sent.WithLabelValues("retry").Inc()
		log.Warn("courier: delivery failed, will retry", "error", sendErr, "retry_at", o.RetryAt)
	}
}

// backoff is the wait after the attempt-th failure: initial doubled per
// earlier failure, capped, with up to 20% jitter so instances that failed
// together do not retry in lockstep.
func (w *Worker) backoff(attempt int) time.Duration {
	d := w.o.BackoffInitial
	for i := 1; i < attempt && d < w.o.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, w.o.BackoffMax)
	if j := int64(d / 5); j > 0 {
		d += time.Duration(rand.Int64N(j))
	}
	return d
}

// now is the clock at the precision Postgres keeps.
func (w *Worker) now() time.Time { return w.o.Now().UTC().Truncate(time.Microsecond) }

// newID returns a time-ordered UUIDv7 from rnd (crypto/rand when nil).
func newID(rnd io.Reader) uuid.UUID {
	if rnd != nil {
		if id, err := uuid.NewV7FromReader(rnd); err == nil {
			return id
		}
	}
	return uuid.Must(uuid.NewV7())
}
