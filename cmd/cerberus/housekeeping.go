package main

import (
	"context"
	"time"
)

// Rows past their use are deleted by every instance on this schedule;
// two instances deleting the same rows only wait for each other's locks.
const housekeepingEvery = 10 * time.Minute

// What housekeeping keeps after the rows stop mattering: a day of expired
// flows (a person may still come back to an error page), a week of expired
// sessions (admin listings show recent inactive ones), a month of sent and
// abandoned mail (the admin courier API is where deliveries are debugged),
// an hour of expired OAuth2 tokens and requests (a late replay of a used
// code or refresh token is still recognised as one and revokes its chain).
const (
	flowRetention    = 24 * time.Hour
	tokenRetention   = time.Hour
	sessionRetention = 7 * 24 * time.Hour
	mailRetention    = 30 * 24 * time.Hour
)

// pruner deletes one kind of rows that went out of use before cutoff and
// says how many went.
type pruner struct {
	what      string
	retention time.Duration
	prune     func(ctx context.Context, cutoff time.Time) (int64, error)
}

// addHousekeeping runs the pruners at start and then every
// housekeepingEvery, beside the listeners. A failure is logged and tried
// again next round.
func (a *app) addHousekeeping(ps ...pruner) {
	a.workers = append(a.workers, func(ctx context.Context) {
		tick := time.NewTicker(housekeepingEvery)
		defer tick.Stop()
		for {
			for _, p := range ps {
				n, err := p.prune(ctx, a.now().Add(-p.retention))
				switch {
				case err != nil && ctx.Err() == nil:
					a.log.Warn("housekeeping failed; tried again next round", "what", p.what, "error", err)
				case n > 0:
					a.log.Debug("housekeeping", "what", p.what, "rows", n)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
}
