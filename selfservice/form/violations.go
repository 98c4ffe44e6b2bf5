package form

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// FieldMessage is a message for one form field.
type FieldMessage struct {
	// Name is the form field ("traits.email"); empty for the form itself.
	Name    string
	Message *text.Message
}

// Violations turns a schema validation error into field messages.
func Violations(ve *schema.ValidationError) []FieldMessage {
	out := make([]FieldMessage, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		name := strings.ReplaceAll(strings.TrimPrefix(v.Pointer, "/"), "/", ".")
		if name == "traits" {
			name = ""
		}
		out = append(out, FieldMessage{Name: name, Message: message(v)})
	}
	return out
}

var numbers = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?`)

func message(v schema.Violation) *text.Message {
	nums := numbers.FindAllString(v.Message, -1)
	num := func(i int) int {
		if i < len(nums) {
			n, _ := strconv.Atoi(nums[i])
			return n
		}
		return 0
	}
	switch v.Keyword {
	case "required":
		prop := v.Property
		if prop == "" {
			prop = v.Pointer[strings.LastIndexByte(v.Pointer, '/')+1:]
		}
		return text.NewValidationRequired(prop)
	case "minLength":
		return text.NewValidationMinLength(num(0), num(1))
	case "maxLength":
		return text.NewValidationMaxLength(num(0), num(1))
	case "format", "pattern":
		m := text.NewValidationGeneric(v.Message)
		m.ID = text.ErrorValidationInvalidFormat
		return m
	case "type":
		m := text.NewValidationGeneric(v.Message)
		m.ID = text.ErrorValidationWrongType
		return m
	case "enum":
		m := text.NewValidationGeneric(v.Message)
		m.ID = text.ErrorValidationEnum
		return m
	}
	return text.NewValidationGeneric(v.Message)
}
