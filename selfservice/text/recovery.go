package text

import "fmt"

// Recovery (106xxxx, 406xxxx) and verification (107xxxx/108xxxx,
// 407xxxx).
const (
	InfoRecoverySuccessful        ID = 1060001
	InfoRecoveryEmailSent         ID = 1060002
	InfoRecoveryCodeSent          ID = 1060003
	InfoNodeLabelVerifyCode       ID = 1070006
	InfoNodeLabelResendCode       ID = 1070008
	InfoNodeLabelRecoveryCode     ID = 1070010
	InfoNodeLabelVerificationCode ID = 1070011
	InfoVerificationEmailSent     ID = 1080001
	InfoVerificationSuccess       ID = 1080002
	InfoVerificationCodeSent      ID = 1080003

	ErrorRecoveryNoStrategy       ID = 4010005
	ErrorVerificationNoStrategy   ID = 4010006
	ErrorRecoveryRetrySuccess     ID = 4060001
	ErrorRecoveryTokenInvalid     ID = 4060004
	ErrorRecoveryFlowExpired      ID = 4060005
	ErrorRecoveryCodeInvalid      ID = 4060006
	ErrorVerificationTokenInvalid ID = 4070001
	ErrorVerificationRetrySuccess ID = 4070002
	ErrorVerificationFlowExpired  ID = 4070005
	ErrorVerificationCodeInvalid  ID = 4070006

	// Cerberus additions (x09xx).
	ErrorRecoveryTooManyAttempts     ID = 4060901
	ErrorRecoveryAddressGone         ID = 4060902
	ErrorVerificationTooManyAttempts ID = 4070901
	ErrorVerificationAddressGone     ID = 4070902
)

// NewRecoverySuccessful tells a recovered person to set a new password
// within the privileged window.
func NewRecoverySuccessful(privilegedMinutes int) *Message {
	m := info(InfoRecoverySuccessful, fmt.Sprintf("You successfully recovered your account. Please change your password or set up an alternative login method (e.g. social sign in) within the next %d minutes.", privilegedMinutes),
		map[string]any{"privileged_session_expires_at_unix": nil, "privileged_session_expires_in_minutes": privilegedMinutes})
	m.Type = Success
	return m
}

// NewRecoveryEmailSent says a recovery link went out (or would have, had
// the address been known: the text does not tell).
func NewRecoveryEmailSent() *Message {
	return info(InfoRecoveryEmailSent, "An email containing a recovery link has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.", nil)
}

// NewRecoveryCodeSent says a recovery code went out.
func NewRecoveryCodeSent() *Message {
	return info(InfoRecoveryCodeSent, "An email containing a recovery code has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.", nil)
}

// NewVerificationEmailSent says a verification link went out.
func NewVerificationEmailSent() *Message {
	return info(InfoVerificationEmailSent, "An email containing a verification link has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.", nil)
}

// NewVerificationCodeSent says a verification code went out.
func NewVerificationCodeSent() *Message {
	return info(InfoVerificationCodeSent, "An email containing a verification code has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.", nil)
}

// NewVerificationSuccess says the address is verified.
func NewVerificationSuccess() *Message {
	m := info(InfoVerificationSuccess, "You successfully verified your email address.", nil)
	m.Type = Success
	return m
}

// NewInfoNodeLabelRecoveryCode labels the recovery code field.
func NewInfoNodeLabelRecoveryCode() *Message {
	return info(InfoNodeLabelRecoveryCode, "Recovery code", nil)
}

// NewInfoNodeLabelVerificationCode labels the verification code field.
func NewInfoNodeLabelVerificationCode() *Message {
	return info(InfoNodeLabelVerificationCode, "Verification code", nil)
}

// NewInfoNodeLabelResendCode labels the resend button.
func NewInfoNodeLabelResendCode() *Message { return info(InfoNodeLabelResendCode, "Resend code", nil) }

// NewInfoNodeLabelContinue labels a continue button or link.
func NewInfoNodeLabelContinue() *Message { return info(InfoNodeLabelContinue, "Continue", nil) }

// NewRecoveryTokenInvalid: the link is wrong, expired, used or for
// another flow.
func NewRecoveryTokenInvalid() *Message {
	return errorf(ErrorRecoveryTokenInvalid, nil, "The recovery token is invalid or has already been used. Please retry the flow.")
}

// NewRecoveryCodeInvalid: the code is wrong, expired or used.
func NewRecoveryCodeInvalid() *Message {
	return errorf(ErrorRecoveryCodeInvalid, nil, "The recovery code is invalid or has already been used. Please try again.")
}

// NewVerificationTokenInvalid: the link is wrong, expired, used or for
// another flow.
func NewVerificationTokenInvalid() *Message {
	return errorf(ErrorVerificationTokenInvalid, nil, "The verification token is invalid or has already been used. Please retry the flow.")
}

// NewVerificationCodeInvalid: the code is wrong, expired or used.
func NewVerificationCodeInvalid() *Message {
	return errorf(ErrorVerificationCodeInvalid, nil, "The verification code is invalid or has already been used. Please try again.")
}

// NewTooManyCodeAttempts: the flow took too many wrong codes.
func NewTooManyCodeAttempts(id ID) *Message {
	return errorf(id, nil, "Too many wrong codes were entered: this flow can no longer be used. Please start again to get a new code.")
}

// NewAddressGone: the address a code or link went to is no longer on the
// account.
func NewAddressGone(id ID, address string) *Message {
	return errorf(id, map[string]any{"address": address},
		"The address %s is no longer part of this account. Please start again with its current address.", address)
}
