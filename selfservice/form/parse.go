package form

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// ParseForm builds the traits object from form fields named traits.<path>.
// Values are typed from the schema (numbers, booleans); an empty field is
// left out, so a required one is reported missing. Fields the schema does
// not declare are kept as strings for the schema to refuse.
func ParseForm(fields []Field, form url.Values) map[string]any {
	byPath := make(map[string]Field, len(fields))
	for _, f := range fields {
		byPath[f.Path] = f
	}
	traits := map[string]any{}
	for name, vs := range form {
		path, ok := strings.CutPrefix(name, "traits.")
		if !ok || path == "" || len(vs) == 0 {
			continue
		}
		raw := strings.TrimSpace(vs[len(vs)-1])
		f, known := byPath[path]
		v, keep := typed(f, known, raw)
		if keep {
			set(traits, path, v)
		}
	}
	return traits
}

func typed(f Field, known bool, raw string) (any, bool) {
	if !known {
		return raw, raw != ""
	}
	switch f.Type {
	case "boolean":
		return raw == "true" || raw == "on" || raw == "1", true
	case "integer", "number":
		if raw == "" {
			return nil, false
		}
		if _, err := strconv.ParseFloat(raw, 64); err == nil {
			return json.Number(raw), true
		}
		// Not a number: keep the text so the schema reports the type.
		return raw, true
	}
	return raw, raw != ""
}

func set(m map[string]any, path string, v any) {
	segs := strings.Split(path, ".")
	for _, s := range segs[:len(segs)-1] {
		next, ok := m[s].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[s] = next
		}
		m = next
	}
	m[segs[len(segs)-1]] = v
}
