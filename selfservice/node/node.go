package node

import (
	"encoding/json"
	"fmt"

	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// Type is a node's type, the same as its attributes' node_type.
type Type string

// The node types.
const (
	TypeInput Type = "input"
	TypeText  Type = "text"
	TypeImage Type = "img"
	TypeA     Type = "a"
)

// Group says which method a node belongs to.
type Group string

// The node groups Cerberus renders.
const (
	GroupDefault  Group = "default"
	GroupPassword Group = "password"
	GroupProfile  Group = "profile"
	// GroupCode and GroupLink are the recovery and verification methods.
	GroupCode Group = "code"
	GroupLink Group = "link"
)

// Node is one form element.
type Node struct {
	Type       Type          `json:"type"`
	Group      Group         `json:"group"`
	Attributes Attributes    `json:"attributes"`
	Messages   text.Messages `json:"messages"`
	Meta       Meta          `json:"meta"`
}

// Meta carries presentation hints.
type Meta struct {
	Label *text.Message `json:"label,omitempty"`
}

// Attributes are a node's type-specific attributes.
type Attributes interface {
	// ID is the input name, or the id of a non-input node.
	ID() string
	nodeType() Type
}

// UnmarshalJSON decodes the attributes by their node_type.
func (n *Node) UnmarshalJSON(b []byte) error {
	var raw struct {
		Type       Type            `json:"type"`
		Group      Group           `json:"group"`
		Attributes json.RawMessage `json:"attributes"`
		Messages   text.Messages   `json:"messages"`
		Meta       Meta            `json:"meta"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var a Attributes
	switch raw.Type {
	case TypeInput:
		a = &InputAttributes{}
	case TypeText:
		a = &TextAttributes{}
	case TypeImage:
		a = &ImageAttributes{}
	case TypeA:
		a = &AnchorAttributes{}
	default:
		return fmt.Errorf("node: unknown node type %q", raw.Type)
	}
	if err := json.Unmarshal(raw.Attributes, a); err != nil {
		return err
	}
	*n = Node{Type: raw.Type, Group: raw.Group, Attributes: a, Messages: raw.Messages, Meta: raw.Meta}
	return nil
}

// MarshalJSON writes messages as [] rather than null, as Kratos does.
func (n Node) MarshalJSON() ([]byte, error) {
	type plain Node
	if n.Messages == nil {
		n.Messages = text.Messages{}
	}
	return json.Marshal(plain(n))
}

// Input returns the input attributes, or nil for other node types.
func (n *Node) Input() *InputAttributes {
	a, _ := n.Attributes.(*InputAttributes)
	return a
}

// ID is the name or id of the node.
func (n *Node) ID() string { return n.Attributes.ID() }
