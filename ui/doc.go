// Package ui is Cerberus's built-in web interface: server-rendered pages
// (a-h/templ) for the self-service flows, served on the public listener.
//
// Routes (public):
//
//	GET  /login          the login flow's form (?flow=ID; without it a new flow starts)
//	GET  /registration   the registration flow's form
//	GET  /settings       the settings flow: profile and password forms
//	GET  /recovery       the recovery flow: address, then the code (or "check your mail")
//	GET  /verification   the verification flow: address, code, or the success message
//	GET  /error          a self-service error (?id=ID)
//	GET  /welcome        the signed-in person: traits, this session, other sessions
//	POST /welcome/sessions/revoke   end one of the other sessions (CSRF-protected form)
//	GET  /consent        the OAuth2 consent page (?consent_challenge=): client, scopes with checkboxes
//	POST /consent        allow (ticked scopes, remember) or deny (CSRF-protected form)
//	GET  /logout         the OAuth2 sign-out question (?logout_challenge=): who asks, who is
//	                     signed in; once declined, "you are still signed in"
//	POST /logout         sign out or stay signed in (CSRF-protected form)
//	GET  /ui/static/*    embedded CSS and images; /ui/theme.css carries the brand colour
//
// A page reads its flow in process through Backend (implemented by the
// selfservice head) and renders the flow's ui.nodes; its forms post to the
// flow's ui.action, the same public API a custom UI uses, so the built-in
// UI has no privileges a custom one lacks. Flows whose ui_url points
// elsewhere never reach these pages.
//
// Conventions, for anyone adding a page (the OAuth2 consent page, say):
//
//   - One templ file per page (<page>.templ) rendering into Layout; the
//     generated <page>_templ.go is committed and `go tool templ generate`
//     regenerates it (TestGeneratedCodeIsFresh fails when it is stale).
//   - Every form works without JavaScript and carries the CSRF token: a
//     flow form gets it from the flow's csrf_token node; a page's own form
//     gets it from Options.CSRF (the shared internal/csrf protector) and
//     checks it with CSRF.Verify on POST.
//   - No inline scripts or styles: the Content-Security-Policy forbids
//     them. Styles go in static/style.css; brand colours come from
//     /ui/theme.css.
//   - Every input has a <label>; messages for a field carry an id the
//     input names in aria-describedby, and aria-invalid marks a field with
//     an error. Form-level messages are in a role="alert" region.
//   - Handlers return errors; Backend.Fail decides where a browser goes
//     after one (a fresh flow, or the error page).
//
// Neighbours: selfservice/flow, selfservice/node and selfservice/text (the
// model it renders); it imports no database or OAuth2 code.
package ui
