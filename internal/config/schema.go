package config

import (
	"bytes"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/cerberus-iam/cerberus/schemas"
)

// compiledSchema compiles the embedded configuration schema. It is not
// cached: a process loads its configuration once, and the compiled schema
// (about 1.5 MB) would otherwise stay on the heap for the process's life.
func compiledSchema() (*jsonschema.Schema, error) {
	return compileEmbedded(schemas.ConfigRoot)
}

// compileEmbedded compiles one location in the embedded schemas, such as
// "config.schema.json" or "config/authenticators.json#/definitions/jwt",
// with every embedded file available to its $refs.
func compileEmbedded(ref string) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AssertFormat = true
	err := fs.WalkDir(schemas.Config, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := fs.ReadFile(schemas.Config, path)
		if err != nil {
			return err
		}
		return c.AddResource(schemas.BaseURL+path, bytes.NewReader(data))
	})
	if err != nil {
		return nil, fmt.Errorf("loading embedded schemas: %w", err)
	}
	s, err := c.Compile(schemas.BaseURL + ref)
	if err != nil {
		return nil, fmt.Errorf("compiling embedded schema %s: %w", ref, err)
	}
	return s, nil
}

// node is a schema location seen through $ref, allOf, anyOf, oneOf and
// if/then/else: the union of everything that can apply to one value.
type node []*jsonschema.Schema

func expand(s *jsonschema.Schema) node {
	var out node
	seen := map[*jsonschema.Schema]bool{}
	var walk func(*jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, s)
		walk(s.Ref)
		for _, l := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf} {
			for _, x := range l {
				walk(x)
			}
		}
		walk(s.Then)
		walk(s.Else)
	}
	walk(s)
	return out
}

// property returns the node for a named child, or nil when no schema in n
// declares it (a map's free-form keys are not followed).
func (n node) property(name string) node {
	var out node
	for _, s := range n {
		if p, ok := s.Properties[name]; ok {
			out = append(out, expand(p)...)
		}
	}
	return out
}

// propertyNames lists every declared child name.
func (n node) propertyNames() []string {
	set := map[string]bool{}
	for _, s := range n {
		for k := range s.Properties {
			set[k] = true
		}
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// items returns the node for array elements.
func (n node) items() node {
	var out node
	for _, s := range n {
		switch it := s.Items.(type) {
		case *jsonschema.Schema:
			out = append(out, expand(it)...)
		case []*jsonschema.Schema:
			for _, x := range it {
				out = append(out, expand(x)...)
			}
		}
		if s.Items2020 != nil {
			out = append(out, expand(s.Items2020)...)
		}
	}
	return out
}

// types lists the JSON types the node allows, in declaration order.
func (n node) types() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range n {
		for _, t := range s.Types {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// at follows a path of object keys and array indexes from the root.
func (n node) at(path []string) node {
	cur := n
	for _, seg := range path {
		if isIndex(seg) {
			if it := cur.items(); len(it) > 0 {
				cur = it
				continue
			}
		}
		cur = cur.property(seg)
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
