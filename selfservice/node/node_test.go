package node

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/selfservice/text"
)

func TestRoundTrip(t *testing.T) {
	c := NewContainer("https://auth.example.com/self-service/login?flow=1")
	c.Upsert(NewCSRF("tok"))
	c.Upsert(NewInput(GroupDefault, "identifier", InputText, text.NewInfoNodeLabelID(), Required))
	c.Upsert(NewInput(GroupPassword, "password", InputPassword, text.NewInfoNodeLabelPassword(), Required,
		WithAutocomplete(AutocompleteCurrentPassword)))
	c.Upsert(NewSubmit(GroupPassword, "password", text.NewInfoLoginPassword()))
	c.Upsert(&Node{Type: TypeText, Group: GroupDefault, Attributes: &TextAttributes{IDValue: "t", Text: text.NewInfoLogin()}})
	c.Upsert(&Node{Type: TypeA, Group: GroupDefault, Attributes: &AnchorAttributes{IDValue: "a", Href: "/x", Title: text.NewInfoLogin()}})
	c.Upsert(&Node{Type: TypeImage, Group: GroupDefault, Attributes: &ImageAttributes{IDValue: "i", Src: "data:", Width: 1, Height: 1}})
	c.AddFieldMessage("password", text.NewValidationInvalidCredentials())

	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"node_type":"input"`, `"node_type":"text"`, `"node_type":"a"`, `"node_type":"img"`,
		`"autocomplete":"current-password"`, `"id":1070004`, `"id":4000006`, `"messages":[]`, `"disabled":false`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s: %s", want, s)
		}
	}
	var back Container
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&back)
	if string(b2) != s {
		t.Fatalf("round trip changed the form:\n%s\n%s", s, b2)
	}
	if back.Nodes.Find(GroupPassword, "password").Messages[0].ID != text.ErrorValidationInvalidCredentials {
		t.Fatal("field message lost")
	}
	if !back.HasErrors() {
		t.Fatal("HasErrors")
	}
	back.ResetMessages()
	if back.HasErrors() {
		t.Fatal("ResetMessages")
	}
}

func TestUnknownNodeType(t *testing.T) {
	var n Node
	if err := json.Unmarshal([]byte(`{"type":"script","attributes":{}}`), &n); err == nil {
		t.Fatal("unknown node types must be refused")
	}
}
