// Package proxy is the identity-aware proxy head, Cerberus's replacement
// for Ory Oathkeeper: access rules (loaded, validated and hot-reloaded from
// access_rules.repositories), the pipeline each request runs (authenticate,
// authorize, mutate, or answer through an error handler), the reverse proxy
// and the decision API.
//
// Routes:
//
//	proxy listener (4455)  /                     every request, matched against the rules and forwarded upstream
//	api listener (4456)    /decisions[/<path>]   any method: allow (200 with the mutated headers) or the error answer
//	                       GET /rules            the loaded rules (limit, offset)
//	                       GET /rules/{id}       one rule
//	                       GET /.well-known/jwks.json  public keys of the tokens the id_token mutator issues
//
// Neighbours: proxy/rule (format, matching), proxy/rulerepo (loading,
// watching), proxy/pipeline and the handler packages proxy/authn,
// proxy/authz, proxy/mutate, proxy/errhandler, proxy/jwks. It imports no
// other head: the in-process session source, key source, introspector and
// signer are small interfaces that cmd/cerberus satisfies with adapters.
package proxy
