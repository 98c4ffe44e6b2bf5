package proxy

import (
	"net/http"
	"strings"
	"testing"
)

const errorsConfig = `
access_rules:
  repositories: ["{{RULES}}"]
authenticators:
  unauthorized: { enabled: true }
  anonymous: { enabled: true }
authorizers:
  allow: { enabled: true }
  deny: { enabled: true }
mutators:
  noop: { enabled: true }
errors:
  fallback: [www_authenticate, json]
  handlers:
    json: { enabled: true }
    www_authenticate: { enabled: true, config: { realm: 'Cerberus "internal"', when: [{ error: [unauthorized], request: { cidr: ["10.0.0.0/8"] } }] } }
    redirect:
      enabled: true
      config:
        to: https://login.test/
        return_to_query_param: return_to
        code: 301
        when: [{ error: [unauthorized, forbidden], request: { header: { accept: [text/html] } } }]
`

const errorsRules = `
- id: closed
  match: { url: "http://<[^/]+>/closed", methods: [GET] }
  authenticators: [{ handler: unauthorized }]
  authorizer: { handler: allow }
  errors: [{ handler: redirect }]
- id: denied
  match: { url: "http://<[^/]+>/denied", methods: [GET] }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: deny }
- id: decision-only
  match: { url: "http://<[^/]+>/decide", methods: [GET] }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: allow }
`

func TestErrorHandlers(t *testing.T) {
	f := newFixture(t, fixtureOpts{config: errorsConfig, rules: errorsRules})
	// Browsers are redirected, with a 301 as configured.
	res, _ := do(t, "GET", f.proxy.URL+"/closed?a=b", map[string]string{"Accept": "text/html;q=0.9,*/*;q=0.8"})
	if res.StatusCode != 301 || !strings.HasPrefix(res.Header.Get("Location"), "https://login.test/?return_to=http%3A%2F%2F127.0.0.1") {
		t.Fatalf("browser: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// API clients fall back: www_authenticate only from 10/8, so json.
	res, body := do(t, "GET", f.proxy.URL+"/closed", map[string]string{"Accept": "application/json", "X-Request-Id": "req-1"})
	if res.StatusCode != 401 || body != `{"error":{"code":401,"status":"Unauthorized","request":"req-1","message":"The request could not be authorized"}}` {
		t.Fatalf("api: %d %s", res.StatusCode, body)
	}
	// A client's "*/*" is not a browser.
	if res, _ := do(t, "GET", f.proxy.URL+"/closed", map[string]string{"Accept": "*/*"}); res.StatusCode != 401 {
		t.Fatalf("*/*: %d", res.StatusCode)
	}
	// 403 through the fallback, non-verbose: the generic message only.
	res, body = do(t, "GET", f.proxy.URL+"/denied", nil)
	if res.StatusCode != 403 || !strings.Contains(body, `"message":"The requested action was forbidden"`) || strings.Contains(body, "deny authorizer") {
		t.Fatalf("denied: %d %s", res.StatusCode, body)
	}
	// A decision-only rule cannot be proxied: 500, said plainly in the log.
	if res, _ := do(t, "GET", f.proxy.URL+"/decide", nil); res.StatusCode != 500 {
		t.Fatalf("no upstream: %d", res.StatusCode)
	}
	if res, _ := do(t, "GET", f.api.URL+"/decisions/decide", nil); res.StatusCode != 200 {
		t.Fatalf("decision-only via decisions: %d", res.StatusCode)
	}
}

func TestWWWAuthenticateFromTrustedNetwork(t *testing.T) {
	f := newFixture(t, fixtureOpts{config: strings.Replace(errorsConfig, "10.0.0.0/8", "127.0.0.0/8", 1), rules: errorsRules})
	res, _ := do(t, "GET", f.proxy.URL+"/closed", nil)
	if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") != `Basic realm="Cerberus \"internal\""` {
		t.Fatalf("%d %q", res.StatusCode, res.Header.Get("WWW-Authenticate"))
	}
}

// Overlapping rules and disabled handlers are refused at load with the
// file, the rule and the field.
func TestConfigurationMistakesRefusedAtLoad(t *testing.T) {
	cases := map[string]struct{ cfg, rules, want string }{
		"disabled handler": {`authenticators: { anonymous: { enabled: false } }
authorizers: { allow: { enabled: true } }`,
			`[{"id":"r","match":{"url":"http://a/","methods":["GET"]},"authenticators":[{"handler":"anonymous"}],"authorizer":{"handler":"allow"}}]`,
			`rule "r": authenticators[0]: handler "anonymous" is not enabled: set authenticators.anonymous.enabled: true`},
		"unknown handler": {`authorizers: { allow: { enabled: true } }`,
			`[{"id":"r","match":{"url":"http://a/","methods":["GET"]},"authenticators":[{"handler":"anonymus"}],"authorizer":{"handler":"allow"}}]`,
			`authenticators[0]: "anonymus" is not a known handler`},
		"typo in rule config": {`authenticators: { anonymous: { enabled: true } }
authorizers: { allow: { enabled: true } }`,
			`[{"id":"r","match":{"url":"http://a/","methods":["GET"]},"authenticators":[{"handler":"anonymous","config":{"subjet":"x"}}],"authorizer":{"handler":"allow"}}]`,
			`authenticators[0]: config.subjet: unknown key (did you mean subject?)`},
		"two unconditional error handlers": {`authenticators: { anonymous: { enabled: true } }
authorizers: { allow: { enabled: true } }
errors: { handlers: { redirect: { enabled: true, config: { to: "https://x/" } } } }`,
			`[{"id":"r","match":{"url":"http://a/","methods":["GET"]},"authenticators":[{"handler":"anonymous"}],"authorizer":{"handler":"allow"},"errors":[{"handler":"json"},{"handler":"redirect"}]}]`,
			`errors[1]: handler "redirect" has no`},
		"header template injection-proof name": {`authenticators: { anonymous: { enabled: true } }
authorizers: { allow: { enabled: true } }
mutators: { header: { enabled: true } }`,
			`[{"id":"r","match":{"url":"http://a/","methods":["GET"]},"authenticators":[{"handler":"anonymous"}],"authorizer":{"handler":"allow"},"mutators":[{"handler":"header","config":{"headers":{"X-A\r\nX-B":"1"}}}]}]`,
			`is not a valid header name`},
		"disabled fallback": {`errors: { fallback: [redirect] }`, `[]`, `errors.fallback[0]: handler "redirect" is not enabled`},
	}
	for name, c := range cases {
		_, err := tryFixture(t, c.cfg, c.rules)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %s", name, err, c.want)
		}
	}
}

// A template that yields a line break from session data is refused with a
// 500, and nothing reaches the upstream.
func TestHeaderInjectionThroughSessionData(t *testing.T) {
	up := newEcho(t)
	f := newFixture(t, fixtureOpts{config: anonymousConfig, vars: map[string]string{"UPSTREAM": up.URL},
		rules: strings.Replace(anonymousRules("{{UPSTREAM}}"), `"authenticators": [{"handler": "anonymous"}]`,
			`"authenticators": [{"handler": "anonymous", "config": {"subject": "guest\r\nX-Admin: true"}}]`, 1)})
	if res, body := do(t, "GET", f.proxy.URL+"/echo", nil); res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
}
