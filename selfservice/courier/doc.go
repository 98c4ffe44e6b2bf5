// Package courier is the e-mail outbox of the self-service flows: messages
// are rendered from templates when they are queued, stored in Postgres
// (sealed, since they carry live codes), and delivered over SMTP by a
// Worker that every `cerberus serve` instance runs.
//
// Delivery is at least once and, between live instances, exactly once: a
// worker claims due rows with FOR UPDATE SKIP LOCKED and leases them to
// itself, so no two instances send the same message, and a message whose
// instance died mid-send is claimed again when its lease ends. (If an
// instance dies after the SMTP server accepted a message but before the
// row says so, the message goes out again; each carries a stable
// Message-ID so mail systems can tell the copies apart.) A failed attempt
// is recorded as a dispatch and retried with exponential backoff; after
// courier.message_retries retries, or on a permanent rejection of the
// recipient, the message is abandoned.
//
// Files: message.go (model and JSON), store.go (Postgres), template.go
// and templates/ (built-in and overridden templates), smtp.go (go-mail
// sender), worker.go (the queue worker), courier.go (queueing, with a
// per-address cap against mail bombing), api.go (admin routes), metrics.go
// (queue depth and age gauges).
//
// Routes (admin listener):
//
//	GET /admin/courier/messages        list (?status=, ?recipient=, keyset pagination)
//	GET /admin/courier/messages/{id}   one message with its dispatches
//
// Neighbours: the recovery and verification flows queue messages through
// Courier.Send; cmd/cerberus runs the Worker among the serve workers and
// mounts the API; internal/secretbox seals message content.
package courier
