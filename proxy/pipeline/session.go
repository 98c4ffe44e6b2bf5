package pipeline

import (
	"net/http"
	"net/url"
)

// Session is Oathkeeper's AuthenticationSession: who the request is from
// (Subject, Extra), the headers the mutators produced (Header) and what the
// rule matched (MatchContext). Templates see it as .Subject, .Extra,
// .Header and .MatchContext; the hydrator mutator sends it as JSON.
type Session struct {
	Subject      string         `json:"subject"`
	Extra        map[string]any `json:"extra"`
	Header       http.Header    `json:"header"`
	MatchContext MatchContext   `json:"match_context"`
}

// MatchContext describes the request the rule matched.
type MatchContext struct {
	// RegexpCaptureGroups are the <...> groups of a regexp match.url, in order.
	RegexpCaptureGroups []string `json:"regexp_capture_groups"`
	// URL is the original request's URL (scheme, host, path and query).
	URL *url.URL `json:"url"`
	// Method is the original request's method.
	Method string `json:"method"`
	// Header holds the original request's headers.
	Header http.Header `json:"header"`
}

// SetHeader sets a header the mutated request will carry.
func (s *Session) SetHeader(name, value string) {
	s.SetCanonicalHeader(http.CanonicalHeaderKey(name), value)
}

// SetCanonicalHeader is SetHeader for a name already in canonical form
// (mutators canonicalise their names once, when the rule is compiled).
func (s *Session) SetCanonicalHeader(name, value string) {
	if s.Header == nil {
		s.Header = make(http.Header, 4)
	}
	s.Header[name] = []string{value}
}
