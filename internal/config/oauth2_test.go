package config

import (
	"strings"
	"testing"
	"time"
)

// TestSeed000HydraConfigPastesUnderOAuth2: the Hydra values of seed 000
// ("Guardians of hell"), one level down under oauth2, load as they are.
func TestSeed000HydraConfigPastesUnderOAuth2(t *testing.T) {
	c, err := loadString(t, `
secrets:
  system: ["YU03TmVqdzdjNUc4WVhtVTVtQ0RJb1FodXdhc1JsVW8="]
oauth2:
  urls:
    self:
      issuer: https://hydra.enkinineveh.space/
    login: https://kratos.enkinineveh.space/login
    registration: https://kratos.enkinineveh.space/registration
    consent: https://kratos.enkinineveh.space/consent
    logout: https://kratos.enkinineveh.space/logout
    identity_provider:
      url: https://kratos.enkinineveh.space/app
  strategies:
    access_token: jwt
    jwt:
      scope_claim: list
`)
	if err != nil {
		t.Fatal(err)
	}
	o := c.OAuth2
	if o.Issuer(&c.Serve) != "https://hydra.enkinineveh.space/" || o.Strategies.AccessToken != "jwt" || o.Strategies.JWT.ScopeClaim != "list" {
		t.Fatalf("resolved: %+v", o)
	}
	if o.TTL.AccessToken.D() != time.Hour || o.TTL.RefreshToken.D() != 720*time.Hour || o.Keys.Algorithm != "RS256" || o.Keys.RSABits != 2048 {
		t.Fatalf("defaults: %+v %+v", o.TTL, o.Keys)
	}
}

func TestOAuth2KeysRefusedWithReasons(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"urls:\n  self:\n    issuer: https://x/\n", "urls: known Ory key, not supported by this version here: Hydra's keys go one level down, under oauth2 (oauth2.urls)"},
		{"oauth2:\n  oauth2:\n    pkce:\n      enforced: true\n", "oauth2.oauth2: known Ory key, not supported by this version here: the keys of Hydra's own oauth2 section go directly under oauth2"},
		{"oauth2:\n  grant:\n    refresh_token:\n      rotation_grace_period: 10s\n", "oauth2.grant: known Ory key, not supported by this version"},
		{"oauth2:\n  oidc:\n    dynamic_client_registration:\n      enabled: true\n", "oauth2.oidc.dynamic_client_registration: known Ory key, not supported"},
		{"oauth2:\n  strategies:\n    acces_token: jwt\n", "oauth2.strategies.acces_token: unknown key (did you mean access_token?)"},
		{"oauth2:\n  session:\n    encrypt_at_rest: false\n", "oauth2.session.encrypt_at_rest"},
		{"oauth2:\n  keys:\n    algorithm: HS256\n", "oauth2.keys.algorithm"},
	} {
		_, err := loadString(t, c.body)
		if err == nil || !strings.Contains(strings.Join(problems(t, err), "\n"), c.want) {
			t.Errorf("%q: got %v, want %q", c.body, err, c.want)
		}
	}
}
