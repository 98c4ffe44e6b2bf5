// Package selfservice is the self-service head: the login, registration,
// settings, recovery, verification, logout and error flows of Kratos, with
// the password and profile methods, the code and link methods of recovery
// and verification, after-hooks, CSRF protection, return_to checks and
// login throttling. Flows are objects with a form (ui.nodes) that a UI renders and
// posts back; the same flow serves browsers (cookies, CSRF, redirects) and
// native apps (JSON, session tokens).
//
// Routes (public listener):
//
//	GET    /self-service/{kind}/browser        start a browser flow (303 to the UI, or JSON)
//	GET    /self-service/{kind}/api            start an API flow (JSON)
//	GET    /self-service/{kind}/flows?id=      fetch a flow
//	POST   /self-service/{kind}?flow=          submit (form-encoded or JSON)
//	GET    /self-service/{recovery,verification}?flow=&token=|code=   a link from a mail
//
// where {kind} is login, registration, settings, recovery or verification.
//
// Routes (admin listener):
//
//	POST   /admin/recovery/link   {identity_id, expires_in} → {recovery_link, expires_at}
//	POST   /admin/recovery/code   {identity_id, expires_in, flow_type} → 201 {recovery_link, recovery_code, expires_at}
//	GET    /self-service/logout/browser                          {logout_url, logout_token}
//	GET    /self-service/logout?token=                           end a browser session
//	DELETE /self-service/logout/api                              end a session token
//	GET    /self-service/errors?id=                              a stored user-facing error
//
// Answers follow Kratos: a browser posting a form gets 303 redirects (to
// the flow's UI with the flow's messages, to the return URL, or to the
// error page with ?id=); JSON clients (Accept or Content-Type JSON) and API
// flows get 200 with the session, 400 with the flow and its field
// messages, 410 self_service_flow_expired with use_flow_id, 403
// security_csrf_violation, and so on. Cerberus adds one answer: a sign-in
// paused by the throttle is 429 with Retry-After and the flow carrying
// message 4010901, whether or not the identifier exists.
//
// Recovery and verification (mail_*.go, recovery_*.go, verification_*.go)
// send a six-digit code or a single-use link through the courier
// (selfservice/courier) and redeem it from selfservice/code. An address no
// account has gets the same answer as a known one. Recovery ends in a
// fresh session and a settings flow to set a new password (API clients get
// both in continue_with); verification marks the address verified, and
// registration starts one verification flow per new address
// (continue_with show_verification_ui).
//
// Files: one per flow and phase (login_init.go, login_submit.go, ...),
// strategies per method (password_*.go, profile_settings.go), hooks.go,
// and uibackend.go, which serves the built-in UI in process.
//
// Neighbours: identity and identity/session (identities, passwords,
// sessions) through the interfaces in deps.go; selfservice/flow, node,
// text, form, store, password, returnto, throttle, hook, code, courier;
// internal/csrf. The
// OAuth2 head's login requests arrive through the OAuth2Login interface,
// which cmd/cerberus adapts. The built-in UI (package ui) calls Handler
// through its Backend interface.
package selfservice
