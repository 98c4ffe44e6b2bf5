package form

import (
	"strings"

	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// Nodes returns one input node per field in group, carrying the values
// found in traits (a decoded traits object).
func Nodes(fields []Field, group node.Group, traits map[string]any) node.Nodes {
	out := make(node.Nodes, 0, len(fields))
	for _, f := range fields {
		a := &node.InputAttributes{Name: f.Name(), Type: inputType(f), Required: f.Required, Pattern: f.Pattern,
			MaxLength: max(f.MaxLength, 0), Autocomplete: autocomplete(f)}
		if v, ok := Lookup(traits, f.Path); ok {
			a.Value = v
		}
		title := f.Title
		if title == "" {
			title = f.Path[strings.LastIndexByte(f.Path, '.')+1:]
		}
		out = append(out, &node.Node{Type: node.TypeInput, Group: group, Attributes: a,
			Meta: node.Meta{Label: text.NewInfoNodeLabelGenerated(title)}})
	}
	return out
}

func inputType(f Field) string {
	switch f.Type {
	case "number", "integer":
		return node.InputNumber
	case "boolean":
		return node.InputCheckbox
	}
	switch f.Format {
	case "email":
		return node.InputEmail
	case "tel":
		return node.InputTel
	case "date":
		return node.InputDate
	case "date-time":
		return node.InputDateTime
	case "uri", "url":
		return node.InputURL
	}
	return node.InputText
}

func autocomplete(f Field) string {
	switch f.Format {
	case "email":
		return node.AutocompleteEmail
	case "tel":
		return node.AutocompleteTel
	case "uri", "url":
		return node.AutocompleteURL
	}
	if f.Identifier {
		return node.AutocompleteUsername
	}
	return ""
}

// Lookup finds a dotted path in a traits object.
func Lookup(traits map[string]any, path string) (any, bool) {
	var cur any = traits
	for _, seg := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return cur, true
}
