// Package pgtest gives tests real Postgres databases. One server per test
// process (started with internal/devpg into a temporary directory, or the
// server at TEST_DATABASE_URL when set) holds a template database with every
// migration applied; New clones it into a fresh database per test, which is
// a file copy and takes milliseconds, and drops it at cleanup.
package pgtest
