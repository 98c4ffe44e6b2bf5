package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// contentSecurityPolicy allows only our own stylesheet and images (plus the
// brand logo's origin) and no script at all. form-action is left out on
// purpose: browsers apply it to every redirect after a submission, and a
// successful login legitimately redirects to the application (any allowed
// return URL) or, for OAuth2, to a client's redirect URI.
func contentSecurityPolicy(b Brand) string {
	img := "'self' data:"
	if o := imageOrigin(b.LogoURL); o != "" {
		img += " " + o
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'none'",
		"style-src 'self'",
		"img-src " + img,
		"base-uri 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// imageOrigin is the https origin of an image URL, or "" for anything
// else (plain http would be mixed content on an https page).
func imageOrigin(uri string) string {
	if u, err := url.Parse(uri); err == nil && u.Scheme == "https" && u.Host != "" {
		return "https://" + u.Host
	}
	return ""
}

// allowImage lets this response show an application's logo (a client's
// logo_uri on the consent and sign-out pages) by adding its origin to
// img-src; the rest of the policy stays as strict.
func (h *Handler) allowImage(w http.ResponseWriter, uri string) {
	if o := imageOrigin(uri); o != "" {
		w.Header().Set("Content-Security-Policy", strings.Replace(h.csp, "img-src ", "img-src "+o+" ", 1))
	}
}

var colorRe = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// themeCSS carries the brand colour as CSS custom properties, so the
// colour needs no inline style (which the CSP forbids).
func themeCSS(b Brand) []byte {
	c := b.PrimaryColor
	if !colorRe.MatchString(c) {
		c = "#4f46e5"
	}
	return []byte(fmt.Sprintf(":root{--primary:%s;}\n", c))
}

func (h *Handler) serveTheme(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(h.theme)
}
