// Package hook runs Kratos's web_hook: an HTTP request to a configured URL
// after (or before) a flow, with a body rendered by a jsonnet template
// (google/go-jsonnet) that sees the flow, the identity, the session and the
// request as std.extVar('ctx'), or as the argument of a template written
// `function(ctx) {...}`.
//
// response.ignore sends the request in the background and never waits.
// response.parse waits for the answer: 200 with {"identity": {...}} amends
// the identity (traits, metadata_public, metadata_admin) before it is
// saved, 204 changes nothing, and 4xx with
// {"messages":[{"instance_ptr":"#/traits/email","messages":[{id,text,type,context}]}]}
// rejects the flow with those messages on the named fields. Otherwise the
// request is synchronous and a failure is logged, not shown.
//
// auth adds HTTP basic credentials or an API key (header or cookie).
// Templates are loaded on first use (file://, base64://, http(s)://) and
// cached compiled, so an unreachable template fails the hook, not the boot.
//
// Neighbours: selfservice runs hooks; internal/config has their config.
package hook
