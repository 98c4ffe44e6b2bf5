// Package server runs Cerberus's listeners (public, admin, proxy, api):
// one ServeMux each, wrapped in the shared middleware chain (request id,
// client IP, access log and metrics, panic recovery, body limit, CORS),
// with /health/alive, /health/ready and /version on every listener and
// Prometheus metrics at /admin/metrics/prometheus on admin. With
// serve.prometheus, a fifth listener (Oathkeeper's, port 9000) serves the
// same registry at its metrics_path, and requests on proxy and api are also
// counted under Oathkeeper's metric names. With a tracer set (SetTracer),
// every request but health checks and scrapes gets a server span.
//
// Heads mount their routes on the muxes before Run. Run binds every
// listener before serving any, so a port in use fails the start cleanly,
// and on shutdown it first reports not-ready, then drains in-flight
// requests for up to serve.shutdown_timeout.
package server
