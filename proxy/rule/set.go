package rule

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// Set is an immutable, validated list of compiled rules. A request is
// answered by exactly one rule of the set.
type Set struct {
	rules []*Rule
	byID  map[string]*Rule
}

// NewSet checks that ids are unique and that no two rules have the same
// match.url with a method in common (every such request would fail), and
// builds the set.
func NewSet(rules []*Rule) (*Set, error) {
	s := &Set{rules: rules, byID: make(map[string]*Rule, len(rules))}
	var errs Errors
	byPattern := map[string]*Rule{}
	for _, r := range rules {
		if prev, dup := s.byID[r.ID()]; dup {
			errs = append(errs, &Error{Source: r.Source, RuleID: r.ID(), Index: -1,
				Msg: fmt.Sprintf("rule id %q is used twice (also in %s); ids must be unique", r.ID(), prev.Source)})
			continue
		}
		s.byID[r.ID()] = r
		if prev, same := byPattern[r.Spec.Match.URL]; same {
			for _, m := range r.methods {
				if prev.matchesMethod(m) {
					errs = append(errs, &Error{Source: r.Source, RuleID: r.ID(), Index: -1, Field: "match",
						Msg: fmt.Sprintf("rules %q and %q both match %s %s; exactly one rule may match a request", prev.ID(), r.ID(), m, r.Spec.Match.URL)})
					break
				}
			}
		} else {
			byPattern[r.Spec.Match.URL] = r
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

// Rules returns the rules in load order.
func (s *Set) Rules() []*Rule { return s.rules }

// Get returns a rule by id.
func (s *Set) Get(id string) (*Rule, bool) {
	r, ok := s.byID[id]
	return r, ok
}

// Len is the number of rules.
func (s *Set) Len() int { return len(s.rules) }

// Match returns the one rule that matches method and the URL (written
// "scheme://host/path", without query). No rule is a 404, several are a
// 500 naming them: overlapping rules are a configuration error, never
// resolved by order.
func (s *Set) Match(method, u string) (*Rule, error) {
	var found *Rule
	var more []string
	for _, r := range s.rules {
		if !r.matchesMethod(method) || !r.matcher.Match(u) {
			continue
		}
		if found == nil {
			found = r
			continue
		}
		if more == nil {
			more = []string{found.ID()}
		}
		more = append(more, r.ID())
	}
	switch {
	case found == nil:
		return nil, pipeline.ErrMatchesNoRule
	case more != nil:
		slices.Sort(more)
		return nil, ambiguous(more)
	}
	return found, nil
}

func ambiguous(ids []string) *httpx.Error {
	return pipeline.ErrMatchesMoreThanOneRule.
		WithReason("The request matches the rules %s; exactly one rule must match.", strings.Join(quote(ids), ", ")).
		WithDetail("rules", ids)
}

func quote(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("%q", id)
	}
	return out
}
