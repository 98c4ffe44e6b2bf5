package rule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// Error is a problem with a rule file: which file, which rule, which field.
type Error struct {
	Source string // file or repository URL
	RuleID string // empty when the problem is not within one rule
	Index  int    // position of the rule in its file, from 0; -1 when none
	Field  string // e.g. match.url; empty when the whole rule is at fault
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Index >= 0 {
		if e.RuleID != "" {
			fmt.Fprintf(&b, ": rule %q", e.RuleID)
		} else {
			fmt.Fprintf(&b, ": rule #%d", e.Index+1)
		}
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Errors lists every problem found in a rule set.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Parse reads a rule file: a JSON or YAML list of rules (a single rule
// object is accepted too). Every structural problem is reported with the
// rule and field it concerns; handler configs are checked when the rules
// are compiled. An empty document is an empty list.
func Parse(source string, data []byte) ([]*Spec, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, &Error{Source: source, Index: -1, Msg: "not valid JSON or YAML: " + err.Error()}
	}
	js = bytes.TrimSpace(js)
	if len(js) == 0 || bytes.Equal(js, []byte("null")) {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil {
		return nil, &Error{Source: source, Index: -1, Msg: "not valid JSON or YAML: " + err.Error()}
	}
	var items []any
	switch v := doc.(type) {
	case []any:
		items = v
	case map[string]any:
		items = []any{v}
	default:
		return nil, &Error{Source: source, Index: -1, Msg: "must hold a list of rules"}
	}
	var errs Errors
	specs := make([]*Spec, 0, len(items))
	for i, item := range items {
		id := ""
		if m, ok := item.(map[string]any); ok {
			id, _ = m["id"].(string)
		}
		problems := config.CheckDocument("config/rule.json", item)
		for _, p := range problems {
			errs = append(errs, &Error{Source: source, RuleID: id, Index: i, Field: p.Path, Msg: p.Message})
		}
		if len(problems) > 0 {
			continue
		}
		raw, _ := json.Marshal(item)
		var sj specJSON
		if err := json.Unmarshal(raw, &sj); err != nil {
			errs = append(errs, &Error{Source: source, RuleID: id, Index: i, Msg: err.Error()})
			continue
		}
		s := &Spec{
			ID: sj.ID, Version: sj.Version, Description: sj.Description, Match: sj.Match,
			Upstream:       UpstreamSpec{URL: sj.Upstream.URL},
			Authenticators: sj.Authenticators, Authorizer: sj.Authorizer, Mutators: sj.Mutators, Errors: sj.Errors,
		}
		if sj.Upstream.PreserveHost != nil {
			s.Upstream.PreserveHost = *sj.Upstream.PreserveHost
		}
		if sj.Upstream.StripPath != nil {
			s.Upstream.StripPath = *sj.Upstream.StripPath
		}
		specs = append(specs, s)
	}
	return specs, errs.orNil()
}
