// Package pagination implements keyset pagination the way Ory's admin APIs
// expose it: page_size and page_token query parameters in, a Link header
// with rel="first" and rel="next" out. A token names the list it belongs
// to, so a token from another list (or made up) is a 400, not a silently
// wrong page. Tokens are opaque to clients but not secret: they hold the
// last key of the previous page.
package pagination
