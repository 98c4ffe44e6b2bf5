// Package authn holds the proxy's authenticators: noop, unauthorized,
// anonymous, cookie_session, bearer_token, jwt, oauth2_introspection and
// oauth2_client_credentials, with Oathkeeper's config keys and behaviour.
//
// cookie_session and bearer_token look sessions up in process through a
// SessionSource, or call check_session_url (a remote Kratos) when it is
// set; jwt verifies with Cerberus's keys (proxy/jwks.KeySource) unless
// jwks_urls is set; oauth2_introspection uses an in-process Introspector
// unless introspection_url is set. With neither, the handler refuses to be
// built, so a rule can never silently let requests through.
//
// Neighbours: proxy/pipeline (interfaces, session, errors), proxy/jwks
// (key sets). Built by the proxy package's registry. Serves no routes.
package authn
