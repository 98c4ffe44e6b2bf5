// Package oauth2 is the OAuth2 / OpenID Connect head, the replacement for
// Ory Hydra: an authorization server and OpenID provider on ory/fosite.
//
// It composes fosite with authorization code (+ PKCE, S256 only), implicit
// and hybrid, client credentials and refresh token grants (rotation with
// reuse detection; of concurrent refreshes exactly one wins), OpenID
// Connect (nonce, prompt, max_age, acr_values, auth_time, id_token_hint),
// introspection (RFC 7662) and revocation (RFC 7009); access tokens are
// opaque or JWT per client, signed RS256, ES256 or EdDSA.
//
// Login and consent follow Hydra's challenge protocol (oauth2/flow): the
// authorization endpoint sends the browser to oauth2.urls.login/consent/
// logout with a challenge, and the app accepts it over the admin API. In
// process, a browser signed in to Cerberus (BrowserSessions) skips the login
// page, the self-service head accepts login challenges through Flows, the
// built-in consent page (ui) reads and answers consent requests through
// ConsentRequestFor/AcceptConsentFor/RejectConsentFor, and first-party
// clients (skip_consent) are accepted without a page. Logouts are asked
// about the same way: without urls.logout, RP-initiated logout for a
// client without skip_logout_consent (or with no id_token_hint at all)
// goes to the built-in sign-out page (ui, /logout), which answers through
// LogoutRequestFor/AcceptLogoutFor/RejectLogoutFor, only for the browser
// whose session the request would end.
//
// ID tokens carry at_hash and c_hash in the hash of their signing
// algorithm (SHA-512 for EdDSA), which fosite alone gets wrong
// (idtoken.go).
//
// Sub-packages: client (clients, secrets, admin API), jwk (signing keys,
// JWKS), store (fosite's Postgres storage), flow (login/consent/logout
// requests and the challenge API), apierror (Hydra's error JSON).
//
// Routes, public listener:
//
//	GET  /.well-known/openid-configuration, /.well-known/jwks.json   precomputed, with ETag
//	GET|POST /oauth2/auth                       authorization endpoint
//	POST /oauth2/token, /oauth2/revoke
//	GET|POST /userinfo
//	GET|POST /oauth2/sessions/logout            RP-initiated, front- and back-channel logout
//	GET  /oauth2/sessions/logout/done           where a logout without a redirect lands
//
// Admin listener: /admin/clients…, /admin/keys/{set}…,
// /admin/oauth2/auth/requests/{login,consent,logout}…,
// /admin/oauth2/auth/sessions/{consent,login}, POST /admin/oauth2/introspect,
// DELETE /admin/oauth2/tokens?client_id=.
//
// Neighbours: cmd/cerberus builds the head, adapts the identity head into
// BrowserSessions and a ClaimsProvider, hands Flows to the self-service
// head and the consent methods to the ui head, gives the proxy Introspect
// and the key manager, and runs `cerberus clients` / `keys rotate` against
// the admin API.
package oauth2
