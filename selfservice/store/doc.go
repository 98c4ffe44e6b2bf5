// Package store keeps self-service flows and browser-facing errors in
// Postgres (pgx, plain SQL). It implements flow.Store and flow.ErrorStore;
// selfservice uses it through those interfaces, and cmd/cerberus wires it.
//
// Neighbours: selfservice/flow (the model), internal/storage (sentinels,
// error translation); the migration is migrations/*_selfservice.sql.
package store
