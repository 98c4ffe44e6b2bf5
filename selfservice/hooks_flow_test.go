package selfservice

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/identity/session"
)

// Throttling counts failures per identifier, whether or not an account
// has it, and answers 429 with Retry-After and a clear message.
func TestLoginThrottle(t *testing.T) {
	e := newEnv(t, hooksSession+`
    login:
      throttle:
        identifier: {max_failures: 3, window: 10m, lockout: 2m}
        client_ip: {max_failures: 50, window: 10m, lockout: 5m}`)
	b := e.browser()
	if r := b.register(t, seedTraits, "Tr0ub4dor&3-horse"); r.status != 303 {
		t.Fatalf("register: %d", r.status)
	}
	for _, id := range []string{"jane@example.org", "nobody@example.org"} {
		app := e.api()
		var last resp
		for i := 0; i < 4; i++ {
			f := app.getJSON("/self-service/login/api").json(t)
			last = app.postJSON(action(f), map[string]any{"method": "password", "identifier": id, "password": "wrong-guess-" + strconv.Itoa(i)})
		}
		if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") != "120" || !hasID(messageIDs(last.json(t)), 4010901) {
			t.Fatalf("%s: 4th attempt: %d %v %s", id, last.status, last.header, last.body)
		}
		// Even the right password waits.
		f := app.getJSON("/self-service/login/api").json(t)
		if r := app.postJSON(action(f), map[string]any{"method": "password", "identifier": id, "password": "Tr0ub4dor&3-horse"}); r.status != 429 {
			t.Fatalf("%s: right password while throttled: %d", id, r.status)
		}
	}
	e.clock.Add(2 * time.Minute)
	f := e.api().getJSON("/self-service/login/api").json(t)
	if r := e.api().postJSON(action(f), map[string]any{"method": "password", "identifier": "JANE@example.org", "password": "Tr0ub4dor&3-horse"}); r.status != 200 {
		t.Fatalf("after the lockout: %d %s", r.status, r.body)
	}
}

// Settings past privileged_session_max_age asks for a fresh sign-in, and
// a refresh login brings the person back to the flow.
func TestSettingsPrivilegedSession(t *testing.T) {
	e := newEnv(t, hooksSession+"\n    settings:\n      privileged_session_max_age: 15m")
	b := e.browser()
	b.register(t, seedTraits, "Tr0ub4dor&3-horse")
	f := b.startBrowserFlow("settings", "")
	e.clock.Add(20 * time.Minute)
	r := b.postJSON(action(f), map[string]any{"csrf_token": csrfOf(f), "method": "password", "password": "a brand new passphrase"})
	if r.status != 403 || errorID(r.json(t)) != "session_refresh_required" || r.json(t)["redirect_browser_to"] == nil {
		t.Fatalf("stale session: %d %s", r.status, r.body)
	}
	r = b.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"password"}, "password": {"a brand new passphrase"}})
	if r.status != 303 || !strings.Contains(r.location(), "refresh=true") {
		t.Fatalf("stale session (form): %d %s", r.status, r.location())
	}
	// Re-authenticate through the refresh login; it returns to settings.
	r = b.get(r.location(), nil)
	u, _ := url.Parse(r.location())
	lf := b.getJSON("/self-service/login/flows?id=" + u.Query().Get("flow")).json(t)
	if lf["refresh"] != true || findNode(lf, "identifier")["attributes"].(map[string]any)["value"] != "jane@example.org" {
		t.Fatalf("refresh flow: %v", lf)
	}
	r = b.postForm(action(lf), url.Values{"csrf_token": {csrfOf(lf)}, "method": {"password"}, "identifier": {"jane@example.org"}, "password": {"Tr0ub4dor&3-horse"}})
	if r.status != 303 || !strings.Contains(r.location(), "/settings?flow="+f["id"].(string)) {
		t.Fatalf("refresh login: %d %s", r.status, r.location())
	}
	r = b.postJSON(action(f), map[string]any{"csrf_token": csrfOf(f), "method": "password", "password": "a brand new passphrase"})
	if r.status != 200 || !hasID(messageIDs(r.json(t)), 1050001) {
		t.Fatalf("settings after refresh: %d %s", r.status, r.body)
	}
	// Another person's browser cannot use this settings flow.
	other := e.browser()
	other.register(t, map[string]any{"email": "max@example.org", "full_name": "Max", "phone_number": "+14155552679"}, "max's long passphrase")
	if r := other.getJSON("/self-service/settings/flows?id=" + f["id"].(string)); r.status != 403 {
		t.Fatalf("foreign settings flow: %d %s", r.status, r.body)
	}
}

// A web hook can reject a registration with field messages (nothing is
// stored), amend it, and learns about the flow through jsonnet.
func TestWebHookAndSessionHooks(t *testing.T) {
	var seen []map[string]any
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &body)
		if r.Header.Get("X-Api-Key") != "s3cret" {
			w.WriteHeader(401)
			return
		}
		seen = append(seen, body)
		if strings.HasSuffix(body["email"].(string), "@blocked.example") {
			w.WriteHeader(400)
			w.Write([]byte(`{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":4000100,"text":"This domain is not allowed.","type":"error"}]}]}`))
			return
		}
		w.Write([]byte(`{"identity":{"metadata_public":{"plan":"trial"}}}`))
	}))
	defer hookSrv.Close()
	e := newEnv(t, `  flows:
    registration:
      after:
        password:
          hooks:
            - hook: web_hook
              config:
                url: `+hookSrv.URL+`
                body: base64://`+b64(`function(ctx) { email: ctx.identity.traits.email, flow: ctx.flow.id }`)+`
                auth: {type: api_key, config: {name: X-Api-Key, value: s3cret, in: header}}
                response: {parse: true}
            - hook: session
    login:
      after:
        hooks: [{hook: revoke_active_sessions}, {hook: require_verified_address}]`)
	b := e.browser()
	blocked := map[string]any{"email": "eve@blocked.example", "full_name": "Eve", "phone_number": "+14155552670"}
	f := b.startBrowserFlow("registration", "")
	r := b.postJSON(action(f), map[string]any{"csrf_token": csrfOf(f), "method": "password", "password": "Tr0ub4dor&3-horse", "traits": blocked})
	if r.status != 400 || e.countIdentities() != 0 {
		t.Fatalf("blocked registration: %d %s", r.status, r.body)
	}
	if n := findNode(r.json(t), "traits.email"); n == nil || len(n["messages"].([]any)) != 1 ||
		n["messages"].([]any)[0].(map[string]any)["text"] != "This domain is not allowed." {
		t.Fatalf("hook message not on the email field: %s", r.body)
	}
	r = b.postJSON(action(f), map[string]any{"csrf_token": csrfOf(f), "method": "password", "password": "Tr0ub4dor&3-horse", "traits": seedTraits})
	if r.status != 200 {
		t.Fatalf("registration: %d %s", r.status, r.body)
	}
	ident := r.json(t)["identity"].(map[string]any)
	if ident["metadata_public"].(map[string]any)["plan"] != "trial" {
		t.Fatalf("hook patch not applied: %v", ident)
	}
	if len(seen) != 2 || seen[1]["flow"] != f["id"] {
		t.Fatalf("hook saw %v", seen)
	}

	// require_verified_address: the address is not verified yet, so login
	// is refused like a validation error, with no session.
	app := e.api()
	lf := app.getJSON("/self-service/login/api").json(t)
	r = app.postJSON(action(lf), map[string]any{"method": "password", "identifier": "jane@example.org", "password": "Tr0ub4dor&3-horse"})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4000010) {
		t.Fatalf("unverified login: %d %s", r.status, r.body)
	}

	// Verify the address, log in twice: revoke_active_sessions keeps only
	// the newest session.
	id := ident["id"].(string)
	markVerified(t, e, id)
	var tokens []string
	for i := 0; i < 2; i++ {
		lf := app.getJSON("/self-service/login/api").json(t)
		r := app.postJSON(action(lf), map[string]any{"method": "password", "identifier": "jane@example.org", "password": "Tr0ub4dor&3-horse"})
		if r.status != 200 {
			t.Fatalf("login %d: %d %s", i, r.status, r.body)
		}
		tokens = append(tokens, r.json(t)["session_token"].(string))
	}
	if _, err := e.sessions.ByToken(context.Background(), tokens[0]); err == nil {
		t.Fatal("revoke_active_sessions left the older session active")
	}
	if s, err := e.sessions.ByToken(context.Background(), tokens[1]); err != nil || !s.IsActive(e.clock.Now()) {
		t.Fatalf("newest session: %v", err)
	}
	var _ = session.ErrNoSession
}

// A before hook sees every new flow; a parsing one can refuse it.
func TestBeforeHooks(t *testing.T) {
	calls := make(chan map[string]any, 8)
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		calls <- body
		if body["ua"] == "blocked-agent" {
			w.WriteHeader(403)
			w.Write([]byte(`{"messages":[{"instance_ptr":"#/","messages":[{"id":4000001,"text":"Sign-ups are closed for this client.","type":"error"}]}]}`))
			return
		}
		w.WriteHeader(204)
	}))
	defer hookSrv.Close()
	e := newEnv(t, `  flows:
    registration:
      before:
        hooks:
          - hook: web_hook
            config:
              url: `+hookSrv.URL+`
              body: base64://`+b64(`function(ctx) { ua: ctx.request_headers['User-Agent'][0], kind: ctx.flow.kind }`)+`
              response: {parse: true}`)
	app := e.api()
	app.hdr.Set("User-Agent", "friendly-agent")
	if r := app.getJSON("/self-service/registration/api"); r.status != 200 {
		t.Fatalf("allowed: %d %s", r.status, r.body)
	}
	if c := <-calls; c["kind"] != "registration" {
		t.Fatalf("hook saw %v", c)
	}
	app.hdr.Set("User-Agent", "blocked-agent")
	r := app.getJSON("/self-service/registration/api")
	if r.status != 403 || !strings.Contains(string(r.body), "Sign-ups are closed") {
		t.Fatalf("refused: %d %s", r.status, r.body)
	}
	<-calls
	// Login has no before hooks configured: no call.
	if r := app.getJSON("/self-service/login/api"); r.status != 200 {
		t.Fatalf("login: %d", r.status)
	}
	select {
	case c := <-calls:
		t.Fatalf("unexpected hook call %v", c)
	default:
	}
}
