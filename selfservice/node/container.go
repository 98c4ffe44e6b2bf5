package node

import (
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// Container is a flow's form: where it posts, its nodes and its
// form-level messages.
type Container struct {
	Action   string        `json:"action"`
	Method   string        `json:"method"`
	Nodes    Nodes         `json:"nodes"`
	Messages text.Messages `json:"messages,omitempty"`
}

// NewContainer returns an empty POST form for action.
func NewContainer(action string) *Container {
	return &Container{Action: action, Method: "POST", Nodes: Nodes{}}
}

// Nodes is an ordered list of nodes.
type Nodes []*Node

// Find returns the node with the name or id (in group, when group is not
// empty), or nil.
func (ns Nodes) Find(group Group, id string) *Node {
	for _, n := range ns {
		if n.ID() == id && (group == "" || n.Group == group) {
			return n
		}
	}
	return nil
}

// Upsert replaces the node with n's group and id, or appends n.
func (c *Container) Upsert(n *Node) {
	for i, x := range c.Nodes {
		if x.ID() == n.ID() && x.Group == n.Group {
			c.Nodes[i] = n
			return
		}
	}
	c.Nodes = append(c.Nodes, n)
}

// Remove drops every node with one of the ids.
func (c *Container) Remove(ids ...string) {
	out := c.Nodes[:0]
	for _, n := range c.Nodes {
		keep := true
		for _, id := range ids {
			if n.ID() == id {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, n)
		}
	}
	c.Nodes = out
}

// SetValue sets the value of every input named name.
func (c *Container) SetValue(name string, v any) {
	for _, n := range c.Nodes {
		if in := n.Input(); in != nil && in.Name == name {
			in.Value = v
		}
	}
}

// ResetMessages clears form and node messages before a new submission's
// results are added.
func (c *Container) ResetMessages() {
	c.Messages = nil
	for _, n := range c.Nodes {
		n.Messages = nil
	}
}

// AddMessage adds a form-level message.
func (c *Container) AddMessage(m *text.Message) { c.Messages = append(c.Messages, m) }

// AddFieldMessage attaches m to the input named name, or to the form when
// no such input exists (a web hook may name a field the form lacks).
func (c *Container) AddFieldMessage(name string, m *text.Message) {
	for _, n := range c.Nodes {
		if in := n.Input(); in != nil && in.Name == name {
			n.Messages = append(n.Messages, m)
			return
		}
	}
	c.AddMessage(m)
}

// HasErrors reports whether the form or any node carries an error.
func (c *Container) HasErrors() bool {
	if c.Messages.HasErrors() {
		return true
	}
	for _, n := range c.Nodes {
		if n.Messages.HasErrors() {
			return true
		}
	}
	return false
}
