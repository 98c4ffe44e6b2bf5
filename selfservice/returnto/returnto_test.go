package returnto

import (
	"errors"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

func TestCheck(t *testing.T) {
	p, err := New("http://auth.localhost.com:8080/welcome",
		"http://*.localhost.com:8080", "https://app.example.com/dashboard", "http://auth.localhost.com:8080/welcome")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		raw, want string
	}{
		{"", ""},
		{"http://vmagent.localhost.com:8080/graph?x=1", "http://vmagent.localhost.com:8080/graph?x=1"},
		{"http://A.LocalHost.com:8080/", "http://a.localhost.com:8080/"},
		{"https://app.example.com/dashboard", "https://app.example.com/dashboard"},
		{"https://app.example.com/dashboard/x", "https://app.example.com/dashboard/x"},
		// Relative URLs resolve against the default return URL.
		{"/welcome?tab=sessions", "http://auth.localhost.com:8080/welcome?tab=sessions"},
	}
	for _, tc := range cases {
		got, err := p.Check(tc.raw)
		if err != nil || got != tc.want {
			t.Errorf("Check(%q) = %q, %v; want %q", tc.raw, got, err, tc.want)
		}
	}
	refused := []string{
		"https://evil.com/",
		"http://localhost.com:8080/",                 // the bare domain is not a subdomain
		"http://evil-localhost.com:8080/",            // suffix without the dot
		"http://vmagent.localhost.com:9090/",         // other port
		"https://vmagent.localhost.com:8080/",        // other scheme
		"https://app.example.com/dashboardx",         // path prefix without a segment boundary
		"https://app.example.com/dashboard/../admin", // dot segments out of the prefix
		"https://app.example.com/",                   // above the allowed path
		"//evil.com/x",                               // scheme-relative
		"/\\evil.com",                                // browsers read \ as /
		"/\t/evil.com",                               // browsers drop tabs
		"http://auth.localhost.com:8080@evil.com/",   // userinfo trick
		"javascript:alert(1)",
		"data:text/html,hi",
		"http://auth.localhost.com.evil.com:8080/",
	}
	for _, raw := range refused {
		_, err := p.Check(raw)
		var he *httpx.Error
		if !errors.As(err, &he) || he.ID != "self_service_flow_return_to_forbidden" || he.Code != 400 {
			t.Errorf("Check(%q) = %v; want 400 self_service_flow_return_to_forbidden", raw, err)
		}
	}
}

func FuzzCheck(f *testing.F) {
	p, _ := New("https://auth.example.com/", "https://auth.example.com/", "https://*.example.com/app")
	for _, s := range []string{"/x", "https://a.example.com/app/x", "//evil.com", "https://evil.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := p.Check(raw)
		if err != nil || got == "" {
			return
		}
		// Whatever passes must be on an allowed host.
		again, err := p.Check(got)
		if err != nil || again != got {
			t.Fatalf("accepted %q as %q, which does not pass again: %v", raw, got, err)
		}
	})
}
