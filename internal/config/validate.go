package config

import (
	"errors"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// validate checks doc against the schema and adds one problem per failing
// leaf. Unknown keys are reported as such (or as known-but-unsupported Ory
// keys), with a suggestion when a declared key is a likely typo.
func validate(root *jsonschema.Schema, doc any, e *Error) {
	err := root.Validate(doc)
	if err == nil {
		return
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		e.add(nil, err.Error())
		return
	}
	for _, leaf := range leaves(ve) {
		path := splitPointer(leaf.InstanceLocation)
		if strings.HasSuffix(leaf.KeywordLocation, "/additionalProperties") {
			for _, key := range quoted.FindAllStringSubmatch(leaf.Message, -1) {
				reportUnknown(root, append(append([]string{}, path...), key[1]), e)
			}
			continue
		}
		e.add(path, humanize(leaf.Message))
	}
}

var quoted = regexp.MustCompile(`'([^']*)'`)

// leaves flattens a validation error tree. For oneOf/anyOf it keeps only the
// alternative that got furthest into the document: the others failed at
// shallower places, and listing their complaints would only confuse.
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	kw := ve.KeywordLocation
	if strings.HasSuffix(kw, "/oneOf") || strings.HasSuffix(kw, "/anyOf") {
		var best []*jsonschema.ValidationError
		bestDepth := -1
		for _, c := range ve.Causes {
			l := leaves(c)
			d := 0
			for _, x := range l {
				if n := len(splitPointer(x.InstanceLocation)); n > d {
					d = n
				}
			}
			if d > bestDepth {
				best, bestDepth = l, d
			}
		}
		return best
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// humanize rewrites the validator's messages where they read poorly.
func humanize(msg string) string {
	if strings.HasPrefix(msg, "missing properties: ") {
		return "missing required key " + strings.TrimPrefix(msg, "missing properties: ")
	}
	if strings.HasPrefix(msg, "expected ") && strings.Contains(msg, ", but got ") {
		return "must be " + strings.TrimPrefix(strings.Replace(msg, ", but got ", ", not ", 1), "expected ")
	}
	return msg
}

func reportUnknown(root *jsonschema.Schema, path []string, e *Error) {
	if hint, ok := unsupportedOryKey(path); ok {
		e.add(path, "known Ory key, not supported by this version"+hint)
		return
	}
	msg := "unknown key"
	parent := expand(root).at(path[:len(path)-1])
	if s := suggest(path[len(path)-1], parent.propertyNames()); s != "" {
		msg += " (did you mean " + s + "?)"
	}
	e.add(path, msg)
}

// suggest returns the declared name closest to a typo, if it is close.
func suggest(typo string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := editDistance(strings.ToLower(typo), strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
