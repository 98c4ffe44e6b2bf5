package storage

import "time"

// SetNotifierRetry shortens the reconnect delay for tests.
func SetNotifierRetry(n *Notifier, d time.Duration) { n.retry = d }
