package config

import (
	"errors"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// subSchemas caches compiled schemas by reference.
var subSchemas sync.Map // ref → *jsonschema.Schema

// compileRef compiles one embedded schema location, such as
// "config/authenticators.json#/definitions/jwt".
func compileRef(ref string) (*jsonschema.Schema, error) {
	if s, ok := subSchemas.Load(ref); ok {
		return s.(*jsonschema.Schema), nil
	}
	s, err := compileEmbedded(ref)
	if err != nil {
		return nil, err
	}
	subSchemas.Store(ref, s)
	return s, nil
}

// CheckDocument validates doc (decoded JSON: maps, slices, json.Number,
// strings, booleans) against the embedded schema at ref and returns every
// problem, with paths relative to doc. Unknown keys are reported with the
// closest declared name. The proxy uses it for a rule's handler config
// merged over the global one, so a typo in a rule reads like a typo in the
// config file.
func CheckDocument(ref string, doc any) []Problem {
	s, err := compileRef(ref)
	if err != nil {
		return []Problem{{Message: err.Error()}}
	}
	err = s.Validate(doc)
	if err == nil {
		return nil
	}
	e := &Error{}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		e.add(nil, err.Error())
		return e.Problems
	}
	root := expand(s)
	for _, leaf := range leaves(ve) {
		path := splitPointer(leaf.InstanceLocation)
		if strings.HasSuffix(leaf.KeywordLocation, "/additionalProperties") {
			for _, key := range quoted.FindAllStringSubmatch(leaf.Message, -1) {
				msg := "unknown key"
				if sug := suggest(key[1], root.at(path).propertyNames()); sug != "" {
					msg += " (did you mean " + sug + "?)"
				}
				e.add(append(append([]string{}, path...), key[1]), msg)
			}
			continue
		}
		e.add(path, humanize(leaf.Message))
	}
	_ = e.orNil()
	return e.Problems
}

// FormatPath writes a key path the way a person types it: a.b[0].c.
func FormatPath(path []string) string { return formatPath(path) }
