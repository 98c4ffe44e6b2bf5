package config

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// applyEnv overrides doc with environment variables named after key paths,
// the way Ory's services do: SERVE_PUBLIC_PORT sets serve.public.port,
// SECRETS_SYSTEM_0 sets secrets.system[0]. A variable is used only when its
// name maps onto a key the schema declares, so PATH, HOME and the like are
// ignored. NAME_FILE reads the value from a file (for container secrets).
// Values are typed from the schema: integers, booleans, and for arrays and
// objects either JSON or, for arrays, a comma-separated list.
func applyEnv(root node, doc map[string]any, environ []string, e *Error) {
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" || strings.ToUpper(name) != name {
			continue
		}
		fromFile := false
		path, leaf := matchEnv(root, strings.Split(name, "_"))
		if path == nil && strings.HasSuffix(name, "_FILE") {
			path, leaf = matchEnv(root, strings.Split(strings.TrimSuffix(name, "_FILE"), "_"))
			fromFile = path != nil
		}
		if path == nil {
			continue
		}
		if fromFile {
			b, err := os.ReadFile(value)
			if err != nil {
				e.add(path, fmt.Sprintf("reading %s: %v", name, err))
				continue
			}
			value = strings.TrimRight(string(b), "\r\n")
		}
		v, err := typedValue(leaf, value)
		if err != nil {
			e.add(path, fmt.Sprintf("from environment variable %s: %v", name, err))
			continue
		}
		if err := setPath(doc, path, v); err != nil {
			e.add(path, fmt.Sprintf("from environment variable %s: %v", name, err))
		}
	}
}

// matchEnv maps underscore-separated tokens onto a declared key path. Key
// names contain underscores themselves (default_browser_return_url), so at
// each level every property whose upper-cased name matches the next tokens
// is tried, longest first.
func matchEnv(n node, tokens []string) ([]string, node) {
	if len(tokens) == 0 {
		return []string{}, n
	}
	if isIndex(tokens[0]) {
		if it := n.items(); len(it) > 0 {
			if rest, leaf := matchEnv(it, tokens[1:]); rest != nil {
				return append([]string{tokens[0]}, rest...), leaf
			}
		}
	}
	names := n.propertyNames()
	// Longest names first so SELFSERVICE_FLOWS_LOGIN_UI_URL prefers ui_url
	// over a hypothetical "ui" object.
	for l := len(tokens); l >= 1; l-- {
		want := strings.Join(tokens[:l], "_")
		for _, p := range names {
			if strings.ToUpper(strings.ReplaceAll(p, "-", "_")) != want {
				continue
			}
			if rest, leaf := matchEnv(n.property(p), tokens[l:]); rest != nil {
				return append([]string{p}, rest...), leaf
			}
		}
	}
	return nil, nil
}

func typedValue(n node, raw string) (any, error) {
	types := n.types()
	if len(types) == 0 {
		types = []string{"string"}
	}
	var firstErr error
	for _, t := range types {
		v, err := convert(t, n, raw)
		if err == nil {
			return v, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

func convert(t string, n node, raw string) (any, error) {
	switch t {
	case "integer":
		i, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", raw)
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case "number":
		if _, err := strconv.ParseFloat(strings.TrimSpace(raw), 64); err != nil {
			return nil, fmt.Errorf("%q is not a number", raw)
		}
		return json.Number(strings.TrimSpace(raw)), nil
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("%q is not a boolean", raw)
		}
		return b, nil
	case "array":
		if strings.HasPrefix(strings.TrimSpace(raw), "[") {
			return decodeJSON(raw)
		}
		var out []any
		itemTypes := n.items()
		for _, part := range strings.Split(raw, ",") {
			v, err := typedValue(itemTypes, strings.TrimSpace(part))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case "object":
		return decodeJSON(raw)
	case "null":
		if raw == "" || raw == "null" {
			return nil, nil
		}
		return nil, fmt.Errorf("must be null")
	}
	return raw, nil
}

func decodeJSON(raw string) (any, error) {
	d := json.NewDecoder(strings.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	return v, nil
}

// setPath stores v at path, creating objects and growing arrays on the way.
func setPath(doc map[string]any, path []string, v any) error {
	var cur any = doc
	for i, seg := range path {
		last := i == len(path)-1
		var next any
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[seg] = v
				return nil
			}
			next = c[seg]
			if next == nil {
				next = emptyFor(path[i+1])
				c[seg] = next
			}
			if arr, ok := next.([]any); ok && isIndex(path[i+1]) {
				idx, _ := strconv.Atoi(path[i+1])
				if idx >= len(arr) {
					grown := make([]any, idx+1)
					copy(grown, arr)
					c[seg] = grown
					next = grown
				}
			}
		case []any:
			idx, _ := strconv.Atoi(seg)
			if idx >= len(c) {
				return fmt.Errorf("index %d is past the end of the list", idx)
			}
			if last {
				c[idx] = v
				return nil
			}
			next = c[idx]
			if next == nil {
				next = emptyFor(path[i+1])
				c[idx] = next
			}
		default:
			return fmt.Errorf("%s is not an object or list in the config file", formatPath(path[:i]))
		}
		cur = next
	}
	return nil
}

func emptyFor(nextSeg string) any {
	if isIndex(nextSeg) {
		return []any{}
	}
	return map[string]any{}
}
