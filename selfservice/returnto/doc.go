// Package returnto decides where a browser may be sent after a flow. A
// return_to URL is accepted only when it matches an allowed URL on scheme,
// host and port, and lies under its path; a host written "*.example.com"
// matches any subdomain of example.com (not example.com itself). The
// default return URL and the public base URL are always allowed. Anything
// else (another host, a userinfo trick, a scheme other than http(s), a
// backslash or control character) is refused with Kratos's
// self_service_flow_return_to_forbidden, so no flow is an open redirect.
//
// Neighbours: selfservice checks return_to when a flow starts and again
// when it redirects.
package returnto
