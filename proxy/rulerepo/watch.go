package rulerepo

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce collects the burst of events one save makes (write, rename,
// chmod; a ConfigMap swap is several renames) into one reload.
const debounce = 100 * time.Millisecond

// Run watches file repositories' directories and re-reads every
// repository each interval, until ctx ends.
func (l *Loader) Run(ctx context.Context) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		l.o.Logger.Warn("cannot watch rule files; changes are picked up every refresh interval", "error", err.Error())
	}
	watched := map[string]bool{}
	addWatches := func() {
		if w == nil {
			return
		}
		for _, r := range l.repos {
			if r.kind != "file" {
				continue
			}
			dir := r.path
			if st, err := os.Stat(r.path); err != nil || !st.IsDir() {
				dir = filepath.Dir(r.path)
			}
			if watched[dir] {
				continue
			}
			if err := w.Add(dir); err == nil {
				watched[dir] = true
			}
		}
	}
	addWatches()
	// Anything that changed between Load and the watches being in place
	// would otherwise wait for the next tick.
	l.Reload(ctx, "file")
	var events <-chan fsnotify.Event
	var werrs <-chan error
	if w != nil {
		defer w.Close()
		events, werrs = w.Events, w.Errors
	}
	tick := time.NewTicker(l.o.Interval)
	defer tick.Stop()
	var pending <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Op&fsnotify.Remove != 0 || ev.Op&fsnotify.Rename != 0 {
				// A replaced directory loses its watch; re-add what exists.
				delete(watched, ev.Name)
			}
			if pending == nil {
				pending = time.After(debounce)
			}
		case err, ok := <-werrs:
			if !ok {
				werrs = nil
				continue
			}
			l.o.Logger.Warn("watching rule files", "error", err.Error())
		case <-pending:
			pending = nil
			addWatches()
			l.Reload(ctx, "file")
		case <-tick.C:
			addWatches()
			l.Reload(ctx)
		}
	}
}
