// Package storage is the Postgres plumbing the stores of every head share:
// opening the pgx pool with Cerberus's settings, the generic error sentinels
// stores return (ErrNotFound, ErrAlreadyExists, ErrConflict) and the
// translation of pgx errors into them, a transaction helper, and pool
// metrics. Stores themselves live with their head.
package storage
