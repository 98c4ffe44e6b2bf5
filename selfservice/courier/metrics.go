package courier

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// QueueCollector reports the outbox at scrape time: how many messages wait
// (queued) or are being sent (processing), and how old the oldest waiting
// one is, the signal to alert on when the SMTP server is unreachable. One
// query on the due index per scrape.
type QueueCollector struct {
	store *Store
	now   func() time.Time
	depth *prometheus.Desc
	age   *prometheus.Desc
}

// NewQueueCollector returns a collector over store.
func NewQueueCollector(store *Store, now func() time.Time) *QueueCollector {
	if now == nil {
		now = time.Now
	}
	return &QueueCollector{store: store, now: now,
		depth: prometheus.NewDesc("cerberus_courier_messages", "Messages in the outbox by status (queued, processing).", []string{"status"}, nil),
		age:   prometheus.NewDesc("cerberus_courier_oldest_queued_seconds", "Age of the oldest message not yet sent.", nil, nil)}
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.age
}

// Collect implements prometheus.Collector.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts := map[Status]float64{StatusQueued: 0, StatusProcessing: 0}
	var oldest *time.Time
	rows, err := c.store.pool.Query(ctx, `SELECT status, count(*), min(created_at) FROM courier_messages
		WHERE status IN ('queued', 'processing') GROUP BY status`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.depth, err)
		return
	}
	for rows.Next() {
		var (
			st Status
			n  int64
			at time.Time
		)
		if err := rows.Scan(&st, &n, &at); err != nil {
			rows.Close()
			ch <- prometheus.NewInvalidMetric(c.depth, err)
			return
		}
		counts[st] = float64(n)
		if oldest == nil || at.Before(*oldest) {
			oldest = &at
		}
	}
	rows.Close()
	for st, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, n, string(st))
	}
	age := 0.0
	if oldest != nil {
		age = max(c.now().Sub(*oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age)
}

// Interface guards
var _ prometheus.Collector = (*QueueCollector)(nil)
