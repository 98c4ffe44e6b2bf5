package httpx

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// OathkeeperMetrics count requests the way Oathkeeper's metrics listener
// does, under its metric names (prefix + requests_total and
// requests_duration_seconds) and labels (service, method, request,
// status_code), so dashboards and alerts written for Oathkeeper keep
// working. Health checks are not counted, as in Oathkeeper. The request
// label is the path, never the query (which carries tokens), collapsed to
// its first segment or left empty as configured.
type OathkeeperMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	hide     bool
	collapse bool
}

// NewOathkeeperMetrics registers the Oathkeeper-named metrics on reg.
func NewOathkeeperMetrics(reg prometheus.Registerer, prefix string, hide, collapse bool) (*OathkeeperMetrics, error) {
	labels := []string{"service", "method", "request", "status_code"}
	m := &OathkeeperMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: prefix + "requests_total",
			Help: "Total number of requests (Oathkeeper's metric).",
		}, labels),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    prefix + "requests_duration_seconds",
			Help:    "Time spent serving requests (Oathkeeper's metric).",
			Buckets: prometheus.DefBuckets,
		}, labels),
		hide:     hide,
		collapse: collapse,
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("serve.prometheus.metric_name_prefix %q: %w", prefix, err)
		}
	}
	return m, nil
}

func (m *OathkeeperMetrics) observe(service string, r *http.Request, status int, elapsed time.Duration) {
	if isHealth(r.URL.Path) {
		return
	}
	request := ""
	switch {
	case m.hide:
	case m.collapse:
		request = firstSegment(r.URL.Path)
	default:
		request = r.URL.Path
	}
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(service, r.Method, request, code).Inc()
	m.latency.WithLabelValues(service, r.Method, request, code).Observe(elapsed.Seconds())
}

// firstSegment keeps "/decisions" of "/decisions/anything/else".
func firstSegment(path string) string {
	rest := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return "/" + rest
}
