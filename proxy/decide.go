package proxy

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
	"github.com/cerberus-iam/cerberus/proxy/rule"
)

// decision is the outcome of matching and running the pipeline.
type decision struct {
	rule    *rule.Rule
	rm      *ruleMetrics
	session *pipeline.Session
	err     *httpx.Error
	start   time.Time
}

// decide matches r (whose Method and absolute URL are the original
// request's) against the current rules and runs the matched rule's
// pipeline. target is "scheme://host/path", the string rules match.
func (h *Head) decide(r *http.Request, target string, listener int) decision {
	d := decision{start: h.now()}
	st := h.state.Load()
	rl, err := st.set.Match(r.Method, target)
	if err != nil {
		d.err = err.(*httpx.Error)
		return d
	}
	d.rule, d.rm = rl, st.rules[rl]
	s := &pipeline.Session{MatchContext: pipeline.MatchContext{URL: r.URL, Method: r.Method, Header: r.Header}}
	s.MatchContext.RegexpCaptureGroups = rl.Captures(target)
	d.session = s
	d.err = run(r, rl, s)
	return d
}

// run is the pipeline: the first authenticator that takes the request
// decides who it is from (later ones are not consulted, even when it
// refuses); then the authorizer; then every mutator in order.
func run(r *http.Request, rl *rule.Rule, s *pipeline.Session) *httpx.Error {
	authenticated := false
	for _, a := range rl.Authenticators {
		err := a.Authenticate(r, s)
		if err == pipeline.ErrNotResponsible {
			continue
		}
		if err != nil {
			return httpx.AsError(err)
		}
		authenticated = true
		break
	}
	if !authenticated {
		return pipeline.ErrUnauthorized.WithReason("No authenticator of the rule could handle the request's credentials.")
	}
	if err := rl.Authorizer.Authorize(r, s); err != nil {
		return httpx.AsError(err)
	}
	for _, m := range rl.Mutators {
		if err := m.Mutate(r, s); err != nil {
			return httpx.AsError(err)
		}
	}
	return nil
}

// finish records the decision's metrics and log line.
func (h *Head) finish(ctx context.Context, d *decision, listener int, target, method string) {
	elapsed := h.now().Sub(d.start)
	outcome := 0
	switch {
	case d.err == nil:
	case d.err.Code == http.StatusUnauthorized || d.err.Code == http.StatusForbidden:
		outcome = 1
	default:
		outcome = 2
	}
	if d.rm != nil {
		d.rm.counts[listener][outcome].Inc()
		d.rm.latency[listener].Observe(elapsed.Seconds())
	} else if d.err != nil && d.err.Code == http.StatusNotFound {
		h.metrics.noRule[listener].Inc()
	} else {
		h.metrics.ambiguous[listener].Inc()
	}
	if !h.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	ruleID, subject := "", ""
	if d.rule != nil {
		ruleID = d.rule.ID()
	}
	if d.session != nil {
		subject = d.session.Subject
	}
	if d.err == nil {
		h.log.LogAttrs(ctx, slog.LevelInfo, "access granted",
			slog.String("listener", listenerNames[listener]), slog.String("rule_id", ruleID),
			slog.String("subject", subject), slog.String("method", method), slog.String("url", target),
			slog.String("request_id", httpx.RequestID(ctx)))
		return
	}
	attrs := []slog.Attr{
		slog.String("listener", listenerNames[listener]), slog.String("rule_id", ruleID),
		slog.String("subject", subject), slog.String("method", method), slog.String("url", target),
		slog.Int("status", d.err.Code), slog.String("reason", reasonOf(d.err)),
		slog.String("request_id", httpx.RequestID(ctx)),
	}
	if d.err.Cause != nil {
		attrs = append(attrs, slog.String("cause", d.err.Cause.Error()))
	}
	level := slog.LevelInfo
	if d.err.Code >= 500 {
		level = slog.LevelError
	}
	h.log.LogAttrs(ctx, level, "access denied", attrs...)
}

func reasonOf(e *httpx.Error) string {
	if e.Reason != "" {
		return e.Reason
	}
	return e.Message
}

// handleError answers a refused request: the first of the rule's error
// handlers whose `when` applies, else the first errors.fallback handler
// whose `when` applies.
func (h *Head) handleError(w http.ResponseWriter, r *http.Request, rl *rule.Rule, err *httpx.Error) {
	if rl != nil {
		for _, eh := range rl.Errors {
			if eh.Applies(r, err) {
				eh.Handle(w, r, err)
				return
			}
		}
	}
	for _, f := range h.fallback {
		if f.h.Applies(r, err) {
			f.h.Handle(w, r, err)
			return
		}
	}
	// Nothing applies: answer with the plain error JSON rather than
	// nothing, and say why in the log.
	h.log.Warn("no error handler applies to this error; answering with JSON", "status", err.Code, "request_id", httpx.RequestID(r.Context()))
	httpx.WriteJSON(w, err.Code, httpx.ErrorJSON(r, httpx.NewError(err.Code, err.Message)))
}
