// Package store is fosite's storage on Postgres: authorization codes,
// access and refresh tokens, OpenID Connect and PKCE sessions (table
// oauth2_tokens), client lookups and private_key_jwt assertion ids
// (oauth2_jti). Tokens are keyed by the SHA-256 of their fosite signature
// and their request data is sealed with secrets.system, so a database dump
// yields neither usable tokens nor the claims they carry.
//
// Single-use is a property of the database: consuming a code or rotating a
// refresh token is an UPDATE ... WHERE active, so of two concurrent
// requests exactly one changes the row and the other gets ErrRaced, which
// the head reports as invalid_grant with nothing written.
//
// The transaction fosite opens (storage.Transactional) travels in the
// context; every method uses it when present.
//
// Neighbours: the oauth2 head composes fosite on Store; oauth2/client
// decodes clients.
package store
