package password

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/selfservice/text"
)

func TestPolicy(t *testing.T) {
	p := New(Options{MinLength: 8, CheckSimilarity: true})
	cases := []struct {
		name, id, pw string
		want         text.ID
	}{
		{"ok", "jane@example.org", "correct horse battery staple", 0},
		{"too short", "jane@example.org", "short", text.ErrorValidationPasswordMinLength},
		{"length counts characters, not bytes", "x@example.org", "ääääääää", 0},
		{"breached", "jane@example.org", "password123", text.ErrorValidationPasswordTooManyBreaches},
		{"breached any case", "jane@example.org", "PassWord123", text.ErrorValidationPasswordTooManyBreaches},
		{"identifier inside", "jane.doe@example.org", "jane.doe@example.org!", text.ErrorValidationPasswordIdentifierSim},
		{"local part inside", "jane.doe@example.org", "xx-Jane.Doe-2024", text.ErrorValidationPasswordIdentifierSim},
		{"mostly the identifier", "marvellous", "marvelloXYZ9", text.ErrorValidationPasswordIdentifierSim},
		{"too long", "a@b.c", strings.Repeat("x", MaxLength+1), text.ErrorValidationPasswordMaxLength},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := p.Check(context.Background(), []string{tc.id}, tc.pw)
			if err != nil {
				t.Fatal(err)
			}
			var got text.ID
			if m != nil {
				got = m.ID
			}
			if got != tc.want {
				t.Fatalf("Check(%q) = %v, want %v", tc.pw, m, tc.want)
			}
		})
	}
	if len(p.breached) < 20000 {
		t.Fatalf("breach list has only %d entries", len(p.breached))
	}
}

func TestRangeAPI(t *testing.T) {
	pw := "an unusual but breached passphrase"
	sum := sha1.Sum([]byte(pw))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var seen string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.URL.Path
		fmt.Fprintf(w, "0000000000000000000000000000000000A:3\r\n%s:12\r\n", h[5:])
	}))
	defer srv.Close()
	api := &RangeAPI{BaseURL: srv.URL, MaxBreaches: 0, Client: srv.Client()}
	p := New(Options{MinLength: 8, RangeAPI: api})
	m, err := p.Check(context.Background(), nil, pw)
	if err != nil || m == nil || m.ID != text.ErrorValidationPasswordTooManyBreaches {
		t.Fatalf("Check = %v, %v", m, err)
	}
	if seen != "/range/"+h[:5] {
		t.Fatalf("the API must see only the 5-digit prefix, saw %q", seen)
	}
	api.MaxBreaches = 20
	if m, _ := p.Check(context.Background(), nil, pw); m != nil {
		t.Fatalf("12 breaches is under max_breaches 20: %v", m)
	}
	// An unreachable API: refused unless network errors are ignored.
	srv.Close()
	api.MaxBreaches = 0
	if _, err := p.Check(context.Background(), nil, pw); err == nil {
		t.Fatal("want an error when the API is down and errors are not ignored")
	}
	api.IgnoreNetworkErrors = true
	if m, err := p.Check(context.Background(), nil, pw); m != nil || err != nil {
		t.Fatalf("ignored network error: %v, %v", m, err)
	}
}
