package selfservice

import (
	"context"
	"sync/atomic"
	"time"
)

// sendTimer hides whether an address has an account from a stopwatch: a
// send to a known address issues a code and queues a mail, which takes a
// few database round trips more than a send to an unknown one. It keeps a
// moving average of the known sends, and an unknown send waits until it
// has taken as long. (Real time on purpose: a test clock would hide
// nothing.)
type sendTimer struct {
	avg atomic.Int64 // nanoseconds
}

// observe folds a known send's duration into the average (weight 1/8).
func (t *sendTimer) observe(d time.Duration) {
	for {
		old := t.avg.Load()
		next := int64(d)
		if old != 0 {
			next = old + (int64(d)-old)/8
		}
		if t.avg.CompareAndSwap(old, next) {
			return
		}
	}
}

// wait is how much longer a send that took elapsed should last; a known
// send's duration is capped, so one slow database moment cannot make
// every unknown send slow.
func (t *sendTimer) wait(elapsed time.Duration) time.Duration {
	target := min(time.Duration(t.avg.Load()), time.Second)
	return max(target-elapsed, 0)
}

// pad sleeps out the rest of an unknown send.
func (t *sendTimer) pad(ctx context.Context, started time.Time) {
	d := t.wait(time.Since(started))
	if d == 0 {
		return
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
	case <-tm.C:
	}
}
