package client

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ory/fosite"
)

// Duration is a lifespan in Hydra's JSON form: a Go duration string
// ("1h0m0s") or null for "use the global setting".
type Duration struct {
	D     time.Duration
	Valid bool
}

// MarshalJSON writes the duration string or null.
func (d Duration) MarshalJSON() ([]byte, error) {
	if !d.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(d.D.String())
}

// UnmarshalJSON reads a duration string or null.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Duration{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a lifespan must be a duration string such as \"1h\" or null")
	}
	if s == "" {
		*d = Duration{}
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as \"30m\" or \"1h\"", s)
	}
	*d = Duration{D: v, Valid: true}
	return nil
}

// Lifespans are the per-grant token lifespans of Hydra's client.
type Lifespans struct {
	AuthorizationCodeGrantAccessTokenLifespan  Duration `json:"authorization_code_grant_access_token_lifespan"`
	AuthorizationCodeGrantIDTokenLifespan      Duration `json:"authorization_code_grant_id_token_lifespan"`
	AuthorizationCodeGrantRefreshTokenLifespan Duration `json:"authorization_code_grant_refresh_token_lifespan"`
	ClientCredentialsGrantAccessTokenLifespan  Duration `json:"client_credentials_grant_access_token_lifespan"`
	ImplicitGrantAccessTokenLifespan           Duration `json:"implicit_grant_access_token_lifespan"`
	ImplicitGrantIDTokenLifespan               Duration `json:"implicit_grant_id_token_lifespan"`
	JwtBearerGrantAccessTokenLifespan          Duration `json:"jwt_bearer_grant_access_token_lifespan"`
	RefreshTokenGrantIDTokenLifespan           Duration `json:"refresh_token_grant_id_token_lifespan"`
	RefreshTokenGrantAccessTokenLifespan       Duration `json:"refresh_token_grant_access_token_lifespan"`
	RefreshTokenGrantRefreshTokenLifespan      Duration `json:"refresh_token_grant_refresh_token_lifespan"`
}

// all returns every lifespan with its JSON name, for validation.
func (l *Lifespans) all() map[string]Duration {
	return map[string]Duration{
		"authorization_code_grant_access_token_lifespan":  l.AuthorizationCodeGrantAccessTokenLifespan,
		"authorization_code_grant_id_token_lifespan":      l.AuthorizationCodeGrantIDTokenLifespan,
		"authorization_code_grant_refresh_token_lifespan": l.AuthorizationCodeGrantRefreshTokenLifespan,
		"client_credentials_grant_access_token_lifespan":  l.ClientCredentialsGrantAccessTokenLifespan,
		"implicit_grant_access_token_lifespan":            l.ImplicitGrantAccessTokenLifespan,
		"implicit_grant_id_token_lifespan":                l.ImplicitGrantIDTokenLifespan,
		"jwt_bearer_grant_access_token_lifespan":          l.JwtBearerGrantAccessTokenLifespan,
		"refresh_token_grant_id_token_lifespan":           l.RefreshTokenGrantIDTokenLifespan,
		"refresh_token_grant_access_token_lifespan":       l.RefreshTokenGrantAccessTokenLifespan,
		"refresh_token_grant_refresh_token_lifespan":      l.RefreshTokenGrantRefreshTokenLifespan,
	}
}

// Longest returns the longest configured lifespan (0 when none is set).
func (l *Lifespans) Longest() time.Duration {
	var m time.Duration
	for _, d := range l.all() {
		if d.Valid && d.D > m {
			m = d.D
		}
	}
	return m
}

// GetEffectiveLifespan maps grant × token type onto the client's lifespan,
// or fallback. Hybrid flows use the authorization code lifespans, as
// fosite documents.
func (l *Lifespans) GetEffectiveLifespan(gt fosite.GrantType, tt fosite.TokenType, fallback time.Duration) time.Duration {
	var d Duration
	switch gt {
	case fosite.GrantTypeAuthorizationCode:
		switch tt {
		case fosite.AccessToken:
			d = l.AuthorizationCodeGrantAccessTokenLifespan
		case fosite.IDToken:
			d = l.AuthorizationCodeGrantIDTokenLifespan
		case fosite.RefreshToken:
			d = l.AuthorizationCodeGrantRefreshTokenLifespan
		}
	case fosite.GrantTypeClientCredentials:
		if tt == fosite.AccessToken {
			d = l.ClientCredentialsGrantAccessTokenLifespan
		}
	case fosite.GrantTypeImplicit:
		switch tt {
		case fosite.AccessToken:
			d = l.ImplicitGrantAccessTokenLifespan
		case fosite.IDToken:
			d = l.ImplicitGrantIDTokenLifespan
		}
	case fosite.GrantTypeJWTBearer:
		if tt == fosite.AccessToken {
			d = l.JwtBearerGrantAccessTokenLifespan
		}
	case fosite.GrantTypeRefreshToken:
		switch tt {
		case fosite.AccessToken:
			d = l.RefreshTokenGrantAccessTokenLifespan
		case fosite.IDToken:
			d = l.RefreshTokenGrantIDTokenLifespan
		case fosite.RefreshToken:
			d = l.RefreshTokenGrantRefreshTokenLifespan
		}
	}
	if d.Valid {
		return d.D
	}
	return fallback
}
