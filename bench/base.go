package main

import "context"

// baseScenarios are the floors every other figure is read against: the
// HTTP stack with nothing behind it, the upstream on its own, and a bare
// httputil.ReverseProxy in front of it (the proxy head's yardstick).
func baseScenarios() []Scenario {
	return []Scenario{
		{Name: "health", Setup: get(func(e *Env) string { return e.PublicURL + "/health/alive" })},
		{Name: "upstream direct", Setup: get(func(e *Env) string { return e.UpstreamURL + "/anything" })},
		{Name: "bare proxy", Setup: get(func(e *Env) string { return e.BareProxyURL + "/anything" }), Baseline: "upstream direct"},
	}
}

// get is a Setup for a plain GET of a URL that needs no preparation.
func get(url func(*Env) string) func(context.Context, *Env) (Request, error) {
	return func(_ context.Context, e *Env) (Request, error) {
		return Request{URL: url(e)}, nil
	}
}
