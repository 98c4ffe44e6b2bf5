// Package oauth2 is the OAuth2 / OpenID Connect head, the replacement for
// Ory Hydra: an authorization server and OpenID provider on ory/fosite.
//
// It composes fosite with authorization code (+ PKCE, S256 only), implicit
// and hybrid, client credentials and refresh token grants (rotation with
// reuse detection), OpenID Connect, introspection (RFC 7662) and
// revocation (RFC 7009); access tokens are opaque or JWT per client.
//
// Sub-packages: client (clients, secrets, admin API), jwk (signing keys,
// JWKS), store (fosite's Postgres storage), apierror (Hydra's error JSON).
//
// Routes, public listener:
//
//	GET  /.well-known/openid-configuration, /.well-known/jwks.json
//	POST /oauth2/token, /oauth2/revoke
//	GET|POST /userinfo
//
// Admin listener: /admin/clients…, /admin/keys/{set}…,
// POST /admin/oauth2/introspect, DELETE /admin/oauth2/tokens?client_id=.
//
// Neighbours: cmd/cerberus builds the head, adapts identity traits into a
// ClaimsProvider and hands the key manager to `cerberus keys rotate`.
package oauth2
