// Package session owns sessions: issuing them after a login, finding them
// by token (cookie, X-Session-Token or Authorization: Bearer), rendering
// them in Kratos's session JSON, listing, extending and revoking them.
//
// Tokens are "ory_st_" followed by 256 random bits (base64url); the
// database keeps only their SHA-256, and a token of the wrong shape is
// refused without a query. The session cookie (session.cookie.name,
// default cerberus_session) holds the token itself, HttpOnly and Secure
// outside --dev.
//
// Manager.Whoami is the hot path: one indexed query returns the session and
// its identity's precomputed whoami document (identities.document); the
// JSON is assembled by appending bytes. When the database is busy,
// concurrent lookups are merged into one "token_hash = ANY($1)" query
// (coalesce.go): fewer round trips, same freshness, since each lookup's
// query starts after the lookup arrived. There is no cache, so revocation,
// expiry and identity deactivation apply to the very next request.
// Manager.WhoamiJSON exposes the same for in-process consumers (the proxy's
// cookie_session authenticator through an adapter in cmd/cerberus).
//
// Neighbours: identity (whose store keeps identities.document current and
// deactivates sessions when an identity goes inactive), identity/api (the
// /sessions routes), selfservice (issues sessions after login).
package session
