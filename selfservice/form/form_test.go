package form

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/identity/identitytest"
	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/selfservice/node"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// The seed 000 schema renders as three required inputs, in schema order,
// labelled with the titles its author wrote.
func TestSeed000Nodes(t *testing.T) {
	fields, err := Fields(identitytest.Seed000Schema(t))
	if err != nil {
		t.Fatal(err)
	}
	ns := Nodes(fields, node.GroupPassword, map[string]any{"email": "jane@example.org"})
	var got []string
	for _, n := range ns {
		a := n.Input()
		got = append(got, strings.Join([]string{a.Name, a.Type, a.Autocomplete, n.Meta.Label.Text,
			map[bool]string{true: "required"}[a.Required], valueString(a.Value)}, "|"))
	}
	want := []string{
		"traits.email|email|email|E-Mail|required|jane@example.org",
		"traits.full_name|text||Full Name|required|",
		"traits.phone_number|tel|tel|Phone Number|required|",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("nodes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ns[0].Meta.Label.ID != text.InfoNodeLabelGenerated {
		t.Fatal("trait labels use 1070002")
	}
}

func valueString(v any) string {
	if v == nil {
		return ""
	}
	return v.(string)
}

func TestNestedRefsAndTypes(t *testing.T) {
	raw := `{"definitions":{"n":{"type":"object","properties":{"first":{"type":"string","title":"First"},"last":{"type":"string"}},"required":["last"]}},
	"properties":{"traits":{"type":"object","properties":{
		"username":{"type":"string","ory.sh/kratos":{"credentials":{"password":{"identifier":true}}}},
		"name":{"$ref":"#/definitions/n"},
		"age":{"type":"integer"},"newsletter":{"type":"boolean"},"tags":{"type":"array"}}}}}`
	fields, err := Fields(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range fields {
		paths = append(paths, f.Path)
	}
	if strings.Join(paths, ",") != "username,name.first,name.last,age,newsletter" {
		t.Fatalf("paths = %v", paths)
	}
	if !fields[0].Identifier || !fields[2].Required || fields[1].Required {
		t.Fatalf("fields = %+v", fields)
	}
	traits := ParseForm(fields, url.Values{"traits.username": {"jane"}, "traits.name.first": {""},
		"traits.name.last": {"Doe"}, "traits.age": {"42"}, "traits.newsletter": {"true"}, "method": {"password"}})
	b, _ := json.Marshal(traits)
	if string(b) != `{"age":42,"name":{"last":"Doe"},"newsletter":true,"username":"jane"}` {
		t.Fatalf("traits = %s", b)
	}
}

func TestViolations(t *testing.T) {
	reg := identitytest.Registry(t)
	s, _ := reg.Get("default")
	_, err := s.Validate(json.RawMessage(`{"email":"not-an-email","full_name":"J"}`))
	ve, ok := err.(*schema.ValidationError)
	if !ok {
		t.Fatalf("want a validation error, got %v", err)
	}
	byName := map[string]text.ID{}
	for _, fm := range Violations(ve) {
		byName[fm.Name] = fm.Message.ID
	}
	if byName["traits.email"] != text.ErrorValidationInvalidFormat || byName["traits.phone_number"] != text.ErrorValidationRequired {
		t.Fatalf("messages = %v", byName)
	}
}

// Schemas come from configuration; whatever they hold, reading their
// fields must not panic or loop.
func FuzzFields(f *testing.F) {
	f.Add(`{"properties":{"traits":{"type":"object","properties":{"a":{"type":"string"}}}}}`)
	f.Add(`{"definitions":{"x":{"$ref":"#/definitions/x"}},"properties":{"traits":{"$ref":"#/definitions/x"}}}`)
	f.Add(`{"properties":{"traits":{"properties":{"n":{"type":["null","integer"],"maxLength":3}}}}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		fields, err := Fields(json.RawMessage(raw))
		if err != nil {
			return
		}
		_ = Nodes(fields, node.GroupPassword, map[string]any{})
		_ = ParseForm(fields, url.Values{"traits.a": {"1"}})
	})
}
