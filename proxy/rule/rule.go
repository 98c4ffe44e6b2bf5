package rule

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// Rule is a compiled access rule: its matcher, its upstream and its built
// handlers. Rules are immutable and shared by concurrent requests.
type Rule struct {
	Spec *Spec
	// Source is the repository (file or URL) the rule came from.
	Source string

	methods        []string
	matcher        Matcher
	Upstream       *Upstream // nil: decision-only rule
	Authenticators []pipeline.Authenticator
	Authorizer     pipeline.Authorizer
	Mutators       []pipeline.Mutator
	Errors         []pipeline.ErrorHandler
	// needsCaptures: a handler reads .MatchContext, so the match.url
	// groups are worth computing.
	needsCaptures bool
}

// Upstream is where allowed requests go.
type Upstream struct {
	URL          *url.URL
	PreserveHost bool
	// StripPath is removed from the start of the request path (at a segment
	// boundary) before the path is appended to URL's path.
	StripPath string
}

// ID is the rule's id.
func (r *Rule) ID() string { return r.Spec.ID }

// Captures returns the match.url groups for a matched URL, or nil when no
// handler of the rule reads them.
func (r *Rule) Captures(u string) []string {
	if !r.needsCaptures {
		return nil
	}
	return r.matcher.Captures(u)
}

func (r *Rule) matchesMethod(m string) bool {
	for _, x := range r.methods {
		if x == m || strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// Compile builds a rule's matcher and handlers. Every problem is returned,
// each naming the field it concerns.
func Compile(source string, index int, s *Spec, strategy string, reg pipeline.Registry) (*Rule, error) {
	var errs Errors
	fail := func(field, format string, args ...any) {
		errs = append(errs, &Error{Source: source, RuleID: s.ID, Index: index, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	r := &Rule{Spec: s, Source: source}
	for _, m := range s.Match.Methods {
		r.methods = append(r.methods, strings.ToUpper(m))
	}
	m, err := CompileMatcher(strategy, s.Match.URL)
	if err != nil {
		fail("match.url", "%v", err)
	}
	r.matcher = m

	if s.Upstream.URL != "" {
		u, err := url.Parse(s.Upstream.URL)
		switch {
		case err != nil:
			fail("upstream.url", "is not a valid URL: %v", err)
		case u.Scheme != "http" && u.Scheme != "https":
			fail("upstream.url", "must be an http:// or https:// URL")
		case u.Host == "":
			fail("upstream.url", "must name a host")
		case u.RawQuery != "" || u.Fragment != "":
			fail("upstream.url", "must not carry a query or fragment")
		default:
			r.Upstream = &Upstream{URL: u, PreserveHost: s.Upstream.PreserveHost, StripPath: s.Upstream.StripPath}
		}
	} else if s.Upstream.StripPath != "" {
		fail("upstream.strip_path", "is set but upstream.url is not")
	}

	for i, h := range s.Authenticators {
		a, err := reg.Authenticator(h.Handler, h.Config)
		if err != nil {
			fail(fmt.Sprintf("authenticators[%d]", i), "%v", err)
			continue
		}
		r.Authenticators = append(r.Authenticators, a)
	}
	if a, err := reg.Authorizer(s.Authorizer.Handler, s.Authorizer.Config); err != nil {
		fail("authorizer", "%v", err)
	} else {
		r.Authorizer = a
	}
	mutators := s.Mutators
	if len(mutators) == 0 {
		// Oathkeeper requires at least one mutator and fails such a rule on
		// every request; a rule that names none means "forward unchanged".
		mutators = []HandlerSpec{{Handler: "noop"}}
	}
	for i, h := range mutators {
		mu, err := reg.Mutator(h.Handler, h.Config)
		if err != nil {
			fail(fmt.Sprintf("mutators[%d]", i), "%v", err)
			continue
		}
		r.Mutators = append(r.Mutators, mu)
	}
	unconditional := -1
	for i, h := range s.Errors {
		eh, err := reg.ErrorHandler(h.Handler, h.Config)
		if err != nil {
			fail(fmt.Sprintf("errors[%d]", i), "%v", err)
			continue
		}
		if !eh.Conditional() {
			if unconditional >= 0 {
				// Both would take every error; Oathkeeper answers each such
				// error with a 500. Say so now instead.
				fail(fmt.Sprintf("errors[%d]", i), "handler %q has no `when` conditions, and neither has errors[%d]: both would handle every error; give one of them `when` conditions", h.Handler, unconditional)
			}
			unconditional = i
		}
		r.Errors = append(r.Errors, eh)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	r.needsCaptures = usesMatchContext(r)
	return r, nil
}

func usesMatchContext(r *Rule) bool {
	var hs []any
	for _, a := range r.Authenticators {
		hs = append(hs, a)
	}
	hs = append(hs, r.Authorizer)
	for _, m := range r.Mutators {
		hs = append(hs, m)
	}
	for _, h := range hs {
		if u, ok := h.(pipeline.MatchContextUser); ok && u.UsesMatchContext() {
			return true
		}
	}
	return false
}
