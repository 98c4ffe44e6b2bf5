package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// report prints the table one row at a time, as each scenario finishes.
type report struct {
	w       io.Writer
	width   int                // of the scenario column
	rates   map[string]float64 // req/s by scenario, for baselines
	flagged int
}

func newReport(w io.Writer, list []Scenario) *report {
	r := &report{w: w, width: len("scenario"), rates: map[string]float64{}}
	for _, s := range list {
		r.width = max(r.width, len(s.Name))
	}
	return r
}

func (r *report) header() {
	fmt.Fprintf(r.w, "%-*s  %10s  %9s  %9s  %7s  %8s  %s\n", r.width, "scenario", "req/s", "p50", "p99", "errors", "RSS", "")
	fmt.Fprintf(r.w, "%s\n", strings.Repeat("-", r.width+2+10+2+9+2+9+2+7+2+8+2+12))
}

// row prints a measured scenario; one with errors is flagged.
func (r *report) row(s Scenario, req Request, res result, mem memory) {
	rate := res.perSecond()
	r.rates[s.Name] = rate
	var notes []string
	if base, ok := r.rates[s.Baseline]; ok && base > 0 {
		notes = append(notes, fmt.Sprintf("%.0f%% of %s", 100*rate/base, s.Baseline))
	}
	errs := res.errors(req)
	if errs > 0 {
		r.flagged++
		notes = append(notes, fmt.Sprintf("<-- %d errors (wrk report kept)", errs))
	}
	fmt.Fprintf(r.w, "%-*s  %10.0f  %9s  %9s  %7d  %8s  %s\n", r.width, s.Name, rate,
		latency(res.p50), latency(res.p99), errs, megabytes(mem.rss), strings.Join(notes, "; "))
}

// failed prints a scenario that could not be measured.
func (r *report) failed(s Scenario, err error) {
	r.flagged++
	msg := strings.ReplaceAll(err.Error(), "\n", "\n"+strings.Repeat(" ", r.width+2))
	fmt.Fprintf(r.w, "%-*s  FAILED: %s\n", r.width, s.Name, msg)
}

func latency(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

func megabytes(b int64) string {
	return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
}
