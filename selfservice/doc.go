// Package selfservice is the self-service head: the login, registration,
// settings, logout and error flows of Kratos, with the password and profile
// methods, after-hooks, CSRF protection, return_to checks and login
// throttling. Flows are objects with a form (ui.nodes) that a UI renders and
// posts back; the same flow serves browsers (cookies, CSRF, redirects) and
// native apps (JSON, session tokens).
//
// Routes (public listener):
//
//	GET    /self-service/{login,registration,settings}/browser   start a browser flow (303 to the UI, or JSON)
//	GET    /self-service/{login,registration,settings}/api       start an API flow (JSON)
//	GET    /self-service/{login,registration,settings}/flows?id= fetch a flow
//	POST   /self-service/{login,registration,settings}?flow=     submit (form-encoded or JSON)
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
// Files: one per flow and phase (login_init.go, login_submit.go, ...),
// strategies per method (password_*.go, profile_settings.go), hooks.go,
// and uibackend.go, which serves the built-in UI in process.
//
// Neighbours: identity and identity/session (identities, passwords,
// sessions) through the interfaces in deps.go; selfservice/flow, node,
// text, form, store, password, returnto, throttle, hook; internal/csrf. The
// OAuth2 head's login requests arrive through the OAuth2Login interface,
// which cmd/cerberus adapts. The built-in UI (package ui) calls Handler
// through its Backend interface.
package selfservice
