package pagination

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// Limits of a list endpoint.
type Limits struct {
	// Kind names the list ("identities", "sessions"); tokens carry it.
	Kind        string
	DefaultSize int
	MaxSize     int
}

// Page is a parsed request for one page.
type Page struct {
	Size int
	// After is the last key of the previous page; empty for the first.
	After string
}

const version = "v1"

// Token encodes the key a next page starts after.
func Token(kind, after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(version + "|" + kind + "|" + after))
}

// Parse reads page_size (per_page is accepted as Kratos's legacy alias) and
// page_token. A size above the maximum is clamped; a non-numeric or
// non-positive size, or a token of another list, is a 400.
func Parse(q url.Values, l Limits) (Page, error) {
	p := Page{Size: l.DefaultSize}
	raw := q.Get("page_size")
	if raw == "" {
		raw = q.Get("per_page")
	}
	if raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return Page{}, httpx.ErrBadRequest.WithReason("page_size must be a positive integer.")
		}
		p.Size = min(n, l.MaxSize)
	}
	if q.Has("page") {
		return Page{}, httpx.ErrBadRequest.WithReason("Offset pagination (page) is not supported; follow the page_token of the Link header.")
	}
	if t := q.Get("page_token"); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(t, "="))
		parts := strings.SplitN(string(b), "|", 3)
		if err != nil || len(parts) != 3 || parts[0] != version || parts[1] != l.Kind || parts[2] == "" {
			return Page{}, httpx.ErrBadRequest.WithReason("page_token is not a page token of this list; use the one from the Link header.")
		}
		p.After = parts[2]
	}
	return p, nil
}

// SetLinks writes the Link header: rel="first" always, rel="next" when
// next is not empty. Other query parameters (filters) are kept.
func SetLinks(w http.ResponseWriter, r *http.Request, kind string, size int, next string) {
	link := func(token, rel string) string {
		q := r.URL.Query()
		q.Del("page_token")
		q.Del("per_page")
		q.Del("page")
		q.Set("page_size", strconv.Itoa(size))
		if token != "" {
			q.Set("page_token", token)
		}
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		return "<" + u.String() + `>; rel="` + rel + `"`
	}
	v := link("", "first")
	if next != "" {
		v += "," + link(Token(kind, next), "next")
	}
	w.Header().Set("Link", v)
}
