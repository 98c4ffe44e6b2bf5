package httpx

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// seen holds the request label values in use and count their number:
	// see requestLabel.
	seen  sync.Map
	count atomic.Int64
}

// maxRequestLabels bounds the request label's distinct values. On the
// proxy listener the path is the client's choice; past this many, new
// values are counted as "other", so walking random paths cannot grow the
// registry (and the scrape) without bound.
const maxRequestLabels = 512

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
	request = m.requestLabel(request)
	method := methodLabel(r.Method)
	m.requests.WithLabelValues(service, method, request, code).Inc()
	m.latency.WithLabelValues(service, method, request, code).Observe(elapsed.Seconds())
}

func (m *OathkeeperMetrics) requestLabel(v string) string {
	if _, ok := m.seen.Load(v); ok {
		return v
	}
	if m.count.Load() >= maxRequestLabels {
		return "other"
	}
	if _, loaded := m.seen.LoadOrStore(v, struct{}{}); !loaded {
		m.count.Add(1)
	}
	return v
}

// firstSegment keeps "/decisions" of "/decisions/anything/else".
func firstSegment(path string) string {
	rest := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return "/" + rest
}
