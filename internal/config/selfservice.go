package config

import "time"

// SelfService is Kratos's selfservice section.
type SelfService struct {
	// DefaultBrowserReturnURL is where a browser goes after a flow when
	// nothing more specific applies. Default: the built-in /welcome page.
	DefaultBrowserReturnURL string `json:"default_browser_return_url,omitempty"`
	// AllowedReturnURLs are the URLs return_to may point at ("*.host"
	// matches subdomains).
	AllowedReturnURLs []string           `json:"allowed_return_urls,omitempty"`
	Methods           SelfServiceMethods `json:"methods"`
	Flows             SelfServiceFlows   `json:"flows"`
}

// SelfServiceMethods are the strategies this version implements.
type SelfServiceMethods struct {
	Password PasswordMethod `json:"password"`
	Profile  ProfileMethod  `json:"profile"`
	Link     LinkMethod     `json:"link"`
	Code     CodeMethod     `json:"code"`
}

// PasswordMethod configures password login, registration and settings.
type PasswordMethod struct {
	Enabled *bool          `json:"enabled,omitempty"`
	Config  PasswordPolicy `json:"config"`
}

// IsEnabled reports whether the method is on (default true).
func (m PasswordMethod) IsEnabled() bool { return m.Enabled == nil || *m.Enabled }

// PasswordPolicy is the password method's config.
type PasswordPolicy struct {
	MinPasswordLength                int    `json:"min_password_length,omitempty"`
	IdentifierSimilarityCheckEnabled *bool  `json:"identifier_similarity_check_enabled,omitempty"`
	HaveIBeenPwnedEnabled            *bool  `json:"haveibeenpwned_enabled,omitempty"`
	HaveIBeenPwnedHost               string `json:"haveibeenpwned_host,omitempty"`
	MaxBreaches                      int    `json:"max_breaches,omitempty"`
	IgnoreNetworkErrors              *bool  `json:"ignore_network_errors,omitempty"`
}

// ProfileMethod configures editing traits in settings.
type ProfileMethod struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// IsEnabled reports whether the method is on (default true).
func (m ProfileMethod) IsEnabled() bool { return m.Enabled == nil || *m.Enabled }

// SelfServiceFlows configures each flow.
type SelfServiceFlows struct {
	Login        LoginFlow        `json:"login"`
	Registration RegistrationFlow `json:"registration"`
	Settings     SettingsFlow     `json:"settings"`
	Logout       LogoutFlow       `json:"logout"`
	Error        ErrorFlow        `json:"error"`
	Recovery     MailFlow         `json:"recovery"`
	Verification MailFlow         `json:"verification"`
}

// LoginFlow configures login.
type LoginFlow struct {
	UIURL    string        `json:"ui_url,omitempty"`
	Lifespan Duration      `json:"lifespan,omitempty"`
	Before   *BeforeHooks  `json:"before,omitempty"`
	After    AfterHooks    `json:"after"`
	Throttle LoginThrottle `json:"throttle"`
}

// RegistrationFlow configures registration.
type RegistrationFlow struct {
	Enabled  *bool        `json:"enabled,omitempty"`
	UIURL    string       `json:"ui_url,omitempty"`
	Lifespan Duration     `json:"lifespan,omitempty"`
	Before   *BeforeHooks `json:"before,omitempty"`
	After    AfterHooks   `json:"after"`
}

// IsEnabled reports whether people may sign up (default true).
func (f RegistrationFlow) IsEnabled() bool { return f.Enabled == nil || *f.Enabled }

// SettingsFlow configures settings.
type SettingsFlow struct {
	UIURL                   string       `json:"ui_url,omitempty"`
	Lifespan                Duration     `json:"lifespan,omitempty"`
	PrivilegedSessionMaxAge Duration     `json:"privileged_session_max_age,omitempty"`
	Before                  *BeforeHooks `json:"before,omitempty"`
	After                   AfterHooks   `json:"after"`
}

// LogoutFlow configures logout.
type LogoutFlow struct {
	After struct {
		DefaultBrowserReturnURL string `json:"default_browser_return_url,omitempty"`
	} `json:"after"`
}

// ErrorFlow configures the error page.
type ErrorFlow struct {
	UIURL string `json:"ui_url,omitempty"`
}

// BeforeHooks run when a flow is created.
type BeforeHooks struct {
	Hooks []Hook `json:"hooks,omitempty"`
}

// AfterHooks run after a flow succeeds: Hooks for every method, then the
// method's own list.
type AfterHooks struct {
	DefaultBrowserReturnURL string       `json:"default_browser_return_url,omitempty"`
	Hooks                   []Hook       `json:"hooks,omitempty"`
	Password                *MethodHooks `json:"password,omitempty"`
	Profile                 *MethodHooks `json:"profile,omitempty"`
}

// MethodHooks are a method's own after hooks and return URL.
type MethodHooks struct {
	DefaultBrowserReturnURL string `json:"default_browser_return_url,omitempty"`
	Hooks                   []Hook `json:"hooks,omitempty"`
}

// Hook is one hook: session, revoke_active_sessions,
// require_verified_address or web_hook.
type Hook struct {
	Hook   string         `json:"hook"`
	Config *WebHookConfig `json:"config,omitempty"`
}

// WebHookConfig is the web_hook hook's config.
type WebHookConfig struct {
	URL                string            `json:"url,omitempty"`
	Method             string            `json:"method,omitempty"`
	Headers            map[string]string `json:"headers,omitempty"`
	Body               string            `json:"body,omitempty"`
	CanInterrupt       bool              `json:"can_interrupt,omitempty"`
	EmitAnalyticsEvent bool              `json:"emit_analytics_event,omitempty"`
	Auth               *WebHookAuth      `json:"auth,omitempty"`
	Response           WebHookResponse   `json:"response"`
}

// WebHookAuth authenticates a web hook request.
type WebHookAuth struct {
	Type   string `json:"type"`
	Config struct {
		User     string `json:"user,omitempty"`
		Password string `json:"password,omitempty"`
		Name     string `json:"name,omitempty"`
		Value    string `json:"value,omitempty"`
		In       string `json:"in,omitempty"`
	} `json:"config"`
}

// WebHookResponse says what to do with a web hook's answer.
type WebHookResponse struct {
	Ignore bool `json:"ignore,omitempty"`
	Parse  bool `json:"parse,omitempty"`
}

// LoginThrottle pauses password sign-in after repeated failures.
type LoginThrottle struct {
	Enabled    *bool         `json:"enabled,omitempty"`
	Identifier ThrottleLimit `json:"identifier"`
	ClientIP   ThrottleLimit `json:"client_ip"`
}

// IsEnabled reports whether throttling is on (default true).
func (t LoginThrottle) IsEnabled() bool { return t.Enabled == nil || *t.Enabled }

// ThrottleLimit is one throttle dimension.
type ThrottleLimit struct {
	MaxFailures int      `json:"max_failures,omitempty"`
	Window      Duration `json:"window,omitempty"`
	Lockout     Duration `json:"lockout,omitempty"`
}

// Cookies is Kratos's cookies section.
type Cookies struct {
	Domain   string `json:"domain,omitempty"`
	Path     string `json:"path,omitempty"`
	SameSite string `json:"same_site,omitempty"`
}

// UI brands and switches the built-in pages.
type UI struct {
	Enabled      *bool  `json:"enabled,omitempty"`
	ProductName  string `json:"product_name,omitempty"`
	LogoURL      string `json:"logo_url,omitempty"`
	PrimaryColor string `json:"primary_color,omitempty"`
}

// IsEnabled reports whether the built-in pages are served (default true).
func (u UI) IsEnabled() bool { return u.Enabled == nil || *u.Enabled }

func (s *SelfService) applyDefaults() {
	p := &s.Methods.Password.Config
	if p.MinPasswordLength == 0 {
		p.MinPasswordLength = 8
	}
	if p.HaveIBeenPwnedHost == "" {
		p.HaveIBeenPwnedHost = "api.pwnedpasswords.com"
	}
	f := &s.Flows
	for _, l := range []*Duration{&f.Login.Lifespan, &f.Registration.Lifespan, &f.Settings.Lifespan,
		&f.Settings.PrivilegedSessionMaxAge} {
		if *l == 0 {
			*l = Duration(time.Hour)
		}
	}
	f.Recovery.applyDefaults()
	f.Verification.applyDefaults()
	s.Methods.applyMailDefaults()
	defaultLimit(&f.Login.Throttle.Identifier, 10, 15*time.Minute, 5*time.Minute)
	defaultLimit(&f.Login.Throttle.ClientIP, 100, 15*time.Minute, 15*time.Minute)
}

func defaultLimit(l *ThrottleLimit, max int, window, lockout time.Duration) {
	if l.MaxFailures == 0 {
		l.MaxFailures = max
	}
	if l.Window == 0 {
		l.Window = Duration(window)
	}
	if l.Lockout == 0 {
		l.Lockout = Duration(lockout)
	}
}

func (c *Cookies) applyDefaults() {
	if c.Path == "" {
		c.Path = "/"
	}
	if c.SameSite == "" {
		c.SameSite = "Lax"
	}
}

func (u *UI) applyDefaults() {
	if u.ProductName == "" {
		u.ProductName = "Cerberus"
	}
	if u.PrimaryColor == "" {
		u.PrimaryColor = "#4f46e5"
	}
}
