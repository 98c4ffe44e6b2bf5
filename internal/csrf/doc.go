// Package csrf protects browser forms against cross-site request forgery
// with a signed double-submit token.
//
// Every browser gets one random secret in an HttpOnly cookie. The token a
// form carries in its hidden csrf_token field (or an X-CSRF-Token header) is
// an HMAC of that secret under a key derived from secrets.cookie, so a page
// on another origin can neither read the cookie nor compute the token, and a
// site that can plant cookies (a sibling subdomain) cannot mint a token for
// the secret it planted without the server's key. Rotating secrets.cookie
// keeps older entries for verification.
//
// The self-service flows bind their browser flows to the token (a flow
// started in one browser cannot be used from another), and the OAuth2
// consent page reuses the same Protector for its form. Failures are
// *httpx.Error values with id security_csrf_violation and status 403, the
// shape Kratos answers with.
//
// Neighbours: internal/httpx (error type); used by selfservice and ui.
package csrf
