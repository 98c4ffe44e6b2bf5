// Package rulerepo loads access rules from access_rules.repositories and
// keeps them current: file:// files and directories are watched through
// their directory (so editors' rename-replace and Kubernetes ConfigMap
// symlink swaps are seen) and re-checked every interval; http(s)://
// repositories are fetched again every interval; inline:// ones never
// change. A repository whose new content is broken is reported and keeps
// its last good rules; a combination that fails as a whole (duplicate ids,
// overlapping rules) keeps the last good set.
//
// Neighbours: proxy/rule (parse, compile, Set); the proxy package gives it
// the compile and publish functions. Serves no routes.
package rulerepo
