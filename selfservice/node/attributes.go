package node

import (
	"encoding/json"

	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// Input types.
const (
	InputText     = "text"
	InputPassword = "password"
	InputNumber   = "number"
	InputCheckbox = "checkbox"
	InputHidden   = "hidden"
	InputEmail    = "email"
	InputTel      = "tel"
	InputSubmit   = "submit"
	InputDate     = "date"
	InputDateTime = "datetime-local"
	InputURL      = "url"
)

// Autocomplete hints.
const (
	AutocompleteEmail           = "email"
	AutocompleteTel             = "tel"
	AutocompleteURL             = "url"
	AutocompleteUsername        = "username"
	AutocompleteCurrentPassword = "current-password"
	AutocompleteNewPassword     = "new-password"
)

// InputAttributes describe an <input>.
type InputAttributes struct {
	Name         string        `json:"name"`
	Type         string        `json:"type"`
	Value        any           `json:"value,omitempty"`
	Required     bool          `json:"required,omitempty"`
	Disabled     bool          `json:"disabled"`
	Pattern      string        `json:"pattern,omitempty"`
	MaxLength    int           `json:"maxlength,omitempty"`
	Autocomplete string        `json:"autocomplete,omitempty"`
	Label        *text.Message `json:"label,omitempty"`
}

// ID is the input's name.
func (a *InputAttributes) ID() string     { return a.Name }
func (a *InputAttributes) nodeType() Type { return TypeInput }

// MarshalJSON adds node_type.
func (a *InputAttributes) MarshalJSON() ([]byte, error) {
	type plain InputAttributes
	return json.Marshal(struct {
		*plain
		NodeType Type `json:"node_type"`
	}{(*plain)(a), TypeInput})
}

// TextAttributes describe a block of text (for example a secret to copy).
type TextAttributes struct {
	IDValue string        `json:"id"`
	Text    *text.Message `json:"text"`
}

// ID is the node id.
func (a *TextAttributes) ID() string     { return a.IDValue }
func (a *TextAttributes) nodeType() Type { return TypeText }

// MarshalJSON adds node_type.
func (a *TextAttributes) MarshalJSON() ([]byte, error) {
	type plain TextAttributes
	return json.Marshal(struct {
		*plain
		NodeType Type `json:"node_type"`
	}{(*plain)(a), TypeText})
}

// ImageAttributes describe an image (for example a QR code).
type ImageAttributes struct {
	IDValue string `json:"id"`
	Src     string `json:"src"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
}

// ID is the node id.
func (a *ImageAttributes) ID() string     { return a.IDValue }
func (a *ImageAttributes) nodeType() Type { return TypeImage }

// MarshalJSON adds node_type.
func (a *ImageAttributes) MarshalJSON() ([]byte, error) {
	type plain ImageAttributes
	return json.Marshal(struct {
		*plain
		NodeType Type `json:"node_type"`
	}{(*plain)(a), TypeImage})
}

// AnchorAttributes describe a link.
type AnchorAttributes struct {
	IDValue string        `json:"id"`
	Href    string        `json:"href"`
	Title   *text.Message `json:"title"`
}

// ID is the node id.
func (a *AnchorAttributes) ID() string     { return a.IDValue }
func (a *AnchorAttributes) nodeType() Type { return TypeA }

// MarshalJSON adds node_type.
func (a *AnchorAttributes) MarshalJSON() ([]byte, error) {
	type plain AnchorAttributes
	return json.Marshal(struct {
		*plain
		NodeType Type `json:"node_type"`
	}{(*plain)(a), TypeA})
}

// Interface guards
var (
	_ Attributes = (*InputAttributes)(nil)
	_ Attributes = (*TextAttributes)(nil)
	_ Attributes = (*ImageAttributes)(nil)
	_ Attributes = (*AnchorAttributes)(nil)
)
