package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/mailtest"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// mailFlowsConfig is seed 001's courier and flow configuration (recovery
// and verification by link, require_verified_address and
// revoke_active_sessions after login, revoke_active_sessions after
// recovery), pointed at smtp, with use switched to code when asked.
func mailFlowsConfig(smtp *mailtest.Server, use string) string {
	return fmt.Sprintf(`courier:
  smtp:
    connection_uri: %q
    from_address: kratos@developer-friendly.blog
    from_name: Developer Friendly Blog
  message_retries: 100
  worker: { pull_wait: 50ms, retry_backoff: { initial: 100ms, max: 400ms } }
selfservice:
  methods:
    link: { enabled: true, config: { lifespan: 1h } }
  flows:
    registration: { after: { password: { hooks: [{ hook: session }] } } }
    login:
      after:
        hooks: [{ hook: revoke_active_sessions }, { hook: require_verified_address }]
    recovery: { enabled: true, use: %s, after: { hooks: [{ hook: revoke_active_sessions }] } }
    verification: { enabled: true, use: %s }
`, smtp.URI(), use, use)
}

// mailClient is a cookie-keeping HTTP client that does not follow redirects.
type mailClient struct {
	t   *testing.T
	c   *http.Client
	hdr map[string]string
}

func newMailClient(t *testing.T, cookies bool) *mailClient {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if cookies {
		c.Jar, _ = cookiejar.New(nil)
	}
	return &mailClient{t: t, c: c, hdr: map[string]string{}}
}

type answer struct {
	status int
	loc    string
	body   map[string]any
	raw    string
}

func (c *mailClient) do(method, u string, body io.Reader, hdr map[string]string) answer {
	c.t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range c.hdr {
		req.Header.Set(k, v)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, loc: res.Header.Get("Location"), raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func (c *mailClient) getJSON(u string) answer {
	return c.do("GET", u, nil, map[string]string{"Accept": "application/json"})
}

func (c *mailClient) postJSON(u string, v any) answer {
	b, _ := json.Marshal(v)
	return c.do("POST", u, bytes.NewReader(b), map[string]string{"Content-Type": "application/json", "Accept": "application/json"})
}

func (c *mailClient) postForm(u string, v url.Values) answer {
	return c.do("POST", u, strings.NewReader(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

// browserFlow starts a browser flow and fetches it as a UI would.
func (c *mailClient) browserFlow(in *testbin.Instance, kind string) map[string]any {
	c.t.Helper()
	a := c.do("GET", in.Public+"/self-service/"+kind+"/browser", nil, nil)
	u, err := url.Parse(a.loc)
	if a.status != http.StatusSeeOther || err != nil {
		c.t.Fatalf("start %s: %d %s", kind, a.status, a.raw)
	}
	f := c.getJSON(in.Public + "/self-service/" + kind + "/flows?id=" + u.Query().Get("flow"))
	if f.status != 200 {
		c.t.Fatalf("fetch %s: %d %s", kind, f.status, f.raw)
	}
	return f.body
}

func flowAction(f map[string]any) string { return f["ui"].(map[string]any)["action"].(string) }

func flowCSRF(f map[string]any) string {
	for _, n := range f["ui"].(map[string]any)["nodes"].([]any) {
		a := n.(map[string]any)["attributes"].(map[string]any)
		if a["name"] == "csrf_token" {
			s, _ := a["value"].(string)
			return s
		}
	}
	return ""
}

func flowMessageIDs(f map[string]any) []int {
	var out []int
	ui, _ := f["ui"].(map[string]any)
	ms, _ := ui["messages"].([]any)
	for _, m := range ms {
		out = append(out, int(m.(map[string]any)["id"].(float64)))
	}
	return out
}

func hasMessage(f map[string]any, id int) bool {
	for _, x := range flowMessageIDs(f) {
		if x == id {
			return true
		}
	}
	return false
}

func cont(body map[string]any, action string) map[string]any {
	list, _ := body["continue_with"].([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok && m["action"] == action {
			return m
		}
	}
	return nil
}

var (
	e2eLink = regexp.MustCompile(`https?://\S+/self-service/(?:recovery|verification)\?\S+`)
	e2eCode = regexp.MustCompile(`(?m)^(\d{6})\r?$`)
)

func linkIn(t *testing.T, m *mailtest.Mail) string {
	t.Helper()
	l := e2eLink.FindString(m.Text)
	if l == "" {
		t.Fatalf("no link in %q: %s", m.Subject, m.Text)
	}
	return l
}

func codeIn(t *testing.T, m *mailtest.Mail) string {
	t.Helper()
	c := e2eCode.FindStringSubmatch(m.Text)
	if c == nil {
		t.Fatalf("no code in %q: %s", m.Subject, m.Text)
	}
	return c[1]
}

// registerAPI signs addr up through the API flow.
func registerAPI(t *testing.T, in *testbin.Instance, addr, password string) map[string]any {
	t.Helper()
	app := newMailClient(t, false)
	f := app.getJSON(in.Public + "/self-service/registration/api").body
	a := app.postJSON(flowAction(f), map[string]any{"method": "password", "password": password, "traits": map[string]any{"email": addr}})
	if a.status != 200 {
		t.Fatalf("register %s: %d %s", addr, a.status, a.raw)
	}
	return a.body
}

// loginAPI signs in through the API flow.
func loginAPI(t *testing.T, in *testbin.Instance, addr, password string) answer {
	t.Helper()
	app := newMailClient(t, false)
	f := app.getJSON(in.Public + "/self-service/login/api").body
	return app.postJSON(flowAction(f), map[string]any{"method": "password", "identifier": addr, "password": password})
}

func whoamiStatus(t *testing.T, in *testbin.Instance, token string) int {
	t.Helper()
	c := newMailClient(t, false)
	c.hdr["X-Session-Token"] = token
	return c.getJSON(in.Public + "/sessions/whoami").status
}

// TestMailFlowsByLinkE2E runs seed 001's setup in the real binary with a
// real SMTP server (implicit TLS, AUTH, skip_ssl_verify as in the seed):
// registration sends a verification link, login is refused until it is
// clicked, recovery by link signs a browser in and lands in settings, the
// new password works and the older session is gone.
func TestMailFlowsByLinkE2E(t *testing.T) {
	t.Parallel()
	smtp := mailtest.New(t, mailtest.Options{Security: mailtest.Implicit, User: "test", Password: "test"})
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: mailFlowsConfig(smtp, "link")})
	const addr, pw = "jane@example.org", "Tr0ub4dor&3-horse"

	reg := registerAPI(t, in, addr, pw)
	if cont(reg, "show_verification_ui") == nil {
		t.Fatalf("registration continue_with: %v", reg["continue_with"])
	}
	if a := loginAPI(t, in, addr, pw); a.status != 400 || !hasMessage(a.body, 4000010) {
		t.Fatalf("login before verification: %d %s", a.status, a.raw)
	}
	m := smtp.WaitTo(t, addr, 1)
	if m.Subject != "Please verify your email address" || !strings.Contains(m.Header.Get("From"), "Developer Friendly Blog") {
		t.Fatalf("verification mail: %q from %q", m.Subject, m.Header.Get("From"))
	}
	b := newMailClient(t, true)
	a := b.do("GET", linkIn(t, m), nil, nil)
	u, _ := url.Parse(a.loc)
	if a.status != http.StatusSeeOther || u.Path != "/verification" {
		t.Fatalf("verification link: %d %s", a.status, a.loc)
	}
	page := b.do("GET", a.loc, nil, nil)
	if page.status != 200 || !strings.Contains(page.raw, "You successfully verified your email address.") {
		t.Fatalf("verification page: %d %s", page.status, page.raw)
	}
	first := loginAPI(t, in, addr, pw)
	if first.status != 200 {
		t.Fatalf("login after verification: %d %s", first.status, first.raw)
	}
	oldToken := first.body["session_token"].(string)

	// Recovery by link in a browser.
	// The built-in login page links to recovery.
	login := b.do("GET", in.Public+"/login", nil, nil)
	for i := 0; login.status == http.StatusSeeOther && i < 3; i++ {
		next := login.loc
		if strings.HasPrefix(next, "/") {
			next = in.Public + next
		}
		login = b.do("GET", next, nil, nil)
	}
	if !strings.Contains(login.raw, "/self-service/recovery/browser") {
		t.Fatalf("the login page does not link to recovery: %s", login.raw)
	}
	f := b.browserFlow(in, "recovery")
	a = b.postForm(flowAction(f), url.Values{"csrf_token": {flowCSRF(f)}, "method": {"link"}, "email": {addr}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("recovery send: %d %s", a.status, a.raw)
	}
	rm := smtp.WaitTo(t, addr, 2)
	if rm.Subject != "Reset access to your account" {
		t.Fatalf("recovery mail: %q", rm.Subject)
	}
	a = b.do("GET", linkIn(t, rm), nil, nil)
	if a.status != http.StatusSeeOther || !strings.Contains(a.loc, "/settings?flow=") {
		t.Fatalf("recovery link: %d %s", a.status, a.loc)
	}
	if whoamiStatus(t, in, oldToken) != 401 {
		t.Fatal("revoke_active_sessions after recovery left the older session active")
	}
	su, _ := url.Parse(a.loc)
	sf := b.getJSON(in.Public + "/self-service/settings/flows?id=" + su.Query().Get("flow")).body
	if !hasMessage(sf, 1060001) {
		t.Fatalf("settings after recovery: %v", sf)
	}
	const newPW = "a-brand-new-Passw0rd!"
	a = b.postForm(flowAction(sf), url.Values{"csrf_token": {flowCSRF(sf)}, "method": {"password"}, "password": {newPW}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("new password: %d %s", a.status, a.raw)
	}
	if a := loginAPI(t, in, addr, pw); a.status != 400 {
		t.Fatalf("the old password still works: %d", a.status)
	}
	if a := loginAPI(t, in, addr, newPW); a.status != 200 {
		t.Fatalf("the new password: %d %s", a.status, a.raw)
	}
	// The outbox shows both messages sent.
	var types []string
	for _, msg := range adminMessages(t, in, "status=sent") {
		types = append(types, msg["template_type"].(string))
	}
	if strings.Join(types, ",") != "recovery_valid,verification_valid" {
		t.Fatalf("sent messages: %v", types)
	}
}

// TestMailFlowsByCodeWithSMTPOutageE2E: codes through the API, and an SMTP
// server that goes away mid-queue. Registration and recovery succeed while
// it is down; every message arrives once it is back, and the codes in
// them still work.
func TestMailFlowsByCodeWithSMTPOutageE2E(t *testing.T) {
	t.Parallel()
	smtp := mailtest.New(t, mailtest.Options{Security: mailtest.StartTLS, User: "u", Password: "p"})
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: mailFlowsConfig(smtp, "code")})
	const pw = "Tr0ub4dor&3-horse"
	app := newMailClient(t, false)

	verify := func(reg map[string]any, m *mailtest.Mail) {
		t.Helper()
		vf := cont(reg, "show_verification_ui")["flow"].(map[string]any)
		f := app.getJSON(in.Public + "/self-service/verification/flows?id=" + vf["id"].(string)).body
		if a := app.postJSON(flowAction(f), map[string]any{"method": "code", "code": "12345x"}); a.status != 400 || !hasMessage(a.body, 4070006) {
			t.Fatalf("wrong code: %d %s", a.status, a.raw)
		}
		a := app.postJSON(flowAction(f), map[string]any{"method": "code", "code": codeIn(t, m)})
		if a.status != 200 || a.body["state"] != "passed_challenge" {
			t.Fatalf("verify: %d %s", a.status, a.raw)
		}
	}
	ann := registerAPI(t, in, "ann@example.org", pw)
	verify(ann, smtp.WaitTo(t, "ann@example.org", 1))
	annSession := loginAPI(t, in, "ann@example.org", pw).body["session_token"].(string)

	smtp.Stop()
	bob := registerAPI(t, in, "bob@example.org", pw)
	if cont(bob, "show_verification_ui") == nil || cont(bob, "set_ory_session_token") == nil {
		t.Fatalf("registration while SMTP is down: %v", bob["continue_with"])
	}
	rf := app.getJSON(in.Public + "/self-service/recovery/api").body
	if a := app.postJSON(flowAction(rf), map[string]any{"method": "code", "email": "ann@example.org"}); a.status != 200 || a.body["state"] != "sent_email" {
		t.Fatalf("recovery while SMTP is down: %d %s", a.status, a.raw)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		retried := 0
		for _, msg := range adminMessages(t, in, "status=queued") {
			if msg["send_count"].(float64) >= 2 {
				retried++
			}
		}
		if retried == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the messages queued during the outage were not retried")
		}
		time.Sleep(50 * time.Millisecond)
	}
	smtp.Start()
	verify(bob, smtp.WaitTo(t, "bob@example.org", 1))
	rc := codeIn(t, smtp.WaitTo(t, "ann@example.org", 2))
	a := app.postJSON(flowAction(rf), map[string]any{"method": "code", "code": rc})
	tok, settings := cont(a.body, "set_ory_session_token"), cont(a.body, "show_settings_ui")
	if a.status != 200 || tok == nil || settings == nil {
		t.Fatalf("recovery by code: %d %s", a.status, a.raw)
	}
	if whoamiStatus(t, in, annSession) != 401 {
		t.Fatal("ann's older session survived recovery")
	}
	native := newMailClient(t, false)
	native.hdr["X-Session-Token"] = tok["ory_session_token"].(string)
	sf := native.getJSON(in.Public + "/self-service/settings/flows?id=" + settings["flow"].(map[string]any)["id"].(string))
	if sf.status != 200 {
		t.Fatalf("settings flow: %d %s", sf.status, sf.raw)
	}
	if a := native.postJSON(flowAction(sf.body), map[string]any{"method": "password", "password": "a-brand-new-Passw0rd!"}); a.status != 200 {
		t.Fatalf("new password: %d %s", a.status, a.raw)
	}
	if a := loginAPI(t, in, "ann@example.org", "a-brand-new-Passw0rd!"); a.status != 200 {
		t.Fatalf("login with the new password: %d %s", a.status, a.raw)
	}
	if n := len(smtp.Mails()); n != 3 || distinctMessageIDs(t, smtp.Mails()) != 3 {
		t.Fatalf("%d mails", n)
	}
}
