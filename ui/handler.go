package ui

import (
	"context"
	"net/http"
	"net/url"

	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// Backend is what the pages need from the self-service head.
type Backend interface {
	// Flow returns the flow with id for this browser, with the checks
	// GET /self-service/{kind}/flows makes (kind, expiry, owner).
	Flow(w http.ResponseWriter, r *http.Request, kind flow.Kind, id string) (*flow.Flow, error)
	// StartURL is the URL that starts a new browser flow of kind, carrying
	// over return_to, refresh and login_challenge from query.
	StartURL(kind flow.Kind, query url.Values) string
	// Fail sends the browser onward after err: to a fresh flow when the
	// flow expired or is not this browser's, to the error page otherwise.
	Fail(w http.ResponseWriter, r *http.Request, err error)
	// Error returns the stored self-service error with id.
	Error(ctx context.Context, id string) (*flow.Error, error)
	// Overview describes the signed-in person, or returns nil when the
	// request carries no valid session.
	Overview(w http.ResponseWriter, r *http.Request) (*flow.Overview, error)
	// RevokeSession ends one of the signed-in person's other sessions.
	RevokeSession(r *http.Request, id string) error
	// Enabled reports whether flows of kind may be started (recovery and
	// verification are off unless configured).
	Enabled(kind flow.Kind) bool
}

// CSRF issues and checks the anti-CSRF token of the UI's own forms
// (internal/csrf.Protector).
type CSRF interface {
	Token(w http.ResponseWriter, r *http.Request) (string, error)
	Verify(r *http.Request, token string) error
}

// Brand is how the pages look: from the ui config section.
type Brand struct {
	ProductName  string
	LogoURL      string
	PrimaryColor string
}

// Options build a Handler.
type Options struct {
	Backend Backend
	CSRF    CSRF
	Brand   Brand
	// Consent serves the OAuth2 consent page; nil leaves it out.
	Consent ConsentBackend
	// Logout serves the OAuth2 sign-out question; nil leaves it out.
	Logout LogoutBackend
}

// Handler serves the pages.
type Handler struct {
	backend        Backend
	consentBackend ConsentBackend
	logoutBackend  LogoutBackend
	csrf           CSRF
	brand          Brand
	theme          []byte
	csp            string
}

// New returns a Handler.
func New(o Options) *Handler {
	return &Handler{backend: o.Backend, consentBackend: o.Consent, logoutBackend: o.Logout, csrf: o.CSRF, brand: o.Brand, theme: themeCSS(o.Brand), csp: contentSecurityPolicy(o.Brand)}
}

// Mount registers the pages on the public mux.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.Handle("GET /login", h.page(h.login))
	mux.Handle("GET /registration", h.page(h.registration))
	mux.Handle("GET /settings", h.page(h.settings))
	mux.Handle("GET /recovery", h.page(h.recovery))
	mux.Handle("GET /verification", h.page(h.verification))
	mux.Handle("GET /error", h.page(h.errorPage))
	mux.Handle("GET /welcome", h.page(h.welcome))
	mux.Handle("POST /welcome/sessions/revoke", h.page(h.revoke))
	if h.consentBackend != nil {
		mux.Handle("GET /consent", h.page(h.consent))
		mux.Handle("POST /consent", h.page(h.decide))
	}
	if h.logoutBackend != nil {
		mux.Handle("GET /logout", h.page(h.logout))
		mux.Handle("POST /logout", h.page(h.answerLogout))
	}
	mux.Handle("GET /ui/theme.css", http.HandlerFunc(h.serveTheme))
	mux.Handle("GET /ui/static/", staticHandler())
}

// page wraps a page handler: security headers first, errors to Backend.Fail.
func (h *Handler) page(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", h.csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cache-Control", "no-store")
		if err := fn(w, r); err != nil {
			h.backend.Fail(w, r, err)
		}
	})
}
