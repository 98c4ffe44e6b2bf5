package oauth2

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/cerberus-iam/cerberus/oauth2/flow"
)

// BrowserSessions finds the end-user signed in to this browser in process
// (the identity head's session cookie), so /oauth2/auth can accept a login
// without sending the browser through the login page.
type BrowserSessions interface {
	// BrowserSession returns the request's active session, or nil.
	BrowserSession(r *http.Request) (*BrowserSession, error)
	// EndBrowserSession signs the browser out of Cerberus (revokes its
	// session and clears the cookie); no session is not an error. The
	// built-in logout calls it, so RP-initiated logout ends the session
	// the next authorization would otherwise skip the login with.
	EndBrowserSession(w http.ResponseWriter, r *http.Request) error
}

// BrowserSession is a signed-in end-user.
type BrowserSession struct {
	// ID is the identity session id (identity_provider_session_id).
	ID string
	// Subject is the identity id.
	Subject         string
	AuthenticatedAt time.Time
	ExpiresAt       time.Time
	// AMR are the methods used (pwd, ...); ACR the assurance (aal1, aal2).
	AMR []string
	ACR string
}

// Flows returns the login/consent service: the self-service head accepts
// login requests through it (adapted in cmd/cerberus).
func (h *Head) Flows() *flow.Service { return h.flows }

// builtinLogin reports whether logins go to Cerberus's own login page.
func (h *Head) builtinLogin() bool { return h.s.urls.Login == "" }

// builtinConsent reports whether consents go to Cerberus's own page.
func (h *Head) builtinConsent() bool { return h.s.urls.Consent == "" }

// acceptSignedIn accepts a fresh login request at once for the end-user
// already signed in to this browser, when logins are Cerberus's own and
// the request does not ask for a new login. It returns the URL the
// browser continues at, or "" when the login page is needed.
func (h *Head) acceptSignedIn(r *http.Request, f *flow.Flow, fresh func(authAt time.Time, subject string) bool) (string, error) {
	if h.o.Sessions == nil || !h.builtinLogin() {
		return "", nil
	}
	bs, err := h.o.Sessions.BrowserSession(r)
	if err != nil || bs == nil || !fresh(bs.AuthenticatedAt, bs.Subject) {
		return "", err
	}
	if f.LoginSkip && f.Subject != bs.Subject {
		// The remembered OAuth2 login is someone else: ask.
		return "", nil
	}
	var rememberFor int64
	if !bs.ExpiresAt.IsZero() {
		rememberFor = max(int64(bs.ExpiresAt.Sub(h.o.Now()).Seconds()), 1)
	}
	return h.flows.AcceptLogin(r.Context(), f.ID, flow.AcceptLogin{
		Subject: bs.Subject, Remember: true, RememberFor: rememberFor, ACR: bs.ACR, AMR: bs.AMR,
		IdentityProviderSessionID: bs.ID, AuthenticatedAt: bs.AuthenticatedAt,
	})
}

// acceptFirstParty accepts a skippable consent at once when consents are
// Cerberus's own: a first-party (skip_consent) client, or every scope
// already granted and remembered. The ID token carries the identity's
// claims for the granted scopes.
func (h *Head) acceptFirstParty(ctx context.Context, f *flow.Flow) (string, error) {
	return h.AcceptConsentFor(ctx, f.ConsentChallenge, f.Subject, f.RequestedScope, f.RequestedAudience, false)
}

// ConsentFor is what the built-in consent page shows.
type ConsentFor struct {
	Challenge, Subject   string
	ClientID, ClientName string
	LogoURI, ClientURI   string
	PolicyURI, TOSURI    string
	RequestedScopes      []string
	Skip                 bool
}

// ConsentRequestFor returns a pending consent request for the built-in
// consent page.
func (h *Head) ConsentRequestFor(ctx context.Context, challenge string) (*ConsentFor, error) {
	f, err := h.flows.ConsentRequest(ctx, challenge)
	if err != nil {
		return nil, err
	}
	c := f.Client
	return &ConsentFor{
		Challenge: challenge, Subject: f.Subject, ClientID: c.ID, ClientName: c.Name, LogoURI: c.LogoURI,
		ClientURI: c.ClientURI, PolicyURI: c.PolicyURI, TOSURI: c.TOSURI,
		RequestedScopes: slices.Clone(f.RequestedScope), Skip: f.ConsentSkip,
	}, nil
}

// AcceptConsentFor grants scopes (a subset of those requested) and the
// requested audience for the built-in consent page, with the identity's
// claims for those scopes in the ID token.
func (h *Head) AcceptConsentFor(ctx context.Context, challenge, subject string, scopes, audience []string, remember bool) (string, error) {
	var idClaims map[string]any
	if h.o.Claims != nil {
		c, err := h.o.Claims.Claims(ctx, subject, scopes)
		if err != nil {
			return "", err
		}
		idClaims = c
	}
	if audience == nil {
		f, err := h.flows.ConsentRequest(ctx, challenge)
		if err != nil {
			return "", err
		}
		audience = f.RequestedAudience
	}
	return h.flows.AcceptConsent(ctx, challenge, flow.AcceptConsent{
		GrantScope: scopes, GrantAccessTokenAudience: audience, Remember: remember,
		Session: flow.ConsentSession{IDToken: idClaims},
	})
}

// RejectConsentFor denies a consent request for the built-in page.
func (h *Head) RejectConsentFor(ctx context.Context, challenge string) (string, error) {
	return h.flows.RejectConsent(ctx, challenge, flow.Rejection{
		Error: "access_denied", Description: "The end-user denied the request.",
	})
}

// endBrowserSession ends the identity session too when logouts are
// Cerberus's own (no urls.logout app decides).
func (h *Head) endBrowserSession(w http.ResponseWriter, r *http.Request) error {
	if h.o.Sessions == nil || !h.builtinLogout() {
		return nil
	}
	return h.o.Sessions.EndBrowserSession(w, r)
}
