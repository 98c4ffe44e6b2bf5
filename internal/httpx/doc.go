// Package httpx is the HTTP plumbing every head shares: the one application
// error type (Error) and the renderer for Ory's error JSON, error-returning
// handlers and the Router that mounts them, JSON decoding with clear
// errors, and the middleware every listener gets: request IDs, panic
// recovery, body size limits, access logs, metrics, client IP resolution
// from trusted proxies, and CORS.
//
// Handlers return errors; exactly one place per surface writes them. The
// JSON surface is here (WriteError); the browser UI and OAuth2 heads plug
// their own ErrorWriter into a Router.
package httpx
