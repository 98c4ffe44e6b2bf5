// Package identity is the identity head's model and Go API: identities with
// JSON-schema traits, their credentials (passwords and the other strategies'
// configs) and addresses, stored in Postgres.
//
// Subpackages: schema (identity schemas and the ory.sh/kratos extension),
// hash (password hashing and import formats), session (sessions, tokens,
// cookies, the whoami lookup), api (the public and admin HTTP routes).
package identity
