package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Violation is one way the traits fail their schema.
type Violation struct {
	// Pointer is the JSON pointer of the failing value within the identity
	// document, e.g. "/traits/email". For a missing required property it
	// points at the property that is missing.
	Pointer string `json:"instance_ptr"`
	// Keyword is the schema keyword that failed: required, type, format,
	// minLength, pattern, additionalProperties, ...
	Keyword string `json:"keyword"`
	// Message says what is wrong, for people.
	Message string `json:"message"`
	// Property is set for required and additionalProperties violations.
	Property string `json:"property,omitempty"`
}

// ValidationError lists every violation, ordered by pointer.
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Pointer + ": " + v.Message
	}
	return "traits do not match the identity schema: " + strings.Join(parts, "; ")
}

// Validate checks traits (a JSON object) against the schema and returns
// what the ory.sh/kratos extension derives from them. Traits that fail come
// back as *ValidationError listing every failing path.
func (s *Schema) Validate(traits json.RawMessage) (*Extracted, error) {
	doc, err := decodeTraits(traits)
	if err != nil {
		return nil, err
	}
	if err := s.Compiled.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return nil, flatten(ve)
		}
		return nil, &ValidationError{Violations: []Violation{{Pointer: "/traits", Keyword: "type", Message: err.Error()}}}
	}
	x := &Extracted{}
	extract(s.Compiled, doc, x, 0)
	return x, nil
}

func decodeTraits(traits json.RawMessage) (map[string]any, error) {
	if len(bytes.TrimSpace(traits)) == 0 {
		traits = json.RawMessage("{}")
	}
	d := json.NewDecoder(bytes.NewReader(traits))
	d.UseNumber()
	var t any
	if err := d.Decode(&t); err != nil {
		return nil, &ValidationError{Violations: []Violation{{Pointer: "/traits", Keyword: "type", Message: "traits are not valid JSON"}}}
	}
	if _, ok := t.(map[string]any); !ok {
		return nil, &ValidationError{Violations: []Violation{{Pointer: "/traits", Keyword: "type", Message: "traits must be an object"}}}
	}
	return map[string]any{"traits": t}, nil
}

// flatten turns the validator's tree of causes into one violation per
// failing leaf: the leaves say what is actually wrong; the inner nodes only
// say "something below failed".
func flatten(root *jsonschema.ValidationError) *ValidationError {
	var out []Violation
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		out = append(out, leafViolations(e)...)
	}
	walk(root)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	// anyOf/oneOf branches can report the same leaf twice.
	uniq := out[:0]
	for i, v := range out {
		if i > 0 && v == out[i-1] {
			continue
		}
		uniq = append(uniq, v)
	}
	return &ValidationError{Violations: uniq}
}

func leafViolations(e *jsonschema.ValidationError) []Violation {
	kw := e.KeywordLocation
	if i := strings.LastIndexByte(kw, '/'); i >= 0 {
		kw = kw[i+1:]
	}
	ptr := e.InstanceLocation
	switch kw {
	case "required":
		// "missing properties: 'a', 'b'": one violation per property, each
		// pointing where the value should have been.
		var out []Violation
		for _, p := range quotedNames(strings.TrimPrefix(e.Message, "missing properties: ")) {
			out = append(out, Violation{
				Pointer: ptr + "/" + pointerEscape(p), Keyword: kw, Property: p,
				Message: fmt.Sprintf("property %s is missing", p),
			})
		}
		if len(out) > 0 {
			return out
		}
	case "additionalProperties":
		var out []Violation
		for _, p := range quotedNames(strings.TrimPrefix(e.Message, "additionalProperties ")) {
			p = strings.TrimSuffix(p, " not allowed")
			out = append(out, Violation{
				Pointer: ptr + "/" + pointerEscape(p), Keyword: kw, Property: p,
				Message: fmt.Sprintf("property %s is not allowed", p),
			})
		}
		if len(out) > 0 {
			return out
		}
	}
	return []Violation{{Pointer: ptr, Keyword: kw, Message: e.Message}}
}

// quotedNames reads the validator's list of quoted property names:
// 'a', 'b' (names containing quotes come escaped as JSON strings).
func quotedNames(s string) []string {
	s = strings.TrimSuffix(s, " not allowed")
	var out []string
	for _, part := range strings.Split(s, ", ") {
		part = strings.TrimSpace(part)
		if len(part) >= 2 && (part[0] == '\'' || part[0] == '"') {
			part = part[1 : len(part)-1]
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}
