package rule

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// stubRegistry builds do-nothing handlers, for tests of matching only.
type stubRegistry struct{}

type nop struct{}

func (nop) Authenticate(*http.Request, *pipeline.Session) error     { return nil }
func (nop) Authorize(*http.Request, *pipeline.Session) error        { return nil }
func (nop) Mutate(*http.Request, *pipeline.Session) error           { return nil }
func (nop) Applies(*http.Request, *httpx.Error) bool                { return true }
func (nop) Conditional() bool                                       { return false }
func (nop) Handle(http.ResponseWriter, *http.Request, *httpx.Error) {}
func (stubRegistry) Authenticator(string, json.RawMessage) (pipeline.Authenticator, error) {
	return nop{}, nil
}
func (stubRegistry) Authorizer(string, json.RawMessage) (pipeline.Authorizer, error) {
	return nop{}, nil
}
func (stubRegistry) Mutator(string, json.RawMessage) (pipeline.Mutator, error) { return nop{}, nil }
func (stubRegistry) ErrorHandler(string, json.RawMessage) (pipeline.ErrorHandler, error) {
	return nop{}, nil
}

func compileAll(t *testing.T, src string) ([]*Rule, error) {
	t.Helper()
	specs, err := Parse("rules.json", []byte(src))
	if err != nil {
		return nil, err
	}
	var out []*Rule
	for i, s := range specs {
		r, err := Compile("rules.json", i, s, "regexp", stubRegistry{})
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

const twoRules = `
- id: public
  match: { url: "http://a/public/<.*>", methods: [GET] }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: allow }
- id: admin
  match: { url: "http://a/<.*>", methods: [GET, POST] }
  authenticators: [{ handler: cookie_session }]
  authorizer: { handler: allow }
`

func TestSetExactlyOneRule(t *testing.T) {
	rules, err := compileAll(t, twoRules)
	if err != nil {
		t.Fatal(err)
	}
	set, err := NewSet(rules)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := set.Match("POST", "http://a/x"); err != nil || r.ID() != "admin" {
		t.Fatalf("POST /x = %v, %v", r, err)
	}
	if r, err := set.Match("post", "http://a/x"); err != nil || r.ID() != "admin" {
		t.Fatalf("methods are case-insensitive: %v, %v", r, err)
	}
	// Overlap is a 500 that names both rules, never resolved by order.
	_, err = set.Match("GET", "http://a/public/x")
	var he *httpx.Error
	if !errors.As(err, &he) || he.Code != 500 || !strings.Contains(he.Reason, `"admin", "public"`) {
		t.Fatalf("overlap = %v", err)
	}
	_, err = set.Match("DELETE", "http://a/x")
	if !errors.As(err, &he) || he.Code != 404 {
		t.Fatalf("no rule = %v", err)
	}
	// The query string never takes part.
	if _, err := set.Match("POST", "http://a/x?y"); err != nil {
		t.Fatalf("query: %v", err)
	}
}

func TestSetRefusesDuplicatesAndSamePattern(t *testing.T) {
	rules, err := compileAll(t, `
- { id: a, match: { url: "http://a/<.*>", methods: [GET] }, authenticators: [{ handler: noop }], authorizer: { handler: allow } }
- { id: a, match: { url: "http://b/<.*>", methods: [GET] }, authenticators: [{ handler: noop }], authorizer: { handler: allow } }
- { id: c, match: { url: "http://a/<.*>", methods: [PUT, GET] }, authenticators: [{ handler: noop }], authorizer: { handler: allow } }
`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewSet(rules)
	if err == nil || !strings.Contains(err.Error(), `rule id "a" is used twice`) || !strings.Contains(err.Error(), `rules "a" and "c" both match GET`) {
		t.Fatalf("err = %v", err)
	}
}

func TestParseErrorsNameFileRuleAndField(t *testing.T) {
	cases := map[string]string{
		`[{"id":"x","match":{"url":"http://a/","methods":["GET"]},"authenticators":[{"handler":"noop"}],"authorizer":{"handler":"allow"},"upstream":{"preserveHost":true}}]`: `rules.json: rule "x": upstream.preserveHost: unknown key (did you mean preserve_host?)`,
		`[{"id":"x","match":{"url":"http://a/"},"authenticators":[{"handler":"noop"}],"authorizer":{"handler":"allow"}}]`:                                                    `rules.json: rule "x": match: missing required key 'methods'`,
		`[{"id":"x","match":{"url":"http://a/","methods":[]},"authenticators":[{"handler":"noop"}],"authorizer":{"handler":"allow"}}]`:                                       `rule "x": match.methods:`,
		`[{"match":{"url":"http://a/","methods":["GET"]},"authenticators":[{"handler":"noop"}],"authorizer":{"handler":"allow"}}]`:                                           `rules.json: rule #1: missing required key 'id'`,
		`{not yaml: [`: `rules.json: not valid JSON or YAML`,
		`"a string"`:   `rules.json: must hold a list of rules`,
	}
	for src, want := range cases {
		_, err := Parse("rules.json", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s)\n got %v\nwant %s", src, err, want)
		}
	}
	if _, err := compileAll(t, `[{"id":"x","match":{"url":"http://a/<(>","methods":["GET"]},"authenticators":[{"handler":"noop"}],"authorizer":{"handler":"allow"}}]`); err == nil ||
		!strings.Contains(err.Error(), `rules.json: rule "x": match.url: <(> is not a valid regular expression`) {
		t.Errorf("bad regexp: %v", err)
	}
	if _, err := compileAll(t, `[{"id":"x","match":{"url":"http://a/","methods":["GET"]},"upstream":{"url":"ftp://x"},"authenticators":[{"handler":"noop"}],"authorizer":{"handler":"allow"}}]`); err == nil ||
		!strings.Contains(err.Error(), `upstream.url: must be an http:// or https:// URL`) {
		t.Errorf("bad upstream: %v", err)
	}
	// An empty file is no rules, not an error.
	if specs, err := Parse("empty.yaml", nil); err != nil || len(specs) != 0 {
		t.Errorf("empty: %v %v", specs, err)
	}
}
