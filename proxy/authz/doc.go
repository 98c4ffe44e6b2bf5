// Package authz holds the proxy's authorizers: allow, deny, remote (the
// original request body is posted to an endpoint; 200 allows, 403 denies)
// and remote_json (a templated JSON payload), with Oathkeeper's config keys.
//
// Neighbours: proxy/pipeline; built by the proxy package's registry.
// Serves no routes.
package authz
