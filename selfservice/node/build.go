package node

import "github.com/cerberus-iam/cerberus/selfservice/text"

// NewInput returns an input node.
func NewInput(group Group, name, typ string, label *text.Message, opts ...func(*InputAttributes)) *Node {
	a := &InputAttributes{Name: name, Type: typ}
	for _, o := range opts {
		o(a)
	}
	return &Node{Type: TypeInput, Group: group, Attributes: a, Meta: Meta{Label: label}}
}

// Required marks an input required.
func Required(a *InputAttributes) { a.Required = true }

// WithValue sets an input's value.
func WithValue(v any) func(*InputAttributes) {
	return func(a *InputAttributes) { a.Value = v }
}

// WithAutocomplete sets an input's autocomplete hint.
func WithAutocomplete(s string) func(*InputAttributes) {
	return func(a *InputAttributes) { a.Autocomplete = s }
}

// NewCSRF returns the hidden csrf_token input of a browser flow.
func NewCSRF(token string) *Node {
	return NewInput(GroupDefault, "csrf_token", InputHidden, nil, Required, WithValue(token))
}

// NewSubmit returns the method=<method> submit button of a group.
func NewSubmit(group Group, method string, label *text.Message) *Node {
	return NewInput(group, "method", InputSubmit, label, WithValue(method))
}
