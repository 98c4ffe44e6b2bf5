package oauth2_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// browser is a cookie-keeping HTTP client that follows redirects until it
// is sent to the client's redirect URI, where it stops.
type browser struct {
	t        *testing.T
	c        *http.Client
	redirect string
}

func newBrowser(t *testing.T, redirect string) *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, redirect: redirect}
	b.c = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), b.redirect) || len(via) > 20 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// authorize visits the authorization URL and returns the redirect URI the
// browser was finally sent to (query and fragment parsed together).
func (b *browser) authorize(authURL string) url.Values {
	b.t.Helper()
	resp, err := b.c.Get(authURL)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, b.redirect) {
		b.t.Fatalf("the browser was not sent back to the client: %d %q", resp.StatusCode, loc)
	}
	u, _ := url.Parse(loc)
	v := u.Query()
	if f, err := url.ParseQuery(u.Fragment); err == nil {
		for k, x := range f {
			v[k] = x
		}
	}
	return v
}

// get visits u and returns the last response (its body closed).
func (b *browser) get(u string) *http.Response {
	b.t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
