// Package apierror renders errors of the OAuth2 head's JSON APIs (the admin
// client, key and login/consent APIs, and the public OAuth2 endpoints that
// fosite does not write itself) in Hydra's shape, the RFC 6749 error
// object: {"error","error_description","error_hint"?,"status_code"?,
// "error_debug"?}. Hydra rewrites every error that way, including admin
// errors, so Hydra's SDKs parse ours.
//
// Neighbours: every oauth2 sub-package that serves HTTP; internal/httpx
// supplies the app error type this package converts from.
package apierror
