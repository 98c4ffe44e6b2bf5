package courier

import (
	"time"

	"github.com/google/uuid"
)

// Status is where a message is in its life.
type Status string

// Message states, Kratos's names.
const (
	StatusQueued     Status = "queued"
	StatusProcessing Status = "processing"
	StatusSent       Status = "sent"
	StatusAbandoned  Status = "abandoned"
)

// ParseStatus validates a status filter.
func ParseStatus(s string) (Status, bool) {
	switch st := Status(s); st {
	case StatusQueued, StatusProcessing, StatusSent, StatusAbandoned:
		return st, true
	}
	return "", false
}

// Content is what a message says, rendered when it was queued.
type Content struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
}

// Message is one queued e-mail.
type Message struct {
	ID           uuid.UUID
	Status       Status
	Recipient    string
	TemplateType TemplateType
	Content      Content
	// SendCount is how many delivery attempts have started.
	SendCount     int
	NextAttemptAt time.Time
	Dispatches    []Dispatch
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// openErr is set on a claimed message whose content could not be
	// unsealed (its secret was removed from secrets.system).
	openErr error
}

// DispatchStatus is the outcome of one delivery attempt.
type DispatchStatus string

// Dispatch outcomes.
const (
	DispatchFailed  DispatchStatus = "failed"
	DispatchSuccess DispatchStatus = "success"
)

// Dispatch is one delivery attempt.
type Dispatch struct {
	ID        uuid.UUID      `json:"id"`
	MessageID uuid.UUID      `json:"message_id"`
	Status    DispatchStatus `json:"status"`
	// Error says why the attempt failed ({"message": "..."}), nil on
	// success.
	Error     map[string]any `json:"error,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// messageJSON is Kratos's message shape.
type messageJSON struct {
	ID           uuid.UUID    `json:"id"`
	Type         string       `json:"type"`
	Status       Status       `json:"status"`
	Recipient    string       `json:"recipient"`
	Subject      string       `json:"subject"`
	Body         string       `json:"body"`
	Channel      string       `json:"channel"`
	TemplateType TemplateType `json:"template_type"`
	SendCount    int          `json:"send_count"`
	Dispatches   []Dispatch   `json:"dispatches,omitempty"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
}

// JSON returns the message as the admin API shows it: the plain-text body
// in body, as Kratos does.
func (m *Message) JSON() any {
	return messageJSON{ID: m.ID, Type: "email", Status: m.Status, Recipient: m.Recipient, Subject: m.Content.Subject,
		Body: m.Content.Text, Channel: "email", TemplateType: m.TemplateType, SendCount: m.SendCount,
		Dispatches: m.Dispatches, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}
