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
