// Package rule is the access rule format (Oathkeeper's, as JSON or YAML
// lists), its validation, the URL matchers (regexp and glob with <...>
// delimiters) and the compiled, immutable rule Set that answers "which one
// rule matches this request".
//
// Neighbours: proxy/rulerepo reads rule files and builds Sets; the proxy
// package matches requests against the current Set; handlers are built
// through a pipeline.Registry. It serves no routes.
package rule
