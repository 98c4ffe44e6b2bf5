// Package flow owns the login, consent and logout requests of the
// authorization endpoint (Hydra's challenges), remembered login sessions
// and consent sessions, their Postgres storage (oauth2_flows,
// oauth2_login_sessions, oauth2_logout_requests) and the Hydra-compatible
// admin API a login/consent app drives:
//
//	GET /admin/oauth2/auth/requests/login?login_challenge=      (410 with redirect_to once handled)
//	PUT /admin/oauth2/auth/requests/login/accept|reject?login_challenge=
//	GET /admin/oauth2/auth/requests/consent?consent_challenge=
//	PUT /admin/oauth2/auth/requests/consent/accept|reject?consent_challenge=
//	GET /admin/oauth2/auth/requests/logout?logout_challenge=
//	PUT /admin/oauth2/auth/requests/logout/accept|reject?logout_challenge=
//	GET /admin/oauth2/auth/sessions/consent?subject=[&login_session_id=]
//	DELETE /admin/oauth2/auth/sessions/consent?subject=[&client=|&all=true]
//	DELETE /admin/oauth2/auth/sessions/login?subject=|sid=
//
// A challenge identifies a request to the login/consent app; the verifier
// that sends the browser back to the authorization endpoint is random,
// single-use, stored hashed and only valid together with the browser's
// per-flow CSRF cookie, so a verifier leaked from a URL is useless in
// another browser.
//
// Neighbours: the oauth2 head creates requests and verifies verifiers;
// the self-service head accepts logins in process through Service (adapted
// in cmd/cerberus).
package flow
