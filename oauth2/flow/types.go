package flow

import (
	"encoding/json"
	"time"

	"github.com/cerberus-iam/cerberus/oauth2/client"
)

// States of a flow, in order.
const (
	StateLoginUnused   = "login_unused"
	StateLoginHandled  = "login_handled"
	StateLoginUsed     = "login_used"
	StateConsentUnused = "consent_unused"
	StateConsentHandle = "consent_handled"
	StateConsentUsed   = "consent_used"
)

// OIDCContext is what the relying party asked about the login (OpenID
// Connect Core §3.1.2.1).
type OIDCContext struct {
	ACRValues         []string       `json:"acr_values,omitempty"`
	Display           string         `json:"display,omitempty"`
	IDTokenHintClaims map[string]any `json:"id_token_hint_claims,omitempty"`
	LoginHint         string         `json:"login_hint,omitempty"`
	UILocales         []string       `json:"ui_locales,omitempty"`
}

// AcceptLogin is Hydra's acceptOAuth2LoginRequest body.
type AcceptLogin struct {
	Subject                   string          `json:"subject"`
	Remember                  bool            `json:"remember"`
	RememberFor               int64           `json:"remember_for"`
	ACR                       string          `json:"acr,omitempty"`
	AMR                       []string        `json:"amr,omitempty"`
	Context                   json.RawMessage `json:"context,omitempty"`
	ExtendSessionLifespan     bool            `json:"extend_session_lifespan,omitempty"`
	ForceSubjectIdentifier    string          `json:"force_subject_identifier,omitempty"`
	IdentityProviderSessionID string          `json:"identity_provider_session_id,omitempty"`
	// AuthenticatedAt is Cerberus's: when the in-process login happened
	// (default: when the login was accepted).
	AuthenticatedAt time.Time `json:"-"`
}

// ConsentSession carries the claims a consent adds to tokens.
type ConsentSession struct {
	// AccessToken claims go to introspection's ext and JWT access tokens.
	AccessToken map[string]any `json:"access_token,omitempty"`
	// IDToken claims go to the ID token and /userinfo.
	IDToken map[string]any `json:"id_token,omitempty"`
}

// AcceptConsent is Hydra's acceptOAuth2ConsentRequest body.
type AcceptConsent struct {
	GrantScope               []string        `json:"grant_scope"`
	GrantAccessTokenAudience []string        `json:"grant_access_token_audience"`
	Remember                 bool            `json:"remember"`
	RememberFor              int64           `json:"remember_for"`
	Session                  ConsentSession  `json:"session"`
	Context                  json.RawMessage `json:"context,omitempty"`
	HandledAt                *time.Time      `json:"handled_at,omitempty"`
}

// Rejection is Hydra's rejectOAuth2Request body: an OAuth2 error the
// browser is sent back to the client with.
type Rejection struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Hint        string `json:"error_hint,omitempty"`
	Debug       string `json:"error_debug,omitempty"`
	StatusCode  int    `json:"status_code,omitempty"`
}

// data is the JSON column of a flow.
type data struct {
	RequestURL        string         `json:"request_url"`
	RequestedScope    []string       `json:"requested_scope"`
	RequestedAudience []string       `json:"requested_audience"`
	OIDCContext       OIDCContext    `json:"oidc_context"`
	LoginSkip         bool           `json:"login_skip"`
	Login             *AcceptLogin   `json:"login,omitempty"`
	LoginError        *Rejection     `json:"login_error,omitempty"`
	AuthenticatedAt   time.Time      `json:"authenticated_at,omitempty"`
	ConsentSkip       bool           `json:"consent_skip"`
	Consent           *AcceptConsent `json:"consent,omitempty"`
	ConsentError      *Rejection     `json:"consent_error,omitempty"`
}

// Flow is one authorization attempt: its login request, then its consent
// request.
type Flow struct {
	ID               string // the login challenge
	ConsentChallenge string
	State            string
	ClientID         string
	Client           *client.Client
	Subject          string
	LoginSessionID   string
	RequestedAt      time.Time
	ExpiresAt        time.Time
	data
}

// LoginRequest is Hydra's OAuth2LoginRequest.
type LoginRequest struct {
	Challenge         string         `json:"challenge"`
	Skip              bool           `json:"skip"`
	Subject           string         `json:"subject"`
	Client            *client.Client `json:"client"`
	RequestURL        string         `json:"request_url"`
	RequestedScope    []string       `json:"requested_scope"`
	RequestedAudience []string       `json:"requested_access_token_audience"`
	SessionID         string         `json:"session_id,omitempty"`
	OIDCContext       OIDCContext    `json:"oidc_context"`
	RequestedAt       time.Time      `json:"requested_at"`
}

// ConsentRequest is Hydra's OAuth2ConsentRequest.
type ConsentRequest struct {
	Challenge         string          `json:"challenge"`
	Skip              bool            `json:"skip"`
	Subject           string          `json:"subject"`
	Client            *client.Client  `json:"client"`
	RequestURL        string          `json:"request_url"`
	RequestedScope    []string        `json:"requested_scope"`
	RequestedAudience []string        `json:"requested_access_token_audience"`
	LoginChallenge    string          `json:"login_challenge"`
	LoginSessionID    string          `json:"login_session_id,omitempty"`
	ACR               string          `json:"acr,omitempty"`
	AMR               []string        `json:"amr,omitempty"`
	Context           json.RawMessage `json:"context,omitempty"`
	OIDCContext       OIDCContext     `json:"oidc_context"`
}

// LoginRequestOf renders f's login request.
func LoginRequestOf(f *Flow) *LoginRequest {
	return &LoginRequest{
		Challenge: f.ID, Skip: f.LoginSkip, Subject: f.Subject, Client: f.Client.Public(),
		RequestURL: f.RequestURL, RequestedScope: nonNil(f.RequestedScope), RequestedAudience: nonNil(f.RequestedAudience),
		SessionID: f.LoginSessionID, OIDCContext: f.OIDCContext, RequestedAt: f.RequestedAt,
	}
}

// ConsentRequestOf renders f's consent request.
func ConsentRequestOf(f *Flow) *ConsentRequest {
	c := &ConsentRequest{
		Challenge: f.ConsentChallenge, Skip: f.ConsentSkip, Subject: f.Subject, Client: f.Client.Public(),
		RequestURL: f.RequestURL, RequestedScope: nonNil(f.RequestedScope), RequestedAudience: nonNil(f.RequestedAudience),
		LoginChallenge: f.ID, LoginSessionID: f.LoginSessionID, OIDCContext: f.OIDCContext,
	}
	if f.Login != nil {
		c.ACR, c.AMR, c.Context = f.Login.ACR, f.Login.AMR, f.Login.Context
	}
	return c
}

// ConsentSessionView is Hydra's previous consent session (list).
type ConsentSessionView struct {
	ConsentRequest           *ConsentRequest `json:"consent_request"`
	GrantScope               []string        `json:"grant_scope"`
	GrantAccessTokenAudience []string        `json:"grant_access_token_audience"`
	Session                  ConsentSession  `json:"session"`
	Remember                 bool            `json:"remember"`
	RememberFor              int64           `json:"remember_for"`
	HandledAt                time.Time       `json:"handled_at"`
	Context                  json.RawMessage `json:"context,omitempty"`
	ExpiresAt                map[string]any  `json:"expires_at,omitempty"`
}

// LogoutRequest is Hydra's OAuth2LogoutRequest.
type LogoutRequest struct {
	Challenge   string         `json:"challenge"`
	Subject     string         `json:"subject"`
	SessionID   string         `json:"sid"`
	RequestURL  string         `json:"request_url"`
	RPInitiated bool           `json:"rp_initiated"`
	Client      *client.Client `json:"client,omitempty"`
	RequestedAt time.Time      `json:"requested_at"`
	ExpiresAt   time.Time      `json:"expires_at"`
}

// RedirectTo is Hydra's completedRequest answer.
type RedirectTo struct {
	RedirectTo string `json:"redirect_to"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
