package oauth2

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ory/fosite"

	"github.com/cerberus-iam/cerberus/oauth2/client"
	"github.com/cerberus-iam/cerberus/oauth2/flow"
)

// authorize serves GET and POST /oauth2/auth (RFC 6749 §3.1, OpenID
// Connect Core §3.1.2). Without a verifier it starts a login request; with
// a login_verifier it turns the accepted login into a consent request;
// with a consent_verifier it issues the code and/or tokens.
func (h *Head) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := h.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		h.authorizeError(w, r, ar, err)
		return
	}
	form := ar.GetRequestForm()
	switch {
	case form.Get("consent_verifier") != "":
		err = h.finishConsent(w, r, ar, form.Get("consent_verifier"))
	case form.Get("login_verifier") != "":
		err = h.finishLogin(w, r, ar, form.Get("login_verifier"))
	default:
		err = h.startLogin(w, r, ar)
	}
	if err != nil {
		h.authorizeError(w, r, ar, err)
	}
}

// requestURL is the authorization request as a URL without verifiers:
// where the login and consent apps send the browser back to.
func (h *Head) requestURL(ar fosite.AuthorizeRequester) string {
	q := url.Values{}
	for k, v := range ar.GetRequestForm() {
		if k != "login_verifier" && k != "consent_verifier" {
			q[k] = v
		}
	}
	return h.s.endpoint("oauth2/auth") + "?" + q.Encode()
}

func (h *Head) startLogin(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester) error {
	ctx := r.Context()
	form := ar.GetRequestForm()
	prompt := strings.Fields(form.Get("prompt"))
	if slices.Contains(prompt, "none") && len(prompt) > 1 {
		// OpenID Connect Core §3.1.2.1: none must stand alone.
		return fosite.ErrInvalidRequest.WithHint("prompt=none cannot be combined with other values.")
	}
	hint, err := h.idTokenHintClaims(ctx, form.Get("id_token_hint"))
	if err != nil {
		return err
	}
	f := &flow.Flow{ClientID: ar.GetClient().GetID()}
	f.Client, _ = ar.GetClient().(*client.Client)
	f.RequestURL = h.requestURL(ar)
	f.RequestedScope = ar.GetRequestedScopes()
	f.RequestedAudience = ar.GetRequestedAudience()
	f.OIDCContext = flow.OIDCContext{
		ACRValues: strings.Fields(form.Get("acr_values")), Display: form.Get("display"),
		IDTokenHintClaims: hint, LoginHint: form.Get("login_hint"), UILocales: strings.Fields(form.Get("ui_locales")),
	}
	// A remembered login may be skipped unless the client insists on a
	// fresh one (prompt=login, an exceeded max_age) or names someone else.
	fresh := func(authAt time.Time, subject string) bool {
		if slices.Contains(prompt, "login") {
			return false
		}
		if ma := form.Get("max_age"); ma != "" {
			if n, err := strconv.Atoi(ma); err == nil && h.o.Now().After(authAt.Add(time.Duration(n)*time.Second)) {
				return false
			}
		}
		sub, ok := hint["sub"].(string)
		return !ok || sub == subject
	}
	if ls := h.loginSession(r); ls != nil && ls.Remember {
		f.LoginSessionID = ls.ID
		if fresh(ls.AuthenticatedAt, ls.Subject) {
			f.LoginSkip, f.Subject = true, ls.Subject
		}
	}
	csrf, err := h.flows.Random(32)
	if err != nil {
		return err
	}
	if err := h.flows.NewLogin(ctx, f, csrf); err != nil {
		return err
	}
	h.setCookie(w, csrfCookieName(f.ClientID), csrf, h.s.publicPath("oauth2/auth"), h.o.Config.OAuth2.TTL.LoginConsentRequest.D())
	// Signed in to Cerberus already: accept here, no login page.
	to, err := h.acceptSignedIn(r, f, fresh)
	if err != nil {
		return err
	}
	if to == "" {
		if slices.Contains(prompt, "none") && !f.LoginSkip {
			return fosite.ErrLoginRequired.WithHint("prompt=none was given, but the end-user is not signed in.")
		}
		to = withQuery(h.loginURL(), "login_challenge", f.ID)
	}
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

func (h *Head) finishLogin(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, verifier string) error {
	ctx := r.Context()
	f, err := h.flows.ConsumeLogin(ctx, verifier, cookieValue(r, csrfCookieName(ar.GetClient().GetID())))
	if err != nil {
		return fosite.ErrAccessDenied.WithHint("The login verifier is invalid, expired, already used or belongs to another browser.").WithWrap(err)
	}
	if f.LoginError != nil {
		return rejection(f.LoginError)
	}
	a := f.Login
	authAt := f.AuthenticatedAt
	if f.LoginSkip {
		if ls := h.loginSession(r); ls != nil && ls.ID == f.LoginSessionID {
			authAt = ls.AuthenticatedAt
		}
	} else if a.Remember {
		if err := h.rememberLogin(ctx, w, f, a); err != nil {
			return err
		}
	} else {
		h.setCookie(w, sessionCookie, "", h.s.publicPath(""), -1)
	}
	return h.askConsent(w, r, ar, f, authAt)
}

// askConsent creates the consent request, skippable when the client is
// first-party (skip_consent) or the subject already consented to every
// requested scope and audience and asked to be remembered.
func (h *Head) askConsent(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, f *flow.Flow, authAt time.Time) error {
	ctx := r.Context()
	prompt := strings.Fields(ar.GetRequestForm().Get("prompt"))
	skip := f.Client.SkipConsent
	if !skip && !slices.Contains(prompt, "consent") {
		prev, err := h.flows.RememberedConsent(ctx, f.Subject, f.ClientID)
		if err != nil {
			return err
		}
		skip = prev != nil && subset(f.RequestedScope, prev.GrantScope) && subset(f.RequestedAudience, prev.GrantAccessTokenAudience)
	}
	if slices.Contains(prompt, "none") && !skip {
		return fosite.ErrConsentRequired.WithHint("prompt=none was given, but consent is needed.")
	}
	if err := h.flows.StartConsent(ctx, f, skip, authAt); err != nil {
		return err
	}
	to := withQuery(h.consentURL(), "consent_challenge", f.ConsentChallenge)
	if skip && h.builtinConsent() {
		// Nothing to ask: the built-in consent accepts at once.
		var err error
		if to, err = h.acceptFirstParty(ctx, f); err != nil {
			return err
		}
	}
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

func (h *Head) finishConsent(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, verifier string) error {
	ctx := r.Context()
	csrfName := csrfCookieName(ar.GetClient().GetID())
	f, err := h.flows.ConsumeConsent(ctx, verifier, cookieValue(r, csrfName))
	if err != nil {
		return fosite.ErrAccessDenied.WithHint("The consent verifier is invalid, expired, already used or belongs to another browser.").WithWrap(err)
	}
	h.setCookie(w, csrfName, "", h.s.publicPath("oauth2/auth"), -1)
	if f.ConsentError != nil {
		return rejection(f.ConsentError)
	}
	c := f.Consent
	for _, s := range c.GrantScope {
		ar.GrantScope(s)
	}
	for _, a := range c.GrantAccessTokenAudience {
		ar.GrantAudience(a)
	}
	session := NewSession()
	session.SetSubject(f.Subject)
	session.ClientID, session.FlowID = f.ClientID, f.ID
	session.Extra = c.Session.AccessToken
	h.stampSession(session)
	claims := session.IDTokenClaims()
	claims.Subject = f.Subject
	claims.AuthTime = f.AuthenticatedAt.UTC()
	claims.RequestedAt = f.RequestedAt.UTC()
	claims.Extra = map[string]any{}
	for k, v := range c.Session.IDToken {
		claims.Extra[k] = v
	}
	claims.Extra["sid"] = f.LoginSessionID
	if f.Login != nil {
		claims.AuthenticationContextClassReference = f.Login.ACR
		claims.AuthenticationMethodsReferences = f.Login.AMR
	}
	ctx = withClientAlgorithms(ctx, ar.GetClient())
	resp, err := h.provider.NewAuthorizeResponse(ctx, ar, session)
	if err != nil {
		return err
	}
	h.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
	return nil
}

// rejection turns a login or consent app's refusal into the OAuth2 error
// the client receives.
func rejection(r *flow.Rejection) error {
	return &fosite.RFC6749Error{
		ErrorField: r.Error, DescriptionField: r.Description, HintField: r.Hint,
		DebugField: r.Debug, CodeField: r.StatusCode,
	}
}

func (h *Head) rememberLogin(ctx context.Context, w http.ResponseWriter, f *flow.Flow, a *flow.AcceptLogin) error {
	tok, err := h.flows.Random(32)
	if err != nil {
		return err
	}
	ls := &flow.LoginSession{
		ID: f.LoginSessionID, Subject: a.Subject, Remember: true, AuthenticatedAt: f.AuthenticatedAt,
		IdentityProviderSessionID: a.IdentityProviderSessionID,
	}
	var maxAge time.Duration
	if a.RememberFor > 0 {
		maxAge = time.Duration(a.RememberFor) * time.Second
		exp := h.o.Now().Add(maxAge).UTC()
		ls.ExpiresAt = &exp
	}
	if err := h.flows.Store.SaveLoginSession(ctx, ls, tok, h.o.Now()); err != nil {
		return err
	}
	h.setCookie(w, sessionCookie, tok, h.s.publicPath(""), maxAge)
	return nil
}

func (h *Head) loginSession(r *http.Request) *flow.LoginSession {
	tok := cookieValue(r, sessionCookie)
	if tok == "" {
		return nil
	}
	ls, err := h.flows.Store.LoginSessionByToken(r.Context(), tok, h.o.Now())
	if err != nil {
		return nil
	}
	return ls
}

// idTokenHintClaims verifies an id_token_hint we issued (expired ones are
// fine: OpenID Connect Core §3.1.2.1) and returns its claims.
func (h *Head) idTokenHintClaims(ctx context.Context, hint string) (map[string]any, error) {
	if hint == "" {
		return nil, nil
	}
	tok, err := h.idSigner.Decode(ctx, hint)
	if tok == nil || (err != nil && !expiredOnly(err)) {
		return nil, fosite.ErrInvalidRequest.WithHint("The id_token_hint is not an ID token issued by this server.").WithWrap(err)
	}
	return tok.Claims, nil
}

func subset(want, have []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func withQuery(u, name, value string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + name + "=" + url.QueryEscape(value)
}

// loginURL is urls.login, or the built-in login page of the self-service
// head.
func (h *Head) loginURL() string {
	if h.s.urls.Login != "" {
		return h.s.urls.Login
	}
	return h.s.endpoint("self-service/login/browser")
}

// consentURL is urls.consent, or the built-in consent page (ui).
func (h *Head) consentURL() string {
	if h.s.urls.Consent != "" {
		return h.s.urls.Consent
	}
	return h.s.endpoint("consent")
}
