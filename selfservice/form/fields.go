package form

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Field is one trait the schema declares, flattened: nested objects become
// dotted paths ("name.first").
type Field struct {
	// Path is the dotted path under traits.
	Path string
	// Type is the JSON type: string, number, integer or boolean.
	Type      string
	Format    string
	Title     string
	Required  bool
	MaxLength int
	Pattern   string
	// Identifier marks a password identifier (ory.sh/kratos credentials).
	Identifier bool
}

// Name is the form field name ("traits.email").
func (f Field) Name() string { return "traits." + f.Path }

// Fields lists the schema's traits in declaration order. $refs within the
// document are followed; a trait the form cannot show (arrays, remote
// $refs) is left out: it can still be set through the JSON API.
func Fields(raw json.RawMessage) ([]Field, error) {
	root, err := decodeOrdered(raw)
	if err != nil {
		return nil, fmt.Errorf("identity schema: %w", err)
	}
	w := walker{root: root}
	traits := w.resolve(w.get(w.get(root, "properties"), "traits"))
	if traits == nil {
		return nil, fmt.Errorf("identity schema has no properties.traits object")
	}
	var out []Field
	w.object(traits, "", &out, 0)
	return out, nil
}

type walker struct{ root *value }

func (w walker) object(o *value, prefix string, out *[]Field, depth int) {
	if depth > 8 {
		return
	}
	required := map[string]bool{}
	if r := w.get(o, "required"); r != nil {
		for _, x := range r.arr {
			if s, ok := x.scalar.(string); ok {
				required[s] = true
			}
		}
	}
	props := w.get(o, "properties")
	if props == nil {
		return
	}
	for _, k := range props.keys {
		p := w.resolve(props.obj[k])
		if p == nil {
			continue
		}
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		typ := w.typeOf(p)
		if typ == "object" {
			w.object(p, path, out, depth+1)
			continue
		}
		if typ == "array" || typ == "" && w.get(p, "properties") != nil {
			continue
		}
		f := Field{Path: path, Type: typ, Required: required[k], Format: w.str(p, "format"), Title: w.str(p, "title"),
			Pattern: w.str(p, "pattern")}
		if f.Type == "" {
			f.Type = "string"
		}
		if n, ok := w.get(p, "maxLength").number(); ok {
			f.MaxLength = int(n)
		}
		if ext := w.get(p, "ory.sh/kratos"); ext != nil {
			if pw := w.get(w.get(ext, "credentials"), "password"); pw != nil {
				f.Identifier = w.get(pw, "identifier").scalar == true
			}
		}
		*out = append(*out, f)
	}
}

func (w walker) typeOf(v *value) string {
	t := w.get(v, "type")
	if t == nil {
		return ""
	}
	if s, ok := t.scalar.(string); ok {
		return s
	}
	// ["string", "null"]: the first non-null type.
	for _, x := range t.arr {
		if s, ok := x.scalar.(string); ok && s != "null" {
			return s
		}
	}
	return ""
}

func (w walker) str(v *value, key string) string {
	s, _ := w.get(v, key).scalarOrNil().(string)
	return s
}

func (w walker) get(v *value, key string) *value {
	if v == nil || v.obj == nil {
		return nil
	}
	return v.obj[key]
}

// resolve follows local $refs ("#/definitions/x").
func (w walker) resolve(v *value) *value {
	for i := 0; v != nil && i < 16; i++ {
		ref, ok := w.get(v, "$ref").scalarOrNil().(string)
		if !ok {
			return v
		}
		p, ok := strings.CutPrefix(ref, "#")
		if !ok {
			return nil
		}
		v = w.root
		for _, seg := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
			if seg == "" {
				continue
			}
			seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
			v = w.get(v, seg)
		}
	}
	return v
}

// value is a JSON value that remembers object key order.
type value struct {
	obj    map[string]*value
	keys   []string
	arr    []*value
	scalar any
}

func (v *value) scalarOrNil() any {
	if v == nil {
		return nil
	}
	return v.scalar
}

func (v *value) number() (float64, bool) {
	if v == nil {
		return 0, false
	}
	n, ok := v.scalar.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func decodeOrdered(raw []byte) (*value, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return decodeValue(d, 0)
}

func decodeValue(d *json.Decoder, depth int) (*value, error) {
	if depth > 64 {
		return nil, fmt.Errorf("nested too deeply")
	}
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &value{obj: map[string]*value{}}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				child, err := decodeValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				if _, dup := v.obj[k]; !dup {
					v.keys = append(v.keys, k)
				}
				v.obj[k] = child
			}
			_, err := d.Token()
			return v, err
		case '[':
			v := &value{arr: []*value{}}
			for d.More() {
				child, err := decodeValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, child)
			}
			_, err := d.Token()
			return v, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return &value{scalar: tok}, nil
	}
}
