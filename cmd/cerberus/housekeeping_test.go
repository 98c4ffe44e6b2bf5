package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The housekeeping worker runs every pruner once at start with the cutoff
// its retention gives, carries on past a failing one (logging it), and
// returns when its context ends.
func TestHousekeepingRunsEveryPrunerAndStops(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	var logs bytes.Buffer
	a := &app{now: func() time.Time { return now }, log: slog.New(slog.NewTextHandler(&logs, nil))}
	ran := make(chan time.Time, 2)
	a.addHousekeeping(
		pruner{what: "broken", retention: time.Hour, prune: func(context.Context, time.Time) (int64, error) {
			return 0, errors.New("relation does not exist")
		}},
		pruner{what: "sessions", retention: 7 * 24 * time.Hour, prune: func(_ context.Context, cutoff time.Time) (int64, error) {
			ran <- cutoff
			return 3, nil
		}},
	)
	if len(a.workers) != 1 {
		t.Fatalf("want one worker, got %d", len(a.workers))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.workers[0](ctx); close(done) }()
	if cutoff := <-ran; !cutoff.Equal(now.Add(-7 * 24 * time.Hour)) {
		t.Errorf("cutoff %v, want a week before now", cutoff)
	}
	cancel()
	<-done
	if !strings.Contains(logs.String(), "housekeeping failed") || !strings.Contains(logs.String(), "what=broken") {
		t.Errorf("the failing pruner was not logged:\n%s", logs.String())
	}
}
