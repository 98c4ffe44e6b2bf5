package schema

import (
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// extract walks the compiled schema alongside a valid instance and applies
// every ory.sh/kratos keyword it meets to the value at that place. Branches
// of anyOf/oneOf/if only count when the value satisfies them, so a trait is
// an identifier exactly when the branch that accepted it says so.
func extract(s *jsonschema.Schema, v any, x *Extracted, depth int) {
	if s == nil || depth > 64 {
		return
	}
	if e, ok := s.Extensions[ExtensionKeyword].(*Extension); ok {
		x.apply(e, v)
	}
	extract(s.Ref, v, x, depth+1)
	for _, sub := range s.AllOf {
		extract(sub, v, x, depth+1)
	}
	for _, list := range [][]*jsonschema.Schema{s.AnyOf, s.OneOf} {
		for _, sub := range list {
			if sub.Validate(v) == nil {
				extract(sub, v, x, depth+1)
			}
		}
	}
	if s.If != nil {
		if s.If.Validate(v) == nil {
			extract(s.Then, v, x, depth+1)
		} else {
			extract(s.Else, v, x, depth+1)
		}
	}
	switch t := v.(type) {
	case map[string]any:
		// Properties in a stable order keep Extracted deterministic.
		for _, k := range sortedKeys(t) {
			val := t[k]
			matched := false
			if p, ok := s.Properties[k]; ok {
				extract(p, val, x, depth+1)
				matched = true
			}
			for re, p := range s.PatternProperties {
				if re.MatchString(k) {
					extract(p, val, x, depth+1)
					matched = true
				}
			}
			if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok && !matched {
				extract(ap, val, x, depth+1)
			}
		}
	case []any:
		for i, val := range t {
			switch it := s.Items.(type) {
			case *jsonschema.Schema:
				extract(it, val, x, depth+1)
			case []*jsonschema.Schema:
				if i < len(it) {
					extract(it[i], val, x, depth+1)
				} else if ai, ok := s.AdditionalItems.(*jsonschema.Schema); ok {
					extract(ai, val, x, depth+1)
				}
			}
			if i < len(s.PrefixItems) {
				extract(s.PrefixItems[i], val, x, depth+1)
			} else if s.Items2020 != nil {
				extract(s.Items2020, val, x, depth+1)
			}
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Small maps: insertion sort avoids importing sort for a few keys.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// pointerEscape escapes one JSON-pointer segment (RFC 6901 §3).
func pointerEscape(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '~':
			out = append(out, '~', '0')
		case '/':
			out = append(out, '~', '1')
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}
