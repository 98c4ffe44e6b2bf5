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
	if u, err := url.Parse(b.LogoURL); err == nil && u.Scheme == "https" && u.Host != "" {
		img += " https://" + u.Host
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
