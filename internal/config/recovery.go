package config

import "time"

// LinkMethod configures the link method of recovery and verification: a
// signed, single-use URL sent by e-mail.
type LinkMethod struct {
	// Enabled (default false, as in Kratos).
	Enabled *bool `json:"enabled,omitempty"`
	Config  struct {
		// BaseURL is the public URL links start with (default
		// serve.public.base_url).
		BaseURL string `json:"base_url,omitempty"`
		// Lifespan of a link (default 1h).
		Lifespan Duration `json:"lifespan,omitempty"`
	} `json:"config"`
}

// IsEnabled reports whether links may be used (default false).
func (m LinkMethod) IsEnabled() bool { return m.Enabled != nil && *m.Enabled }

// CodeMethod configures the code method of recovery and verification: a
// six-digit, single-use code sent by e-mail.
type CodeMethod struct {
	// Enabled (default true, as in Kratos).
	Enabled *bool `json:"enabled,omitempty"`
	// PasswordlessEnabled and MFAEnabled are Kratos's sign-in by code,
	// which this version does not implement: only false is accepted.
	PasswordlessEnabled bool `json:"passwordless_enabled,omitempty"`
	MFAEnabled          bool `json:"mfa_enabled,omitempty"`
	Config              struct {
		// Lifespan of a code (default 1h).
		Lifespan Duration `json:"lifespan,omitempty"`
		// MaxAttempts is how many wrong codes a flow takes before it is
		// dead (Cerberus; default 5).
		MaxAttempts int `json:"max_attempts,omitempty"`
	} `json:"config"`
}

// IsEnabled reports whether codes may be used (default true).
func (m CodeMethod) IsEnabled() bool { return m.Enabled == nil || *m.Enabled }

// MailFlow configures recovery or verification.
type MailFlow struct {
	// Enabled (default false, as in Kratos).
	Enabled  *bool    `json:"enabled,omitempty"`
	UIURL    string   `json:"ui_url,omitempty"`
	Lifespan Duration `json:"lifespan,omitempty"`
	// Use is the method offered: code (default) or link.
	Use string `json:"use,omitempty"`
	// NotifyUnknownRecipients sends an "invalid" mail to an address no
	// account has (default false): the person learns why nothing came,
	// the requester learns nothing.
	NotifyUnknownRecipients bool         `json:"notify_unknown_recipients,omitempty"`
	Before                  *BeforeHooks `json:"before,omitempty"`
	After                   MethodHooks  `json:"after"`
}

// IsEnabled reports whether the flow is on (default false).
func (f MailFlow) IsEnabled() bool { return f.Enabled != nil && *f.Enabled }

func (f *MailFlow) applyDefaults() {
	if f.Lifespan == 0 {
		f.Lifespan = Duration(time.Hour)
	}
	if f.Use == "" {
		f.Use = "code"
	}
}

func (m *SelfServiceMethods) applyMailDefaults() {
	if m.Link.Config.Lifespan == 0 {
		m.Link.Config.Lifespan = Duration(time.Hour)
	}
	if m.Code.Config.Lifespan == 0 {
		m.Code.Config.Lifespan = Duration(time.Hour)
	}
	if m.Code.Config.MaxAttempts == 0 {
		m.Code.Config.MaxAttempts = 5
	}
}
