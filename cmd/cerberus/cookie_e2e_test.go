package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

const cookieTestConfig = `identity:
  default_schema_id: default
  schemas: [{ id: default, url: "preset://email" }]
hashers:
  argon2: { memory: 64KB, iterations: 1 }
selfservice:
  flows:
    registration:
      after:
        password:
          hooks: [{ hook: session }]
`

// Cookies are Secure exactly when the public URL is https: behind a
// TLS-terminating proxy (base_url https, listener plain http) browsers must
// never send the session or CSRF cookie over http; served over plain http
// (a laptop) they must be sendable at all. Both are HttpOnly and SameSite.
func TestCookiesAreSecureWhenServedOverHTTPS(t *testing.T) {
	for _, https := range []bool{true, false} {
		name := "http"
		if https {
			name = "https"
		}
		t.Run(name, func(t *testing.T) {
			var env []string
			if https {
				env = []string{"SERVE_PUBLIC_BASE_URL=https://auth.example.test/"}
			}
			in := testbin.Start(t, testbin.Options{Config: cookieTestConfig, DSN: pgtest.NewDSN(t), Env: env})
			cookies := registerInBrowserFlow(t, in.Public, "cookie-"+name+"@example.org")
			for _, want := range []string{"cerberus_session", "csrf_token"} {
				var c *http.Cookie
				for _, x := range cookies {
					if strings.HasPrefix(x.Name, want) {
						c = x
					}
				}
				if c == nil {
					t.Fatalf("no %s cookie among %v", want, cookies)
				}
				if c.Secure != https || !c.HttpOnly || c.SameSite == http.SameSiteDefaultMode {
					t.Errorf("%s: Secure=%v HttpOnly=%v SameSite=%v; want Secure=%v, HttpOnly, SameSite set",
						c.Name, c.Secure, c.HttpOnly, c.SameSite, https)
				}
			}
		})
	}
}

// registerInBrowserFlow signs up through the browser flow with cookies
// carried by hand (a cookie jar would refuse to send Secure cookies over
// http, which is the point of the test) and returns every cookie set.
func registerInBrowserFlow(t *testing.T, public, email string) []*http.Cookie {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", public+"/self-service/registration/browser", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var flow struct {
		ID string `json:"id"`
		UI struct {
			Nodes []struct {
				Attributes struct {
					Name  string `json:"name"`
					Value any    `json:"value"`
				} `json:"attributes"`
			} `json:"nodes"`
		} `json:"ui"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&flow); err != nil || flow.ID == "" {
		t.Fatalf("registration flow: %d %v", resp.StatusCode, err)
	}
	all := resp.Cookies()
	var csrf string
	for _, n := range flow.UI.Nodes {
		if n.Attributes.Name == "csrf_token" {
			csrf, _ = n.Attributes.Value.(string)
		}
	}
	form := url.Values{"csrf_token": {csrf}, "method": {"password"}, "password": {"a-long-unusual-passphrase-42"},
		"traits.email": {email}}
	post, _ := http.NewRequest("POST", public+"/self-service/registration?flow="+flow.ID, strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range all {
		post.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp2, err := client.Do(post)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusSeeOther {
		t.Fatalf("registration submit: %d (location %s)", resp2.StatusCode, resp2.Header.Get("Location"))
	}
	return append(all, resp2.Cookies()...)
}
