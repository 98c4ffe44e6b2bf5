// Package migrations holds Cerberus's goose SQL migrations, embedded, on one
// timeline named by timestamp (YYYYMMDDHHMMSS_what.sql), and the helpers that
// apply and inspect them. Each SQL migration runs in its own transaction, so
// an interrupted run leaves the schema at the last whole version. Several
// instances may migrate at once: goose's Postgres session lock (an advisory
// lock) lets one work while the others wait, then find nothing to do.
package migrations
