// Package jwks gets JSON Web Key Sets for the proxy: Cerberus's own keys
// in process (KeySource, cached by content), and remote or file sets
// (jwks_urls of the jwt authenticator, jwks_url of the id_token mutator)
// fetched when first needed, cached for a TTL, fetched again at most once a
// second for an unknown key id, and never waited on for longer than the
// caller's max wait: a hanging or broken key endpoint fails the requests
// that need it, not the process.
//
// Neighbours: proxy/authn (jwt), proxy/mutate (id_token), the proxy
// package's /.well-known/jwks.json. Serves no routes itself.
package jwks
