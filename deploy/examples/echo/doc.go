// Command echo is the demo upstream `make run` starts behind the proxy: it
// answers every request with a page (or JSON, for API clients) showing the
// method, path and every header it received, so a person sees what the
// proxy's rules injected (X-User-Id, X-User-Email) and removed.
package main
