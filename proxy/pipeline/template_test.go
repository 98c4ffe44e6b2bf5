package pipeline

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"text/template"
)

func session() *Session {
	u, _ := url.Parse("https://api.example.com/users/42?x=1")
	return &Session{
		Subject: "user-1",
		Extra: map[string]any{
			"email": "a@example.com", "n": json.Number("7"), "nil": nil,
			"identity": map[string]any{"traits": map[string]any{"email": "t@example.com"}},
		},
		Header:       http.Header{"X-A": {"1"}},
		MatchContext: MatchContext{RegexpCaptureGroups: []string{"42"}, URL: u, Method: "GET"},
	}
}

func TestTemplates(t *testing.T) {
	cases := map[string]string{
		`{{ print .Subject }}`:                                 "user-1",
		`{{ .Subject }}`:                                       "user-1",
		`id={{ print .Subject }};`:                             "id=user-1;",
		`{{ print .Extra.email }}`:                             "a@example.com",
		`{{ print .Extra.identity.traits.email }}`:             "t@example.com",
		`{{ print .Extra.missing }}`:                           "",
		`{{ .Extra.missing }}`:                                 "<no value>",
		`{{ print .Extra.nil }}`:                               "",
		`{{ print .Extra.n }}`:                                 "7",
		`{{ printIndex .MatchContext.RegexpCaptureGroups 0 }}`: "42",
		`{{ printIndex .MatchContext.RegexpCaptureGroups 5 }}`: "",
		`{{ .MatchContext.URL.Path }}`:                         "/users/42",
		`{{ .MatchContext.URL.Query.Get "x" }}`:                "1",
		`{{ .Extra.email | upper }}`:                           "A@EXAMPLE.COM",
		`plain`:                                                "plain",
		``:                                                     "",
	}
	for src, want := range cases {
		tm, err := ParseTemplate("t", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		got, err := tm.Render(session())
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", src, got, err, want)
		}
	}
}

// Templates cannot read the process environment (DSN, secrets).
func TestTemplatesCannotReadEnvironment(t *testing.T) {
	for _, src := range []string{`{{ env "HOME" }}`, `{{ expandenv "$HOME" }}`, `{{ getHostByName "localhost" }}`} {
		if _, err := ParseTemplate("t", src); err == nil {
			t.Errorf("%s parsed", src)
		}
	}
}

// A header template must never emit CR or LF: a trait like
// "x\r\nX-Admin: true" would otherwise add a header upstream.
func TestRenderHeaderRefusesLineBreaks(t *testing.T) {
	tm, _ := ParseTemplate("t", `{{ print .Subject }}`)
	for _, bad := range []string{"x\r\nX-Admin: true", "x\ny", "x\rY", "x\x00"} {
		s := session()
		s.Subject = bad
		if v, err := tm.RenderHeader(s); err == nil {
			t.Errorf("RenderHeader(%q) = %q", bad, v)
		}
	}
	s := session()
	s.Subject = "tab\tok"
	if _, err := tm.RenderHeader(s); err != nil {
		t.Errorf("tab refused: %v", err)
	}
}

// FuzzTemplate checks that the reflection-free fast path renders exactly
// what text/template renders, and that RenderHeader never lets a line break
// through.
func FuzzTemplate(f *testing.F) {
	f.Add(`{{ print .Subject }}`, "user", "k", "v")
	f.Add(`a{{ .Extra.k }}b`, "u", "k", "v\r\n")
	f.Add(`{{ print .Extra.k.j }}`, "u", "k", "v")
	f.Add(`{{ .Extra.missing }}`, "", "k", "")
	f.Fuzz(func(t *testing.T, src, subject, key, value string) {
		tm, err := ParseTemplate("t", src)
		if err != nil {
			return
		}
		s := &Session{Subject: subject, Extra: map[string]any{key: value, "m": map[string]any{key: value}}}
		got, err := tm.Render(s)
		slow, serr := template.New("t").Option("missingkey=zero").Funcs(funcs()).Parse(src)
		if serr != nil {
			t.Fatalf("fast parse ok, slow parse failed: %v", serr)
		}
		var b strings.Builder
		werr := slow.Execute(&b, s)
		if (err == nil) != (werr == nil) {
			t.Fatalf("errors differ: %v vs %v", err, werr)
		}
		if err == nil && got != b.String() {
			t.Fatalf("%q: fast %q, text/template %q", src, got, b.String())
		}
		if h, err := tm.RenderHeader(s); err == nil && strings.ContainsAny(h, "\r\n\x00") {
			t.Fatalf("header value %q", h)
		}
	})
}
