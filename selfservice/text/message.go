package text

import "fmt"

// Type says how a UI should present a message.
type Type string

// The message types.
const (
	Info    Type = "info"
	Error   Type = "error"
	Success Type = "success"
)

// ID is a message id. Its first digit is the kind (1 info, 4 validation,
// 5 system), the next two the area.
type ID int

// Message is one user-facing text, as flows carry it in ui.messages,
// node messages and node labels.
type Message struct {
	ID      ID             `json:"id"`
	Text    string         `json:"text"`
	Type    Type           `json:"type"`
	Context map[string]any `json:"context,omitempty"`
}

func info(id ID, s string, ctx map[string]any) *Message {
	return &Message{ID: id, Text: s, Type: Info, Context: ctx}
}

func errorf(id ID, ctx map[string]any, format string, args ...any) *Message {
	return &Message{ID: id, Text: fmt.Sprintf(format, args...), Type: Error, Context: ctx}
}

// Messages is a list of messages.
type Messages []*Message

// HasErrors reports whether any message is an error.
func (ms Messages) HasErrors() bool {
	for _, m := range ms {
		if m.Type == Error {
			return true
		}
	}
	return false
}
