// Package errhandler holds the proxy's error handlers: json (Oathkeeper's
// error body), redirect (to a login page, with the original URL as a
// return_to parameter) and www_authenticate (a Basic challenge), each with
// `when` conditions on the error, the client's address and the request's
// Accept and Content-Type headers.
//
// Neighbours: proxy/pipeline; built by the proxy package's registry, which
// also applies errors.fallback. Serves no routes.
package errhandler
