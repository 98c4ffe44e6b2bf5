// Package api serves the identity head over HTTP, in Kratos's shapes.
//
// Public listener:
//
//	GET    /schemas                     identity schemas [{id, schema}]
//	GET    /schemas/{id}                one raw schema (id or base64url id)
//	*      /sessions/whoami             the caller's session (cookie, X-Session-Token, Bearer)
//	GET    /sessions                    the caller's other sessions
//	DELETE /sessions                    revoke the caller's other sessions → {"count": n}
//	DELETE /sessions/{id}               revoke one of the caller's other sessions
//
// Admin listener:
//
//	GET    /admin/identities            list (page_size, page_token, ids, credentials_identifier, include_credential)
//	POST   /admin/identities            create or import (201)
//	PATCH  /admin/identities            batch create → per-record results (200)
//	GET    /admin/identities/{id}       get (include_credential)
//	PUT    /admin/identities/{id}       replace
//	PATCH  /admin/identities/{id}       JSON Patch (RFC 6902)
//	DELETE /admin/identities/{id}       delete (204)
//	DELETE /admin/identities/{id}/credentials/{type}   remove a second factor or an oidc link
//	GET    /admin/identities/{id}/sessions             an identity's sessions (active=)
//	DELETE /admin/identities/{id}/sessions             revoke them all (204)
//	GET    /admin/sessions              all sessions (active=, expand=identity|devices)
//	GET    /admin/sessions/{id}         one session (expand=)
//	DELETE /admin/sessions/{id}         revoke (204)
//	PATCH  /admin/sessions/{id}/extend  extend (200 + session)
//	GET    /admin/schemas[/{id}]        as on public
//
// Handlers return errors; writeError maps the identity head's errors onto
// Kratos's error JSON (schema violations list every failing trait in
// error.details.errors).
package api
