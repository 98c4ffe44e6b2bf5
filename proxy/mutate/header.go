package mutate

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// Noop forwards the request unchanged.
type Noop struct{}

// Mutate implements pipeline.Mutator.
func (Noop) Mutate(*http.Request, *pipeline.Session) error { return nil }

// HeaderConfig is header's config.
type HeaderConfig struct {
	Headers map[string]string `json:"headers"`
}

type named struct {
	name      string
	canonical string
	tmpl      *pipeline.Template
}

// Header sets request headers from templates. The upstream request carries
// these values and never a client-sent header of the same name.
type Header struct{ headers []named }

// NewHeader builds the mutator.
func NewHeader(c HeaderConfig) (*Header, error) {
	ts, err := compile("headers", c.Headers, true)
	if err != nil {
		return nil, err
	}
	return &Header{headers: ts}, nil
}

// Names lists the header names the mutator sets.
func (m *Header) Names() []string {
	out := make([]string, len(m.headers))
	for i, h := range m.headers {
		out[i] = h.name
	}
	return out
}

// Mutate implements pipeline.Mutator.
func (m *Header) Mutate(_ *http.Request, s *pipeline.Session) error {
	for _, h := range m.headers {
		v, err := h.tmpl.RenderHeader(s)
		if err != nil {
			return pipeline.Internal(fmt.Sprintf("The header template for %s failed.", h.name), err)
		}
		s.SetCanonicalHeader(h.canonical, v)
	}
	return nil
}

// UsesMatchContext implements pipeline.MatchContextUser.
func (m *Header) UsesMatchContext() bool { return anyUses(m.headers) }

// UsesMatchContext implements pipeline.MatchContextUser.
func (m *Cookie) UsesMatchContext() bool { return anyUses(m.cookies) }

func anyUses(ts []named) bool {
	for _, t := range ts {
		if t.tmpl.UsesMatchContext() {
			return true
		}
	}
	return false
}

// compile parses a name → template map in name order.
func compile(field string, m map[string]string, headerNames bool) ([]named, error) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]named, 0, len(names))
	for _, k := range names {
		if headerNames && !validToken(k) {
			return nil, fmt.Errorf("config.%s.%s: is not a valid header name", field, k)
		}
		t, err := pipeline.ParseTemplate(k, m[k])
		if err != nil {
			return nil, fmt.Errorf("config.%s.%s: %v", field, k, err)
		}
		out = append(out, named{name: k, canonical: http.CanonicalHeaderKey(k), tmpl: t})
	}
	return out, nil
}

// validToken: RFC 9110 §5.1 field names are tokens.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// CookieConfig is cookie's config.
type CookieConfig struct {
	Cookies map[string]string `json:"cookies"`
}

// Cookie sets cookies on the upstream request from templates, keeping the
// request's other cookies.
type Cookie struct{ cookies []named }

// NewCookie builds the mutator.
func NewCookie(c CookieConfig) (*Cookie, error) {
	for k := range c.Cookies {
		if !validToken(k) {
			return nil, fmt.Errorf("config.cookies.%s: is not a valid cookie name", k)
		}
	}
	ts, err := compile("cookies", c.Cookies, false)
	if err != nil {
		return nil, err
	}
	return &Cookie{cookies: ts}, nil
}

// Mutate implements pipeline.Mutator.
func (m *Cookie) Mutate(r *http.Request, s *pipeline.Session) error {
	set := make(map[string]bool, len(m.cookies))
	// http.Request.AddCookie writes the header the way Go's client does,
	// dropping bytes a cookie value may not hold (RFC 6265 §4.1.1).
	out := http.Request{Header: http.Header{}}
	for _, c := range m.cookies {
		v, err := c.tmpl.RenderHeader(s)
		if err != nil {
			return pipeline.Internal(fmt.Sprintf("The cookie template for %s failed.", c.name), err)
		}
		out.AddCookie(&http.Cookie{Name: c.name, Value: v})
		set[c.name] = true
	}
	for _, c := range r.Cookies() {
		if !set[c.Name] {
			out.AddCookie(c)
		}
	}
	s.SetHeader("Cookie", out.Header.Get("Cookie"))
	return nil
}

// Interface guards
var (
	_ pipeline.Mutator = Noop{}
	_ pipeline.Mutator = (*Header)(nil)
	_ pipeline.Mutator = (*Cookie)(nil)
)
