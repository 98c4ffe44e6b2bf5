package oauth2

import (
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/config"
)

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*config.OAuth2)
		want string
	}{
		{"ok", func(o *config.OAuth2) {
			o.URLs.Self.Issuer = "https://auth.example.com/"
			o.URLs.Login = "https://login.example.com/l"
		}, ""},
		{"issuer with a query", func(o *config.OAuth2) { o.URLs.Self.Issuer = "https://auth.example.com/?x=1" }, "oauth2.urls.self.issuer"},
		{"issuer not http", func(o *config.OAuth2) { o.URLs.Self.Issuer = "ftp://auth.example.com/" }, "oauth2.urls.self.issuer"},
		{"relative login URL", func(o *config.OAuth2) { o.URLs.Login = "/login" }, "oauth2.urls.login"},
		{"javascript consent URL", func(o *config.OAuth2) { o.URLs.Consent = "javascript:alert(1)" }, "oauth2.urls.consent"},
	} {
		cfg := &config.Config{}
		cfg.Serve.Public.BaseURL = "http://127.0.0.1:4433/"
		c.set(&cfg.OAuth2)
		err := Validate(cfg)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// With the built-in UI off, a login, consent or logout URL left unset
// points at a page nobody serves: the configuration is refused, naming
// every missing key.
func TestValidatePagesWithoutTheBuiltinUI(t *testing.T) {
	off := false
	for _, c := range []struct {
		name    string
		set     func(*config.Config)
		want    []string
		without []string
	}{
		{"built-in UI on: nothing needed", func(cfg *config.Config) { cfg.UI.Enabled = nil }, nil, nil},
		{"nothing set", func(*config.Config) {}, []string{"ui.enabled", "oauth2.urls.login", "oauth2.urls.consent", "oauth2.urls.logout"}, nil},
		{"only the consent app missing", func(cfg *config.Config) {
			cfg.OAuth2.URLs.Login = "https://login.example.com/login"
			cfg.OAuth2.URLs.Logout = "https://login.example.com/logout"
		}, []string{"oauth2.urls.consent"}, []string{"oauth2.urls.login", "oauth2.urls.logout"}},
		{"a custom self-service login UI serves logins", func(cfg *config.Config) {
			cfg.SelfService.Flows.Login.UIURL = "https://accounts.example.com/login"
		}, []string{"oauth2.urls.consent", "oauth2.urls.logout"}, []string{"oauth2.urls.login"}},
		{"every page elsewhere", func(cfg *config.Config) {
			cfg.OAuth2.URLs.Login = "https://login.example.com/login"
			cfg.OAuth2.URLs.Consent = "https://login.example.com/consent"
			cfg.OAuth2.URLs.Logout = "https://login.example.com/logout"
		}, nil, nil},
	} {
		cfg := &config.Config{}
		cfg.Serve.Public.BaseURL = "http://127.0.0.1:4433/"
		cfg.UI.Enabled = &off
		c.set(cfg)
		err := Validate(cfg)
		if (len(c.want) == 0) != (err == nil) {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, key := range c.want {
			if !strings.Contains(err.Error(), key) {
				t.Errorf("%s: the error does not name %s: %v", c.name, key, err)
			}
		}
		for _, key := range c.without {
			if strings.Contains(err.Error(), key+" ") || strings.Contains(err.Error(), key+",") {
				t.Errorf("%s: the error names %s, which is set: %v", c.name, key, err)
			}
		}
	}
}
