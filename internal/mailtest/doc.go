// Package mailtest is a real SMTP server on loopback for tests, built on
// emersion/go-smtp: plain, STARTTLS or implicit TLS (a self-signed
// certificate made per server), optional AUTH PLAIN, and recipients that
// can be refused. It keeps every message it accepts, parsed into headers
// and plain-text and HTML parts, and can be stopped and started again on
// the same port to play an SMTP outage.
//
// Neighbours: selfservice/courier's tests and the end-to-end tests in
// cmd/cerberus, which point courier.smtp.connection_uri at URI().
package mailtest
