// Package mutate holds the proxy's mutators: noop, header, cookie,
// id_token (a JWT about the subject, signed with Cerberus's keys or a
// private key set at jwks_url) and hydrator (an API that enriches the
// session), with Oathkeeper's config keys. Header and cookie values come
// from templates and are refused when they would contain CR, LF or other
// control characters.
//
// Neighbours: proxy/pipeline, proxy/jwks; built by the proxy package's
// registry. Serves no routes.
package mutate
