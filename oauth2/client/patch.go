package client

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// PatchOp is one RFC 6902 JSON Patch operation.
type PatchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	From  string          `json:"from,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

// ApplyPatch applies ops to the JSON document doc (RFC 6902: add, remove,
// replace, move, copy, test). Operations apply in order; any failure
// leaves the document unchanged.
func ApplyPatch(doc []byte, ops []PatchOp) ([]byte, error) {
	var root any
	if err := json.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	for i, op := range ops {
		var err error
		root, err = applyOp(root, op)
		if err != nil {
			return nil, fmt.Errorf("patch operation %d (%s %s): %w", i, op.Op, op.Path, err)
		}
	}
	return json.Marshal(root)
}

func applyOp(root any, op PatchOp) (any, error) {
	value := func() (any, error) {
		if op.Value == nil {
			return nil, fmt.Errorf("value is required")
		}
		var v any
		err := json.Unmarshal(op.Value, &v)
		return v, err
	}
	switch op.Op {
	case "add":
		v, err := value()
		if err != nil {
			return nil, err
		}
		return set(root, op.Path, v, true)
	case "replace":
		v, err := value()
		if err != nil {
			return nil, err
		}
		if _, err := get(root, op.Path); err != nil {
			return nil, err
		}
		return set(root, op.Path, v, false)
	case "remove":
		return remove(root, op.Path)
	case "move", "copy":
		v, err := get(root, op.From)
		if err != nil {
			return nil, err
		}
		if op.Op == "move" {
			if strings.HasPrefix(op.Path, op.From+"/") {
				return nil, fmt.Errorf("cannot move a value into itself")
			}
			if root, err = remove(root, op.From); err != nil {
				return nil, err
			}
		} else {
			v = deepCopy(v)
		}
		return set(root, op.Path, v, true)
	case "test":
		v, err := value()
		if err != nil {
			return nil, err
		}
		got, err := get(root, op.Path)
		if err != nil {
			return nil, err
		}
		if !reflect.DeepEqual(got, v) {
			return nil, fmt.Errorf("test failed")
		}
		return root, nil
	}
	return nil, fmt.Errorf("unknown op %q", op.Op)
}

func pointer(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("path must start with /")
	}
	parts := strings.Split(path[1:], "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

func get(root any, path string) (any, error) {
	parts, err := pointer(path)
	if err != nil {
		return nil, err
	}
	cur := root
	for _, p := range parts {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[p]
			if !ok {
				return nil, fmt.Errorf("path not found")
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("index out of range")
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("path not found")
		}
	}
	return cur, nil
}

// set stores v at path; insert (add) inserts into arrays and allows "-".
func set(root any, path string, v any, insert bool) (any, error) {
	parts, err := pointer(path)
	if err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return v, nil
	}
	parent, err := get(root, "/"+strings.Join(escape(parts[:len(parts)-1]), "/"))
	if len(parts) == 1 {
		parent, err = root, nil
	}
	if err != nil {
		return nil, err
	}
	last := parts[len(parts)-1]
	switch c := parent.(type) {
	case map[string]any:
		c[last] = v
		return root, nil
	case []any:
		i := len(c)
		if last != "-" {
			if i, err = strconv.Atoi(last); err != nil || i < 0 || i > len(c) || (!insert && i == len(c)) {
				return nil, fmt.Errorf("index out of range")
			}
		} else if !insert {
			return nil, fmt.Errorf("index out of range")
		}
		var n []any
		if insert {
			n = append(append(append([]any{}, c[:i]...), v), c[i:]...)
		} else {
			n = append([]any{}, c...)
			n[i] = v
		}
		return set(root, "/"+strings.Join(escape(parts[:len(parts)-1]), "/"), n, false)
	}
	return nil, fmt.Errorf("path not found")
}

func remove(root any, path string) (any, error) {
	parts, err := pointer(path)
	if err != nil || len(parts) == 0 {
		return nil, fmt.Errorf("cannot remove the whole document")
	}
	parentPath := "/" + strings.Join(escape(parts[:len(parts)-1]), "/")
	parent := root
	if len(parts) > 1 {
		if parent, err = get(root, parentPath); err != nil {
			return nil, err
		}
	}
	last := parts[len(parts)-1]
	switch c := parent.(type) {
	case map[string]any:
		if _, ok := c[last]; !ok {
			return nil, fmt.Errorf("path not found")
		}
		delete(c, last)
		return root, nil
	case []any:
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i >= len(c) {
			return nil, fmt.Errorf("index out of range")
		}
		n := append(append([]any{}, c[:i]...), c[i+1:]...)
		if len(parts) == 1 {
			return n, nil
		}
		return set(root, parentPath, n, false)
	}
	return nil, fmt.Errorf("path not found")
}

func escape(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
	}
	return out
}

func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
