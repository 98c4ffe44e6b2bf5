package oauth2

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/ory/fosite"
	"github.com/ory/fosite/token/jwt"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/oauth2/client"
	"github.com/cerberus-iam/cerberus/oauth2/flow"
	"github.com/cerberus-iam/cerberus/oauth2/jwk"
)

// logout serves GET and POST /oauth2/sessions/logout: OpenID Connect
// RP-Initiated Logout 1.0, then front- and back-channel logout of every
// client the session signed in to.
func (h *Head) logout(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, r, fosite.ErrInvalidRequest.WithHint("The request could not be parsed."))
		return
	}
	if v := r.Form.Get("logout_verifier"); v != "" {
		h.finishLogout(w, r, v)
		return
	}
	if err := h.startLogout(w, r); err != nil {
		h.errorPage(w, r, fosite.ErrorToRFC6749Error(err))
	}
}

func (h *Head) startLogout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	hint, post, state := r.Form.Get("id_token_hint"), r.Form.Get("post_logout_redirect_uri"), r.Form.Get("state")
	var (
		cl      *client.Client
		hintSub string
	)
	if hint != "" {
		claims, err := h.idTokenHintClaims(ctx, hint)
		if err != nil {
			return err
		}
		hintSub, _ = claims["sub"].(string)
		aud := audienceOf(claims)
		if len(aud) > 0 {
			cl, _ = h.clients.Get(ctx, aud[0])
		}
		if cl == nil {
			return fosite.ErrInvalidRequest.WithHint("The id_token_hint was issued to a client that no longer exists.")
		}
	}
	if post != "" {
		// RP-Initiated Logout §3: only a registered URI, and only when the
		// client is known from the id_token_hint.
		if cl == nil {
			return fosite.ErrInvalidRequest.WithHint("post_logout_redirect_uri needs an id_token_hint naming the client.")
		}
		if !slices.Contains(cl.PostLogoutRedirectURIs, post) {
			return fosite.ErrInvalidRequest.WithHint("post_logout_redirect_uri is not registered for the client.")
		}
	}
	subject, sid := h.signedIn(r)
	if subject == "" {
		// Nobody is signed in here: nothing to end or to ask about.
		if err := h.endBrowserSession(w, r); err != nil {
			return err
		}
		http.Redirect(w, r, h.postLogoutURL(post, state), http.StatusFound)
		return nil
	}
	if hintSub != "" && hintSub != subject {
		return fosite.ErrInvalidRequest.WithHint("The id_token_hint names a different end-user than the one signed in.")
	}
	l := &flow.Logout{Subject: subject, SessionID: sid, Client: cl}
	l.RPInitiated = hint != ""
	l.RequestURL = h.s.endpoint("oauth2/sessions/logout") + "?" + r.Form.Encode()
	l.PostLogoutRedirectURI, l.ClientState = post, state
	if cl != nil {
		l.ClientID = cl.ID
	}
	if err := h.flows.NewLogout(ctx, l); err != nil {
		return err
	}
	to := withQuery(h.s.urls.Logout, "logout_challenge", l.Challenge)
	switch {
	case cl != nil && cl.SkipsLogoutConsent():
		// A first-party client that skips the question.
		var err error
		if to, err = h.flows.AcceptLogout(ctx, l.Challenge); err != nil {
			return err
		}
	case h.builtinLogout():
		// RP-Initiated Logout 1.0 §2: "the OP MUST ask the End-User this
		// question if an id_token_hint was not provided"; Cerberus asks
		// every client that does not skip it, as Hydra's logout app does.
		to = withQuery(h.s.endpoint("logout"), "logout_challenge", l.Challenge)
	}
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

// signedIn returns who a logout would sign out: the browser's remembered
// OAuth2 login, else (when logouts are Cerberus's own) its Cerberus
// session, which has no OAuth2 login session id.
func (h *Head) signedIn(r *http.Request) (subject, sid string) {
	if ls := h.loginSession(r); ls != nil {
		return ls.Subject, ls.ID
	}
	if bs := h.browserSession(r); bs != nil {
		return bs.Subject, ""
	}
	return "", ""
}

func (h *Head) finishLogout(w http.ResponseWriter, r *http.Request, verifier string) {
	ctx := r.Context()
	l, err := h.flows.ConsumeLogout(ctx, verifier)
	if err != nil {
		h.errorPage(w, r, fosite.ErrInvalidRequest.WithHint("The logout verifier is invalid, expired or already used."))
		return
	}
	var frames []string
	if l.SessionID != "" {
		if frames, err = h.endLoginSession(ctx, l.SessionID, l.Subject); err != nil {
			httpx.LogError(r, httpx.ErrInternal.WithCause(err))
			h.errorPage(w, r, fosite.ErrServerError)
			return
		}
	}
	h.setCookie(w, sessionCookie, "", h.s.publicPath(""), -1)
	if err := h.endBrowserSession(w, r); err != nil {
		httpx.LogError(r, httpx.ErrInternal.WithCause(err))
	}
	to := h.postLogoutURL(l.PostLogoutRedirectURI, l.ClientState)
	if len(frames) == 0 {
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	// Front-channel logout: each client's page in a hidden frame, then on.
	page(w, http.StatusOK, "Signing you out", "", "You are being signed out of every application.", frames, to)
}

func (h *Head) postLogoutURL(post, state string) string {
	if post != "" {
		if state != "" {
			return withQuery(post, "state", state)
		}
		return post
	}
	if h.s.urls.PostLogoutRedirect != "" {
		return h.s.urls.PostLogoutRedirect
	}
	return h.s.endpoint("oauth2/sessions/logout/done")
}

func (h *Head) loggedOut(w http.ResponseWriter, _ *http.Request) {
	page(w, http.StatusOK, "Signed out", "", "You have been signed out.", nil)
}

// RevokeLoginSessions ends login sessions (admin API): by sid with
// back-channel logout, or every session of a subject without.
func (h *Head) RevokeLoginSessions(ctx context.Context, sid, subject string) error {
	if sid != "" {
		_, err := h.endLoginSession(ctx, sid, "")
		return err
	}
	_, err := h.flows.Store.DeleteLoginSessions(ctx, "", subject)
	return err
}

// endLoginSession deletes a login session, tells every client it signed
// in to over the back channel, and returns the front-channel logout URLs.
func (h *Head) endLoginSession(ctx context.Context, sid, subject string) ([]string, error) {
	if _, err := h.flows.Store.DeleteLoginSessions(ctx, sid, ""); err != nil {
		return nil, err
	}
	clients, err := h.flows.SessionClients(ctx, sid)
	if err != nil {
		return nil, err
	}
	var frames []string
	var wg sync.WaitGroup
	for _, c := range clients {
		if c.FrontchannelLogoutURI != "" {
			u := c.FrontchannelLogoutURI
			if c.FrontchannelLogoutSessionRequired {
				u = withQuery(withQuery(u, "iss", h.s.issuer), "sid", sid)
			}
			frames = append(frames, u)
		}
		if c.BackchannelLogoutURI != "" {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.backchannelLogout(context.WithoutCancel(ctx), c, sid, subject)
			}()
		}
	}
	wg.Wait()
	return frames, nil
}

// backchannelLogout posts an OpenID Connect Back-Channel Logout 1.0 logout
// token to the client. Failures are logged: the session is gone either way.
func (h *Head) backchannelLogout(ctx context.Context, c *client.Client, sid, subject string) {
	claims := jwt.MapClaims{
		"iss": h.s.issuer, "aud": []string{c.ID}, "iat": h.o.Now().Unix(), "jti": uuid.NewString(),
		"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}},
		"sid":    sid,
	}
	if subject != "" {
		claims["sub"] = subject
	}
	ctx = jwk.WithAlgorithm(ctx, jwk.IDTokenSet, c.IDTokenSignedResponseAlg)
	tok, _, err := h.idSigner.Generate(ctx, claims, &jwt.Headers{Extra: map[string]any{"typ": "logout+jwt"}})
	if err != nil {
		h.o.Log.Warn("signing a back-channel logout token", "client_id", c.ID, "error", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", c.BackchannelLogoutURI, strings.NewReader(url.Values{"logout_token": {tok}}.Encode()))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := h.httpClient().Do(req)
	if err != nil {
		h.o.Log.Warn("back-channel logout failed", "client_id", c.ID, "error", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		h.o.Log.Warn("back-channel logout refused", "client_id", c.ID, "status", resp.StatusCode)
	}
}

func (h *Head) httpClient() *http.Client {
	if h.o.HTTPClient != nil {
		return h.o.HTTPClient
	}
	return &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func audienceOf(claims map[string]any) []string {
	switch a := claims["aud"].(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, x := range a {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return a
	}
	return nil
}
