package proxy

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Decision outcomes, as metric labels.
const (
	outcomeAllowed = "allowed"
	outcomeDenied  = "denied" // 401, 403: the credentials were refused
	outcomeError   = "error"  // anything else: misconfiguration, a failing dependency
	outcomeNoRule  = "no_rule"
)

// metrics are the per-rule decision metrics. Handles are resolved once per
// rule when a rule set is published, so a request pays no label lookup.
type metrics struct {
	decisions *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	upstream  *prometheus.CounterVec
	rules     prometheus.Gauge
	noRule    [2]prometheus.Counter
	ambiguous [2]prometheus.Counter
}

type ruleMetrics struct {
	// [listener][outcome]
	counts  [2][3]prometheus.Counter
	latency [2]prometheus.Observer
	// upstream failures (proxy listener only)
	upstream prometheus.Counter
}

// listener indexes.
const (
	onProxy = 0
	onAPI   = 1
)

var listenerNames = [2]string{"proxy", "api"}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cerberus_proxy_decisions_total",
			Help: "Access decisions by listener (proxy, api), rule id and outcome (allowed, denied, error, no_rule).",
		}, []string{"listener", "rule", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cerberus_proxy_decision_duration_seconds",
			Help:    "Time to decide (match, authenticate, authorize, mutate), by listener and rule; upstream time is not included.",
			Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}, []string{"listener", "rule"}),
		upstream: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cerberus_proxy_upstream_errors_total",
			Help: "Allowed requests the upstream could not answer (unreachable, timed out), by rule.",
		}, []string{"rule"}),
		rules: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cerberus_proxy_rules",
			Help: "Access rules loaded.",
		}),
	}
	for l, name := range listenerNames {
		m.noRule[l] = m.decisions.WithLabelValues(name, "", outcomeNoRule)
		m.ambiguous[l] = m.decisions.WithLabelValues(name, "", outcomeError)
	}
	if reg != nil {
		reg.MustRegister(m.decisions, m.latency, m.upstream, m.rules)
	}
	return m
}

func (m *metrics) forRule(id string) *ruleMetrics {
	rm := &ruleMetrics{upstream: m.upstream.WithLabelValues(id)}
	for l, name := range listenerNames {
		for o, outcome := range []string{outcomeAllowed, outcomeDenied, outcomeError} {
			rm.counts[l][o] = m.decisions.WithLabelValues(name, id, outcome)
		}
		rm.latency[l] = m.latency.WithLabelValues(name, id)
	}
	return rm
}
