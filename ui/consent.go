package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// ConsentBackend is what the consent page needs from the OAuth2 head
// (adapted in cmd/cerberus): read a pending consent request, grant or deny
// it. The answers are where the browser goes next.
type ConsentBackend interface {
	ConsentRequest(ctx context.Context, challenge string) (*Consent, error)
	AcceptConsent(ctx context.Context, challenge string, scopes []string, remember bool) (redirectTo string, err error)
	RejectConsent(ctx context.Context, challenge string) (redirectTo string, err error)
}

// Consent is a pending OAuth2 consent request as the page shows it.
type Consent struct {
	Challenge            string
	ClientID, ClientName string
	LogoURI, ClientURI   string
	PolicyURI, TOSURI    string
	Scopes               []string
	// Skip: nothing needs asking (a first-party client or a remembered
	// consent): the page grants at once.
	Skip bool
}

// consent shows the consent page (GET /consent?consent_challenge=).
func (h *Handler) consent(w http.ResponseWriter, r *http.Request) error {
	challenge := r.URL.Query().Get("consent_challenge")
	c, err := h.consentBackend.ConsentRequest(r.Context(), challenge)
	if err != nil {
		return err
	}
	if c.Skip {
		to, err := h.consentBackend.AcceptConsent(r.Context(), challenge, c.Scopes, false)
		if err != nil {
			return err
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	tok, err := h.csrf.Token(w, r)
	if err != nil {
		return err
	}
	h.allowImage(w, c.LogoURI)
	return render(w, r, ConsentPage(h.brand, c, tok))
}

// decide takes the consent form (POST /consent): allow with the ticked
// scopes, or deny. Only requested scopes can be granted.
func (h *Handler) decide(w http.ResponseWriter, r *http.Request) error {
	if err := h.checkedForm(r); err != nil {
		return err
	}
	challenge := r.PostForm.Get("consent_challenge")
	c, err := h.consentBackend.ConsentRequest(r.Context(), challenge)
	if err != nil {
		return err
	}
	var to string
	if r.PostForm.Get("action") == "allow" {
		var grant []string
		for _, s := range r.PostForm["grant_scope"] {
			if slices.Contains(c.Scopes, s) && !slices.Contains(grant, s) {
				grant = append(grant, s)
			}
		}
		to, err = h.consentBackend.AcceptConsent(r.Context(), challenge, grant, r.PostForm.Get("remember") == "true")
	} else {
		to, err = h.consentBackend.RejectConsent(r.Context(), challenge)
	}
	if err != nil {
		return err
	}
	if u, perr := url.Parse(to); perr != nil || !u.IsAbs() {
		return errBadForm
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func clientLabel(c *Consent) string {
	if c.ClientName != "" {
		return c.ClientName
	}
	return c.ClientID
}

// scopeText describes the OpenID Connect scopes (Core §5.4) in words.
func scopeText(s string) string {
	switch s {
	case "openid":
		return "Sign you in with your account"
	case "profile":
		return "Your name and profile"
	case "email":
		return "Your email address"
	case "phone":
		return "Your phone number"
	case "address":
		return "Your postal address"
	case "offline_access", "offline":
		return "Keep access while you are away"
	}
	return strings.TrimSpace(s)
}
