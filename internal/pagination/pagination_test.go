package pagination

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	l := Limits{Kind: "identities", DefaultSize: 250, MaxSize: 1000}
	tok := Token("identities", "abc")
	for name, tc := range map[string]struct {
		q      string
		want   Page
		errors bool
	}{
		"defaults":      {"", Page{Size: 250}, false},
		"size":          {"page_size=10", Page{Size: 10}, false},
		"legacy alias":  {"per_page=5", Page{Size: 5}, false},
		"clamped":       {"page_size=5000", Page{Size: 1000}, false},
		"token":         {"page_token=" + tok, Page{Size: 250, After: "abc"}, false},
		"not a number":  {"page_size=ten", Page{}, true},
		"zero":          {"page_size=0", Page{}, true},
		"garbage token": {"page_token=%21%21", Page{}, true},
		"foreign token": {"page_token=" + Token("sessions", "abc"), Page{}, true},
		"offset":        {"page=2", Page{}, true},
	} {
		q, _ := url.ParseQuery(tc.q)
		got, err := Parse(q, l)
		if (err != nil) != tc.errors || (err == nil && got != tc.want) {
			t.Errorf("%s: Parse(%q) = %+v, %v", name, tc.q, got, err)
		}
	}
}

func TestSetLinksKeepsFilters(t *testing.T) {
	r := httptest.NewRequest("GET", "/admin/identities?credentials_identifier=a%40b.c&page_token=x", nil)
	w := httptest.NewRecorder()
	SetLinks(w, r, "identities", 2, "k")
	l := w.Header().Get("Link")
	if !strings.Contains(l, `rel="first"`) || !strings.Contains(l, `rel="next"`) ||
		!strings.Contains(l, "credentials_identifier=a%40b.c") || !strings.Contains(l, "page_token="+Token("identities", "k")) {
		t.Fatalf("Link = %s", l)
	}
}
