// Package pipeline holds what the proxy's pipeline handlers share: the
// authentication session that flows from authenticator to authorizer to
// mutators (and into their templates), the handler interfaces, the errors
// with Oathkeeper's messages, the template engine and config decoding.
//
// Neighbours: proxy/authn, proxy/authz, proxy/mutate and proxy/errhandler
// implement the interfaces; proxy/rule compiles rules from them; the proxy
// package runs them per request. It serves no routes.
package pipeline
