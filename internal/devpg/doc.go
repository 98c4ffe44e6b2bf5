// Package devpg runs a private PostgreSQL server from the machine's own
// server binaries: `cerberus serve --dev` uses it when no dsn is set, and
// internal/pgtest uses it for tests. It finds initdb and postgres (PATH,
// then /usr/lib/postgresql/*/bin and other usual places), initialises a
// cluster in a data directory once, starts it on a free loopback port with
// password authentication, and stops it cleanly.
//
// PostgreSQL refuses to run as root, so when Cerberus runs as root the
// server runs as the "postgres" user, and the data directory is checked for
// reachability by that user first, with an error naming the directory that
// blocks it.
package devpg
