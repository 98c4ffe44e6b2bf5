package text

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Validation errors (4000xxx) and flow errors (401xxxx–405xxxx).
const (
	ErrorValidationGeneric                 ID = 4000001
	ErrorValidationRequired                ID = 4000002
	ErrorValidationMinLength               ID = 4000003
	ErrorValidationInvalidFormat           ID = 4000004
	ErrorValidationPasswordPolicy          ID = 4000005
	ErrorValidationInvalidCredentials      ID = 4000006
	ErrorValidationDuplicateCredentials    ID = 4000007
	ErrorValidationAddressNotVerified      ID = 4000010
	ErrorValidationMaxLength               ID = 4000017
	ErrorValidationMinimum                 ID = 4000018
	ErrorValidationExclusiveMinimum        ID = 4000019
	ErrorValidationMaximum                 ID = 4000020
	ErrorValidationExclusiveMaximum        ID = 4000021
	ErrorValidationMultipleOf              ID = 4000022
	ErrorValidationMaxItems                ID = 4000023
	ErrorValidationMinItems                ID = 4000024
	ErrorValidationUniqueItems             ID = 4000025
	ErrorValidationWrongType               ID = 4000026
	ErrorValidationConst                   ID = 4000029
	ErrorValidationEnum                    ID = 4000030
	ErrorValidationPasswordIdentifierSim   ID = 4000031
	ErrorValidationPasswordMinLength       ID = 4000032
	ErrorValidationPasswordMaxLength       ID = 4000033
	ErrorValidationPasswordTooManyBreaches ID = 4000034

	ErrorLoginFlowExpired         ID = 4010001
	ErrorLoginRetrySuccess        ID = 4010007
	ErrorLoginThrottled           ID = 4010901
	ErrorRegistrationFlowExpired  ID = 4040001
	ErrorRegistrationRetrySuccess ID = 4040002
	ErrorSettingsFlowExpired      ID = 4050001

	ErrorSystemGeneric ID = 5000001
)

// NewValidationGeneric carries a free-form reason.
func NewValidationGeneric(reason string) *Message {
	return errorf(ErrorValidationGeneric, map[string]any{"reason": reason}, "%s", reason)
}

// NewValidationRequired says a required property is missing.
func NewValidationRequired(property string) *Message {
	return errorf(ErrorValidationRequired, map[string]any{"property": property}, "Property %s is missing.", property)
}

// NewValidationMinLength says a value is too short.
func NewValidationMinLength(min, actual int) *Message {
	return errorf(ErrorValidationMinLength, map[string]any{"min_length": min, "actual_length": actual},
		"length must be >= %d, but got %d", min, actual)
}

// NewValidationMaxLength says a value is too long.
func NewValidationMaxLength(max, actual int) *Message {
	return errorf(ErrorValidationMaxLength, map[string]any{"max_length": max, "actual_length": actual},
		"length must be <= %d, but got %d", max, actual)
}

// NewValidationInvalidFormat says a value does not match a format or pattern.
func NewValidationInvalidFormat(format, value string) *Message {
	return errorf(ErrorValidationInvalidFormat, map[string]any{"pattern": format},
		"%q is not valid %q", value, format)
}

// NewValidationWrongType says a value has the wrong JSON type.
func NewValidationWrongType(want, got string) *Message {
	return errorf(ErrorValidationWrongType, map[string]any{"allowed_types": []string{want}, "actual_type": got},
		"expected %s, but got %s", want, got)
}

// NewValidationEnum says a value is not one of the allowed ones.
func NewValidationEnum(allowed []any) *Message {
	parts := make([]string, len(allowed))
	for i, a := range allowed {
		parts[i] = fmt.Sprintf("%v", a)
	}
	return errorf(ErrorValidationEnum, map[string]any{"allowed_values": allowed},
		"value must be one of %s", strings.Join(parts, ", "))
}

// NewValidationNumber covers minimum/maximum and their exclusive forms.
func NewValidationNumber(id ID, limit, actual float64) *Message {
	op := map[ID]string{ErrorValidationMinimum: ">=", ErrorValidationExclusiveMinimum: ">",
		ErrorValidationMaximum: "<=", ErrorValidationExclusiveMaximum: "<"}[id]
	return errorf(id, map[string]any{"limit": limit, "actual": actual}, "must be %s %v but found %v", op, limit, actual)
}

// NewValidationPasswordPolicy says a password breaks the policy, and why.
func NewValidationPasswordPolicy(reason string) *Message {
	return errorf(ErrorValidationPasswordPolicy, map[string]any{"reason": reason},
		"The password can not be used because %s.", reason)
}

// NewValidationPasswordSimilar says the password is too close to the identifier.
func NewValidationPasswordSimilar() *Message {
	return errorf(ErrorValidationPasswordIdentifierSim, nil, "The password can not be used because it is too similar to the identifier.")
}

// NewValidationPasswordMinLength says the password is too short.
func NewValidationPasswordMinLength(min, actual int) *Message {
	return errorf(ErrorValidationPasswordMinLength, map[string]any{"min_length": min, "actual_length": actual},
		"The password must be at least %d characters long, but got %d.", min, actual)
}

// NewValidationPasswordMaxLength says the password is too long.
func NewValidationPasswordMaxLength(max, actual int) *Message {
	return errorf(ErrorValidationPasswordMaxLength, map[string]any{"max_length": max, "actual_length": actual},
		"The password must be at most %d characters long, but got %d.", max, actual)
}

// NewValidationPasswordBreached says the password is on a breach list.
func NewValidationPasswordBreached() *Message {
	return errorf(ErrorValidationPasswordTooManyBreaches, nil, "The password has been found in data breaches and must no longer be used.")
}

// NewValidationInvalidCredentials is the one answer for a wrong identifier
// or password: it never tells which.
func NewValidationInvalidCredentials() *Message {
	return errorf(ErrorValidationInvalidCredentials, nil,
		"The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number.")
}

// NewValidationDuplicateCredentials says the identifier is taken.
func NewValidationDuplicateCredentials() *Message {
	return errorf(ErrorValidationDuplicateCredentials, nil,
		"An account with the same identifier (email, phone, username, ...) exists already.")
}

// NewValidationAddressNotVerified is the require_verified_address answer.
func NewValidationAddressNotVerified() *Message {
	return errorf(ErrorValidationAddressNotVerified, nil, "Account not active yet. Did you forget to verify your email address?")
}

// NewLoginThrottled says sign-in is paused for this identifier or network.
func NewLoginThrottled(retryAfter time.Duration) *Message {
	secs := int(math.Ceil(retryAfter.Seconds()))
	return errorf(ErrorLoginThrottled, map[string]any{"retry_after_seconds": secs},
		"Too many failed sign-in attempts. Please wait %s before trying again.", humanSeconds(secs))
}

func humanSeconds(s int) string {
	switch {
	case s <= 1:
		return "a second"
	case s < 120:
		return fmt.Sprintf("%d seconds", s)
	default:
		return fmt.Sprintf("%d minutes", (s+59)/60)
	}
}

// NewFlowExpired says the flow expired and a new one was started.
func NewFlowExpired(id ID, ago time.Duration) *Message {
	return errorf(id, map[string]any{"expired_at_minutes_ago": ago.Minutes()},
		"The flow expired %.2f minutes ago, please try again.", ago.Minutes())
}

// NewRetrySuccess says the flow was already completed.
func NewRetrySuccess(id ID) *Message {
	return errorf(id, nil, "The request was already completed successfully and can not be retried.")
}

// NewSystemGeneric carries a system error reason.
func NewSystemGeneric(reason string) *Message {
	return errorf(ErrorSystemGeneric, map[string]any{"reason": reason}, "%s", reason)
}
