package oauth2

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/ory/fosite"
	"github.com/ory/fosite/token/jwt"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// authorizeError reports an authorization error. When the request named a
// redirect_uri registered for its client, the error goes back to the
// client (RFC 6749 §4.1.2.1). Otherwise the browser must not be sent
// anywhere the client chose: it goes to urls.error, or sees a page here.
func (h *Head) authorizeError(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, err error) {
	rfc := fosite.ErrorToRFC6749Error(err)
	if rfc.CodeField >= 500 {
		httpx.LogError(r, httpx.ErrInternal.WithCause(err))
	}
	if ar != nil && ar.IsRedirectURIValid() {
		h.provider.WriteAuthorizeError(r.Context(), w, ar, err)
		return
	}
	h.errorPage(w, r, rfc)
}

// errorPage shows an OAuth2 error to a person: at urls.error when set,
// else on a minimal built-in page.
func (h *Head) errorPage(w http.ResponseWriter, r *http.Request, rfc *fosite.RFC6749Error) {
	w.Header().Set("Cache-Control", "no-store")
	if h.s.urls.Error != "" {
		q := url.Values{"error": {rfc.ErrorField}, "error_description": {rfc.DescriptionField}}
		if rfc.HintField != "" {
			q.Set("error_hint", rfc.HintField)
		}
		if h.o.Config.OAuth2.ExposeInternalErrors && rfc.DebugField != "" {
			q.Set("error_debug", rfc.DebugField)
		}
		http.Redirect(w, r, withQuery(h.s.urls.Error, "error", rfc.ErrorField)+"&"+withoutError(q), http.StatusFound)
		return
	}
	code := rfc.CodeField
	if code < 400 {
		code = http.StatusBadRequest
	}
	page(w, code, "The request could not be completed", rfc.ErrorField, rfc.DescriptionField+" "+rfc.HintField, nil)
}

func withoutError(q url.Values) string {
	q.Del("error")
	return q.Encode()
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{{if .Refresh}}<meta http-equiv="refresh" content="2;url={{.Refresh}}">{{end}}<title>{{.Title}}</title></head>
<body><main><h1>{{.Title}}</h1>{{if .Code}}<p><code>{{.Code}}</code></p>{{end}}<p>{{.Text}}</p>
{{range .Frames}}<iframe src="{{.}}" width="0" height="0" hidden sandbox="allow-same-origin allow-scripts"></iframe>{{end}}
{{if .Refresh}}<p><a href="{{.Refresh}}">Continue</a></p>{{end}}</main></body></html>`))

type pageData struct {
	Title, Code, Text string
	Refresh           string
	Frames            []string
}

// page writes a small server-rendered page with a strict CSP (no scripts,
// no styles, frames only for front-channel logout).
func page(w http.ResponseWriter, code int, title, errCode, text string, frames []string, refresh ...string) {
	h := w.Header()
	csp := "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	if len(frames) > 0 {
		csp += "; frame-src http: https:"
	}
	h.Set("Content-Security-Policy", csp)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(code)
	d := pageData{Title: title, Code: errCode, Text: text, Frames: frames}
	if len(refresh) > 0 {
		d.Refresh = refresh[0]
	}
	_ = pageTmpl.Execute(w, d)
}

// expiredOnly reports a JWT validation error that is only about expiry.
func expiredOnly(err error) bool {
	var ve *jwt.ValidationError
	return errors.As(err, &ve) && ve.Errors == jwt.ValidationErrorExpired
}
