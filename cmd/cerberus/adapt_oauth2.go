package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/oauth2"
	"github.com/cerberus-iam/cerberus/oauth2/flow"
	"github.com/cerberus-iam/cerberus/selfservice"
	"github.com/cerberus-iam/cerberus/ui"
)

// oauth2Login adapts the OAuth2 head's login requests to the self-service
// head's OAuth2Login bridge: the built-in login page accepts a login
// challenge in process, as a Hydra login app would over the admin API.
type oauth2Login struct{ h *oauth2.Head }

// LoginRequest implements selfservice.OAuth2Login.
func (o oauth2Login) LoginRequest(ctx context.Context, challenge string) (*selfservice.OAuth2LoginRequest, error) {
	f, err := o.h.Flows().LoginRequest(ctx, challenge)
	if err != nil {
		return nil, err
	}
	return &selfservice.OAuth2LoginRequest{Skip: f.LoginSkip, Subject: f.Subject, ClientID: f.ClientID, ClientName: f.Client.Name}, nil
}

// AcceptLogin implements selfservice.OAuth2Login.
func (o oauth2Login) AcceptLogin(ctx context.Context, challenge string, a selfservice.OAuth2LoginAcceptance) (string, error) {
	return o.h.Flows().AcceptLogin(ctx, challenge, flow.AcceptLogin{
		Subject: a.Subject, Remember: a.Remember, RememberFor: int64(a.RememberFor.Seconds()), AMR: a.AMR,
		IdentityProviderSessionID: a.SessionID, AuthenticatedAt: a.AuthenticatedAt,
	})
}

// consentPage adapts the OAuth2 head to the built-in consent page.
type consentPage struct{ h *oauth2.Head }

// ConsentRequest implements ui.ConsentBackend.
func (c consentPage) ConsentRequest(ctx context.Context, challenge string) (*ui.Consent, error) {
	r, err := c.h.ConsentRequestFor(ctx, challenge)
	if err != nil {
		return nil, err
	}
	return &ui.Consent{Challenge: r.Challenge, ClientID: r.ClientID, ClientName: r.ClientName, LogoURI: r.LogoURI,
		ClientURI: r.ClientURI, PolicyURI: r.PolicyURI, TOSURI: r.TOSURI, Scopes: r.RequestedScopes, Skip: r.Skip}, nil
}

// AcceptConsent implements ui.ConsentBackend.
func (c consentPage) AcceptConsent(ctx context.Context, challenge string, scopes []string, remember bool) (string, error) {
	r, err := c.h.ConsentRequestFor(ctx, challenge)
	if err != nil {
		return "", err
	}
	return c.h.AcceptConsentFor(ctx, challenge, r.Subject, scopes, nil, remember)
}

// RejectConsent implements ui.ConsentBackend.
func (c consentPage) RejectConsent(ctx context.Context, challenge string) (string, error) {
	return c.h.RejectConsentFor(ctx, challenge)
}

// logoutPage adapts the OAuth2 head to the built-in sign-out page.
type logoutPage struct{ h *oauth2.Head }

// LogoutRequest implements ui.LogoutBackend.
func (l logoutPage) LogoutRequest(r *http.Request, challenge string) (*ui.Logout, error) {
	o, err := l.h.LogoutRequestFor(r, challenge)
	if err != nil {
		return nil, err
	}
	return &ui.Logout{Challenge: o.Challenge, ClientID: o.ClientID, ClientName: o.ClientName, LogoURI: o.LogoURI,
		ClientURI: o.ClientURI, UserName: o.UserName, UserEmail: o.UserEmail, Rejected: o.Rejected}, nil
}

// AcceptLogout implements ui.LogoutBackend.
func (l logoutPage) AcceptLogout(r *http.Request, challenge string) (string, error) {
	return l.h.AcceptLogoutFor(r, challenge)
}

// RejectLogout implements ui.LogoutBackend.
func (l logoutPage) RejectLogout(r *http.Request, challenge string) error {
	return l.h.RejectLogoutFor(r, challenge)
}

// browserSessions adapts the identity head's sessions to the OAuth2 head:
// a browser signed in to Cerberus skips the login page.
type browserSessions struct{ m *session.Manager }

// BrowserSession implements oauth2.BrowserSessions.
func (b browserSessions) BrowserSession(r *http.Request) (*oauth2.BrowserSession, error) {
	s, err := b.m.FromRequest(r.Context(), r)
	if errors.Is(err, session.ErrNoSession) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if b.m.CheckAAL(s) != nil {
		// The session needs a second factor first: the login page asks.
		return nil, nil
	}
	amr := make([]string, 0, len(s.Methods))
	for _, m := range s.Methods {
		if m.Method == "password" {
			amr = append(amr, "pwd")
		} else {
			amr = append(amr, m.Method)
		}
	}
	return &oauth2.BrowserSession{ID: s.ID.String(), Subject: s.IdentityID.String(), AuthenticatedAt: s.AuthenticatedAt,
		ExpiresAt: s.ExpiresAt, AMR: amr, ACR: string(s.AAL)}, nil
}

// EndBrowserSession implements oauth2.BrowserSessions.
func (b browserSessions) EndBrowserSession(w http.ResponseWriter, r *http.Request) error {
	tok, _ := b.m.TokenFromRequest(r)
	if tok == "" {
		return nil
	}
	b.m.ClearCookie(w)
	if err := b.m.RevokeByToken(r.Context(), tok); err != nil && !errors.Is(err, session.ErrNoSession) {
		return err
	}
	return nil
}

// identityClaims gives an identity's OpenID Connect claims by scope (Core
// §5.4) from its traits: the usual trait names (email, name or full_name,
// first/last names, username, phone or phone_number, address) and the
// verification state of its addresses.
type identityClaims struct{ ids *identity.Service }

// Claims implements oauth2.ClaimsProvider.
func (c identityClaims) Claims(ctx context.Context, subject string, scopes []string) (map[string]any, error) {
	id, err := uuid.Parse(subject)
	if err != nil {
		return nil, nil // a client's own subject (client_credentials)
	}
	i, err := c.ids.Get(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var t map[string]any
	_ = json.Unmarshal(i.Traits, &t)
	out := map[string]any{}
	str := func(keys ...string) string {
		for _, k := range keys {
			cur := any(t)
			for _, part := range strings.Split(k, ".") {
				m, ok := cur.(map[string]any)
				if !ok {
					cur = nil
					break
				}
				cur = m[part]
			}
			if s, ok := cur.(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	verified := func(via, value string) bool {
		for _, a := range i.VerifiableAddresses {
			if a.Via == via && strings.EqualFold(a.Value, value) {
				return a.Verified
			}
		}
		return false
	}
	set := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	if slices.Contains(scopes, "profile") {
		given, family := str("name.first", "given_name", "first_name"), str("name.last", "family_name", "last_name")
		name := str("name", "full_name")
		if name == "" && (given != "" || family != "") {
			name = strings.TrimSpace(given + " " + family)
		}
		set("name", name)
		set("given_name", given)
		set("family_name", family)
		set("preferred_username", str("username", "preferred_username"))
		set("picture", str("picture", "avatar"))
		set("website", str("website"))
		set("locale", str("locale"))
		out["updated_at"] = i.UpdatedAt.Unix()
	}
	if slices.Contains(scopes, "email") {
		email := str("email", "emails.0")
		if email == "" {
			for _, a := range i.VerifiableAddresses {
				if a.Via == "email" {
					email = a.Value
					break
				}
			}
		}
		if email != "" {
			out["email"] = email
			out["email_verified"] = verified("email", email)
		}
	}
	if slices.Contains(scopes, "phone") {
		if p := str("phone_number", "phone"); p != "" {
			out["phone_number"] = p
			out["phone_number_verified"] = verified("sms", p)
		}
	}
	if slices.Contains(scopes, "address") {
		switch a := t["address"].(type) {
		case map[string]any:
			out["address"] = a
		case string:
			out["address"] = map[string]any{"formatted": a}
		}
	}
	return out, nil
}

// Interface guards
var (
	_ selfservice.OAuth2Login = oauth2Login{}
	_ ui.ConsentBackend       = consentPage{}
	_ ui.LogoutBackend        = logoutPage{}
	_ oauth2.BrowserSessions  = browserSessions{}
	_ oauth2.ClaimsProvider   = identityClaims{}
)
