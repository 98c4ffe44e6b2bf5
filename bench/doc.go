// Command bench is the benchmark harness behind `make bench`: it measures
// a freshly started `cerberus serve` with wrk and prints one table row per
// scenario (req/s, p50, p99, errors, the server's RSS), then the RSS before
// and after the whole run. PERFORMANCE.md says what the figures are held
// against.
//
// # What one run does
//
//  1. Starts itself again as `bench upstream`: an echo server (answers "ok",
//     or the request as JSON when it carries X-Bench-Echo) and a bare
//     httputil.ReverseProxy to it, the yardstick for the proxy head.
//  2. Starts bin/cerberus as `serve --dev` with bench/cerberus.yaml on a
//     managed Postgres in a fresh temporary directory, on free loopback
//     ports, with generated access rules (rules.go) pointing at the
//     upstream, and waits for /health/ready. The RSS then is "idle".
//  3. For each scenario: Setup returns a Request (after creating whatever
//     it needs through the admin and public APIs); the harness sends it
//     once and requires the expected status, then runs
//     `wrk -t2 -c32 -d15s --latency` with a generated Lua script, and
//     prints the row. A scenario whose setup or check fails, or that saw
//     errors under load, is flagged in the table; the harness exits
//     non-zero only when it fails itself.
//  4. Stops Cerberus (which stops its Postgres) and the upstream, and
//     removes the directory: also on Ctrl-C or SIGTERM (children run in
//     their own process groups and are stopped in order).
//
// # Adding scenarios
//
// A head adds a file bench/<head>.go with a function returning its
// scenarios, and one line in scenarios() (scenarios.go):
//
//	// bench/identity.go
//	func identityScenarios() []Scenario {
//		return []Scenario{{
//			Name: "whoami (session token)",
//			Setup: func(ctx context.Context, env *Env) (Request, error) {
//				var s struct{ SessionToken string `json:"session_token"` }
//				if err := env.JSON(ctx, "POST", env.PublicURL+"/...", body, &s); err != nil {
//					return Request{}, err
//				}
//				return Request{
//					URL:     env.PublicURL + "/sessions/whoami",
//					Headers: http.Header{"X-Session-Token": {s.SessionToken}},
//				}, nil
//			},
//		}}
//	}
//
// Errors are socket errors plus responses of 400 and above (what wrk
// counts); the check before the load requires a 2xx, so a scenario that
// answers a redirect by mistake fails there. Request.Expect names a non-2xx
// status the scenario means to measure (a proxy refusal, say);
// Scenario.Baseline names an earlier scenario to show this one's throughput
// as a share of (proxy rules against "bare proxy").
// Configuration a scenario needs goes into bench/cerberus.yaml; access
// rules into rules.go. Env.JSON is a small helper for the setup calls.
//
// # Knobs
//
//	BENCH_DURATION=3s   load per scenario (-duration), whole seconds
//	BENCH_RUN=regexp    only matching scenarios (-run)
//	BENCH_KEEP=1        keep the run's directory: server log, wrk reports,
//	                    Lua scripts, Postgres data (-keep)
//
// Every process shares the machine's cores with wrk; compare ratios taken
// in one run, and take the median of a few runs.
package main
