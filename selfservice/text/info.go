package text

// Login (1010xxx).
const (
	InfoLogin                   ID = 1010001
	InfoLoginReAuth             ID = 1010003
	InfoLoginContinue           ID = 1010013
	InfoLoginPassword           ID = 1010022
	InfoRegistration            ID = 1040001
	InfoRegistrationContinue    ID = 1040003
	InfoSettingsSaved           ID = 1050001
	InfoNodeLabelPassword       ID = 1070001
	InfoNodeLabelGenerated      ID = 1070002
	InfoNodeLabelSave           ID = 1070003
	InfoNodeLabelID             ID = 1070004
	InfoNodeLabelSubmit         ID = 1070005
	InfoNodeLabelEmail          ID = 1070007
	InfoNodeLabelContinue       ID = 1070009
	InfoSelfServiceLogoutFailed ID = 1020001
)

// NewInfoLogin is the "Sign in" button label.
func NewInfoLogin() *Message { return info(InfoLogin, "Sign in", nil) }

// NewInfoLoginReAuth asks a signed-in person to confirm who they are.
func NewInfoLoginReAuth() *Message {
	return info(InfoLoginReAuth, "Please confirm this action by verifying that it is you.", nil)
}

// NewInfoLoginPassword labels the password sign-in button.
func NewInfoLoginPassword() *Message { return info(InfoLoginPassword, "Sign in with password", nil) }

// NewInfoRegistration labels the sign-up button.
func NewInfoRegistration() *Message { return info(InfoRegistration, "Sign up", nil) }

// NewInfoSettingsSaved tells that a settings change went through.
func NewInfoSettingsSaved() *Message {
	m := info(InfoSettingsSaved, "Your changes have been saved!", nil)
	m.Type = Success
	return m
}

// NewInfoNodeLabelPassword labels a password field.
func NewInfoNodeLabelPassword() *Message { return info(InfoNodeLabelPassword, "Password", nil) }

// NewInfoNodeLabelGenerated labels a field with the title from the schema.
func NewInfoNodeLabelGenerated(title string) *Message {
	return info(InfoNodeLabelGenerated, title, map[string]any{"title": title})
}

// NewInfoNodeLabelSave labels a save button.
func NewInfoNodeLabelSave() *Message { return info(InfoNodeLabelSave, "Save", nil) }

// NewInfoNodeLabelID labels the login identifier field.
func NewInfoNodeLabelID() *Message { return info(InfoNodeLabelID, "ID", nil) }

// NewInfoNodeLabelSubmit labels a generic submit button.
func NewInfoNodeLabelSubmit() *Message { return info(InfoNodeLabelSubmit, "Submit", nil) }

// NewInfoNodeLabelEmail labels an e-mail field.
func NewInfoNodeLabelEmail() *Message { return info(InfoNodeLabelEmail, "Email", nil) }
