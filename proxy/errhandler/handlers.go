package errhandler

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

type base struct{ when Whens }

func (b base) Applies(r *http.Request, err *httpx.Error) bool { return b.when.Match(r, err) }
func (b base) Conditional() bool                              { return len(b.when) > 0 }

// JSONConfig is json's config.
type JSONConfig struct {
	Verbose bool         `json:"verbose"`
	When    []WhenConfig `json:"when"`
}

// JSON answers with Oathkeeper's error body. Unless verbose, the message is
// the generic one for the status and the reason is left out, so a client
// learns nothing about why its credentials failed.
type JSON struct {
	base
	verbose bool
}

// NewJSON builds the handler.
func NewJSON(c JSONConfig) (*JSON, error) {
	w, err := compileWhens(c.When)
	if err != nil {
		return nil, err
	}
	return &JSON{base: base{w}, verbose: c.Verbose}, nil
}

// generic are the messages non-verbose json shows (herodot's defaults).
var generic = map[int]*httpx.Error{
	http.StatusBadRequest:           httpx.ErrBadRequest,
	http.StatusUnauthorized:         httpx.ErrUnauthorized,
	http.StatusForbidden:            httpx.ErrForbidden,
	http.StatusNotFound:             httpx.ErrNotFound,
	http.StatusConflict:             httpx.ErrConflict,
	http.StatusUnsupportedMediaType: httpx.ErrUnsupportedMedia,
	http.StatusInternalServerError:  httpx.ErrInternal,
}

// Handle implements pipeline.ErrorHandler.
func (h *JSON) Handle(w http.ResponseWriter, r *http.Request, err *httpx.Error) {
	out := err
	if !h.verbose {
		if g, ok := generic[err.Code]; ok {
			out = g
		} else {
			out = httpx.NewError(err.Code, err.Message)
		}
	}
	httpx.WriteJSON(w, out.Code, httpx.ErrorJSON(r, out))
}

// RedirectConfig is redirect's config.
type RedirectConfig struct {
	To                 string       `json:"to"`
	Code               int          `json:"code"`
	ReturnToQueryParam string       `json:"return_to_query_param"`
	When               []WhenConfig `json:"when"`
}

// Redirect sends the client elsewhere, typically to the login page with
// the original URL to come back to.
type Redirect struct {
	base
	to    *url.URL
	code  int
	param string
}

// NewRedirect builds the handler.
func NewRedirect(c RedirectConfig) (*Redirect, error) {
	if c.To == "" {
		return nil, errors.New("config.to: required: where to redirect to")
	}
	to, err := url.Parse(c.To)
	if err != nil {
		return nil, fmt.Errorf("config.to: %q is not a URL", c.To)
	}
	w, err := compileWhens(c.When)
	if err != nil {
		return nil, err
	}
	code := c.Code
	if code != http.StatusMovedPermanently {
		code = http.StatusFound
	}
	return &Redirect{base: base{w}, to: to, code: code, param: c.ReturnToQueryParam}, nil
}

// Handle implements pipeline.ErrorHandler. The return URL is the original
// request's (rebuilt from trusted forwarding headers only), so a client
// cannot make the login page send users to a host of its choosing.
func (h *Redirect) Handle(w http.ResponseWriter, r *http.Request, _ *httpx.Error) {
	loc := h.to.String()
	if h.param != "" {
		u := *h.to
		q := u.Query()
		q.Set(h.param, r.URL.String())
		u.RawQuery = q.Encode()
		loc = u.String()
	}
	w.Header().Set("Location", loc)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(h.code)
}

// WWWAuthenticateConfig is www_authenticate's config.
type WWWAuthenticateConfig struct {
	Realm string       `json:"realm"`
	When  []WhenConfig `json:"when"`
}

// WWWAuthenticate answers 401 with a Basic challenge, so browsers prompt.
type WWWAuthenticate struct {
	base
	challenge string
}

// NewWWWAuthenticate builds the handler.
func NewWWWAuthenticate(c WWWAuthenticateConfig) (*WWWAuthenticate, error) {
	w, err := compileWhens(c.When)
	if err != nil {
		return nil, err
	}
	realm := c.Realm
	if realm == "" {
		realm = "Please authenticate."
	}
	if strings.ContainsFunc(realm, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, errors.New("config.realm: must not contain control characters")
	}
	// RFC 7617 §2: realm is a quoted-string.
	q := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(realm)
	return &WWWAuthenticate{base: base{w}, challenge: `Basic realm="` + q + `"`}, nil
}

// Handle implements pipeline.ErrorHandler.
func (h *WWWAuthenticate) Handle(w http.ResponseWriter, _ *http.Request, _ *httpx.Error) {
	w.Header().Set("WWW-Authenticate", h.challenge)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(http.StatusText(http.StatusUnauthorized) + "\n"))
}

// Interface guards
var (
	_ pipeline.ErrorHandler = (*JSON)(nil)
	_ pipeline.ErrorHandler = (*Redirect)(nil)
	_ pipeline.ErrorHandler = (*WWWAuthenticate)(nil)
)
