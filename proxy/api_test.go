package proxy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestRulesAPIAndMetrics(t *testing.T) {
	up := newEcho(t)
	f := newFixture(t, fixtureOpts{config: anonymousConfig, rules: anonymousRules(up.URL)})
	res, body := do(t, "GET", f.api.URL+"/rules", nil)
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil || res.StatusCode != 200 || len(list) != 1 || list[0]["id"] != "echo" {
		t.Fatalf("GET /rules: %d %s", res.StatusCode, body)
	}
	if m := list[0]["match"].(map[string]any); m["url"] != "http://<[^/]+>/echo<(/.*)?>" {
		t.Errorf("match = %v", m)
	}
	if res, body := do(t, "GET", f.api.URL+"/rules/echo", nil); res.StatusCode != 200 || !strings.Contains(body, `"authenticators":[{"handler":"anonymous"}]`) {
		t.Errorf("GET /rules/echo: %d %s", res.StatusCode, body)
	}
	if res, body := do(t, "GET", f.api.URL+"/rules/nope", nil); res.StatusCode != 404 || !strings.Contains(body, `"code":404`) {
		t.Errorf("GET /rules/nope: %d %s", res.StatusCode, body)
	}
	if res, _ := do(t, "GET", f.api.URL+"/rules?limit=0", nil); res.StatusCode != 400 {
		t.Errorf("limit=0: %d", res.StatusCode)
	}

	do(t, "GET", f.proxy.URL+"/echo", nil)
	do(t, "GET", f.api.URL+"/decisions/echo", nil)
	do(t, "GET", f.proxy.URL+"/echo", map[string]string{"Authorization": "Basic x"})
	do(t, "GET", f.proxy.URL+"/nothing", nil)
	want := `
# HELP cerberus_proxy_decisions_total Access decisions by listener (proxy, api), rule id and outcome (allowed, denied, error, no_rule).
# TYPE cerberus_proxy_decisions_total counter
cerberus_proxy_decisions_total{listener="api",outcome="allowed",rule="echo"} 1
cerberus_proxy_decisions_total{listener="api",outcome="denied",rule="echo"} 0
cerberus_proxy_decisions_total{listener="api",outcome="error",rule=""} 0
cerberus_proxy_decisions_total{listener="api",outcome="error",rule="echo"} 0
cerberus_proxy_decisions_total{listener="api",outcome="no_rule",rule=""} 0
cerberus_proxy_decisions_total{listener="proxy",outcome="allowed",rule="echo"} 1
cerberus_proxy_decisions_total{listener="proxy",outcome="denied",rule="echo"} 1
cerberus_proxy_decisions_total{listener="proxy",outcome="error",rule=""} 0
cerberus_proxy_decisions_total{listener="proxy",outcome="error",rule="echo"} 0
cerberus_proxy_decisions_total{listener="proxy",outcome="no_rule",rule=""} 1
`
	if err := testutil.GatherAndCompare(f.reg, strings.NewReader(want), "cerberus_proxy_decisions_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(f.head.metrics.latency); n != 2 {
		t.Errorf("latency series = %d", n)
	}
}
