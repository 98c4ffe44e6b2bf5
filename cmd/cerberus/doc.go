// Command cerberus is the single binary: identity and self-service, OAuth2
// and OpenID Connect, and the identity-aware proxy, in one process.
//
// This package is the composition root and nothing else: it parses flags,
// loads configuration, opens the database, builds each head with explicit
// dependencies and mounts its routes on the listeners. It is the only
// package that imports every head.
//
// Commands: serve, migrate up|status, config validate, version; heads add
// their operator commands (identities, clients, keys, rules) here too.
package main
