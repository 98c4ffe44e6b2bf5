package selfservice

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const hooksSession = `  flows:
    registration:
      after:
        password:
          hooks: [{hook: session}]`

// register signs a browser up through the form API and returns after the
// redirect.
func (b *browser) register(t *testing.T, traits map[string]any, pw string) resp {
	t.Helper()
	f := b.startBrowserFlow("registration", "")
	v := url.Values{"csrf_token": {csrfOf(f)}, "method": {"password"}, "password": {pw}}
	for k, x := range traits {
		v.Set("traits."+k, x.(string))
	}
	return b.postForm(action(f), v)
}

func (b *browser) login(t *testing.T, id, pw string) resp {
	t.Helper()
	f := b.startBrowserFlow("login", "")
	return b.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"password"}, "identifier": {id}, "password": {pw}})
}

// A browser registers, is signed in by the session hook, logs out with a
// logout token, and logs in again; all with form posts and a cookie jar.
func TestBrowserFlows(t *testing.T) {
	e := newEnv(t, hooksSession)
	b := e.browser()
	r := b.register(t, seedTraits, "Tr0ub4dor&3-horse")
	if r.status != http.StatusSeeOther || r.location() != e.srv.URL+"/welcome" {
		t.Fatalf("register: %d %s %s", r.status, r.location(), r.body)
	}
	var c *http.Cookie
	for _, x := range (&http.Response{Header: r.header}).Cookies() {
		if x.Name == "cerberus_session" {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over http", c)
	}

	// Signed in: login/browser sends the browser on; JSON clients get the error.
	if r := b.get("/self-service/login/browser", nil); r.status != 303 || r.location() != e.srv.URL+"/welcome" {
		t.Fatalf("login with a session: %d %s", r.status, r.location())
	}
	if r := b.getJSON("/self-service/login/browser"); r.status != 400 || errorID(r.json(t)) != "session_already_available" {
		t.Fatalf("login JSON with a session: %d %s", r.status, r.body)
	}

	// Logout needs the token of this session.
	r = b.getJSON("/self-service/logout/browser")
	if r.status != 200 {
		t.Fatalf("logout/browser: %d %s", r.status, r.body)
	}
	lo := r.json(t)
	if !strings.HasPrefix(lo["logout_token"].(string), "ory_lo_") {
		t.Fatalf("logout token %v", lo["logout_token"])
	}
	if r := b.get("/self-service/logout?token=ory_lo_forged", nil); r.status != 303 || !strings.Contains(r.location(), "/error?id=") {
		t.Fatalf("forged logout token: %d %s", r.status, r.location())
	}
	if r := b.get(lo["logout_url"].(string), nil); r.status != 303 {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if r := b.getJSON("/self-service/logout/browser"); r.status != 401 {
		t.Fatalf("after logout: %d", r.status)
	}

	// Log in again; a wrong password comes back to the form with 4000006.
	f := b.startBrowserFlow("login", "")
	r = b.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"password"}, "identifier": {"jane@example.org"}, "password": {"nope-nope-nope"}})
	if r.status != 303 || !strings.Contains(r.location(), "/login?flow=") {
		t.Fatalf("wrong password: %d %s", r.status, r.location())
	}
	f = b.getJSON("/self-service/login/flows?id=" + f["id"].(string)).json(t)
	if !hasID(messageIDs(f), 4000006) || findNode(f, "identifier")["attributes"].(map[string]any)["value"] != "jane@example.org" {
		t.Fatalf("flow after a wrong password: %v", f["ui"])
	}
	r = b.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"password"}, "identifier": {"jane@example.org"}, "password": {"Tr0ub4dor&3-horse"}})
	if r.status != 303 || r.location() != e.srv.URL+"/welcome" {
		t.Fatalf("login: %d %s", r.status, r.location())
	}

	// Browser flows answer JSON too (SPAs): 200 with the session.
	b2 := e.browser()
	f = b2.startBrowserFlow("login", "")
	r = b2.postJSON(action(f), map[string]any{"csrf_token": csrfOf(f), "method": "password", "identifier": "jane@example.org", "password": "Tr0ub4dor&3-horse"})
	if r.status != 200 || r.json(t)["session"] == nil || r.json(t)["session_token"] != nil {
		t.Fatalf("browser JSON login: %d %s", r.status, r.body)
	}
}

// Every bad input of the issue is refused, and none leaves anything behind.
func TestBrowserBadInput(t *testing.T) {
	e := newEnv(t, hooksSession+"\n  allowed_return_urls: [\"http://*.localhost.com:8080\"]")
	b := e.browser()

	t.Run("missing CSRF token", func(t *testing.T) {
		f := b.startBrowserFlow("registration", "")
		v := url.Values{"method": {"password"}, "password": {"Tr0ub4dor&3-horse"}, "traits.email": {"a@example.org"},
			"traits.full_name": {"A"}, "traits.phone_number": {"+14155552671"}}
		r := b.do("POST", action(f), strings.NewReader(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
		if r.status != 403 || errorID(r.json(t)) != "security_csrf_violation" {
			t.Fatalf("JSON: %d %s", r.status, r.body)
		}
		r = b.postForm(action(f), v)
		if r.status != 303 || !strings.Contains(r.location(), "/error?id=") {
			t.Fatalf("form: %d %s", r.status, r.location())
		}
		u, _ := url.Parse(r.location())
		er := b.getJSON("/self-service/errors?id=" + u.Query().Get("id"))
		if er.status != 200 || er.json(t)["error"].(map[string]any)["id"] != "security_csrf_violation" {
			t.Fatalf("stored error: %d %s", er.status, er.body)
		}
		if e.countIdentities() != 0 {
			t.Fatal("identity created without CSRF token")
		}
	})

	t.Run("stale CSRF token of another browser", func(t *testing.T) {
		other := e.browser()
		of := other.startBrowserFlow("login", "")
		f := b.startBrowserFlow("login", "")
		r := b.postJSON(action(f), map[string]any{"csrf_token": csrfOf(of), "method": "password", "identifier": "x@example.org", "password": "whatever-long"})
		if r.status != 403 || errorID(r.json(t)) != "security_csrf_violation" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})

	t.Run("flow owned by another browser", func(t *testing.T) {
		other := e.browser()
		of := other.startBrowserFlow("login", "")
		// Fetch with this browser's cookies.
		if r := b.getJSON("/self-service/login/flows?id=" + of["id"].(string)); r.status != 403 || errorID(r.json(t)) != "security_csrf_violation" {
			t.Fatalf("fetch: %d %s", r.status, r.body)
		}
		// Submit with this browser's own valid token to the other's flow.
		mine := b.startBrowserFlow("login", "")
		r := b.postJSON(action(of), map[string]any{"csrf_token": csrfOf(mine), "method": "password", "identifier": "x@example.org", "password": "whatever-long"})
		if r.status != 403 || errorID(r.json(t)) != "security_csrf_violation" {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
	})

	t.Run("tampered flow id", func(t *testing.T) {
		for _, id := range []string{"not-a-uuid", "00000000-0000-4000-8000-000000000000", "'; DROP TABLE selfservice_flows; --"} {
			if r := b.getJSON("/self-service/login/flows?id=" + url.QueryEscape(id)); r.status != 404 {
				t.Fatalf("fetch %q: %d %s", id, r.status, r.body)
			}
			r := b.postJSON("/self-service/login?flow="+url.QueryEscape(id), map[string]any{"method": "password"})
			if r.status != 404 {
				t.Fatalf("submit %q: %d %s", id, r.status, r.body)
			}
		}
	})

	t.Run("flow of another type", func(t *testing.T) {
		f := b.startBrowserFlow("login", "")
		id := f["id"].(string)
		if r := b.getJSON("/self-service/registration/flows?id=" + id); r.status != 404 {
			t.Fatalf("fetch as registration: %d", r.status)
		}
		r := b.postJSON("/self-service/registration?flow="+id, map[string]any{"csrf_token": csrfOf(f), "method": "password",
			"password": "Tr0ub4dor&3-horse", "traits": seedTraits})
		if r.status != 404 || e.countIdentities() != 0 {
			t.Fatalf("submit as registration: %d %s", r.status, r.body)
		}
	})

	t.Run("oversized traits", func(t *testing.T) {
		f := b.startBrowserFlow("registration", "")
		big := map[string]any{"email": "big@example.org", "full_name": strings.Repeat("x", 100<<10), "phone_number": "+14155552671"}
		r := b.postJSON(action(f), map[string]any{"csrf_token": csrfOf(f), "method": "password", "password": "Tr0ub4dor&3-horse", "traits": big})
		if r.status != 413 || e.countIdentities() != 0 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})

	t.Run("return_to to a foreign host", func(t *testing.T) {
		for _, rt := range []string{"https://evil.example/", "//evil.example/x", "http://localhost.com:8080.evil.example/"} {
			r := b.getJSON("/self-service/login/browser?return_to=" + url.QueryEscape(rt))
			if r.status != 400 || errorID(r.json(t)) != "self_service_flow_return_to_forbidden" {
				t.Fatalf("%s: %d %s", rt, r.status, r.body)
			}
			r = b.get("/self-service/login/browser?return_to="+url.QueryEscape(rt), nil)
			if r.status != 303 || !strings.Contains(r.location(), "/error?id=") {
				t.Fatalf("%s (browser): %d %s", rt, r.status, r.location())
			}
		}
		f := b.startBrowserFlow("login", "?return_to="+url.QueryEscape("http://app.localhost.com:8080/dash"))
		if f["return_to"] != "http://app.localhost.com:8080/dash" {
			t.Fatalf("allowed return_to = %v", f["return_to"])
		}
	})

	t.Run("unicode tricks in identifiers", func(t *testing.T) {
		ub := e.browser()
		if r := ub.register(t, map[string]any{"email": "zoe@example.org", "full_name": "Zoe", "phone_number": "+14155552672"},
			"a long zoe passphrase"); r.status != 303 {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		n := e.countIdentities()
		// Full-width letters and a different case are the same identifier.
		dup := e.browser()
		f := dup.startBrowserFlow("registration", "")
		r := dup.postJSON(action(f), map[string]any{"csrf_token": csrfOf(f), "method": "password", "password": "another long passphrase",
			"traits": map[string]any{"email": "ＺＯＥ@example.org", "full_name": "Imposter", "phone_number": "+14155552673"}})
		if e.countIdentities() != n || r.status != 400 || !hasID(messageIDs(r.json(t)), 4000007) && !hasID(messageIDs(r.json(t)), 4000004) {
			t.Fatalf("look-alike registration: %d %s", r.status, r.body)
		}
		r = dup.postJSON(action(f), map[string]any{"csrf_token": csrfOf(f), "method": "password", "password": "another long passphrase",
			"traits": map[string]any{"email": "Zoe@EXAMPLE.org", "full_name": "Imposter", "phone_number": "+14155552673"}})
		if e.countIdentities() != n || r.status != 400 || !hasID(messageIDs(r.json(t)), 4000007) {
			t.Fatalf("case-changed registration: %d %s", r.status, r.body)
		}
		lb := e.browser()
		if r := lb.login(t, "ZOE@EXAMPLE.ORG", "a long zoe passphrase"); r.status != 303 || !strings.HasSuffix(r.location(), "/welcome") {
			t.Fatalf("case-folded login: %d %s", r.status, r.location())
		}
	})

	t.Run("replaying a used flow", func(t *testing.T) {
		rb := e.browser()
		f := rb.startBrowserFlow("login", "")
		body := map[string]any{"csrf_token": csrfOf(f), "method": "password", "identifier": "zoe@example.org", "password": "a long zoe passphrase"}
		if r := rb.postJSON(action(f), body); r.status != 200 {
			t.Fatalf("login: %d %s", r.status, r.body)
		}
		if r := rb.postJSON(action(f), body); r.status != 400 || !hasID(messageIDs(r.json(t)), 4010007) {
			t.Fatalf("replay: %d %s", r.status, r.body)
		}
	})

	t.Run("expired flow", func(t *testing.T) {
		xb := e.browser()
		f := xb.startBrowserFlow("login", "")
		e.clock.Add(2 * time.Hour)
		r := xb.getJSON("/self-service/login/flows?id=" + f["id"].(string))
		body := r.json(t)
		if r.status != 410 || errorID(body) != "self_service_flow_expired" || body["use_flow_id"] == nil {
			t.Fatalf("fetch: %d %s", r.status, r.body)
		}
		nf := xb.getJSON("/self-service/login/flows?id=" + body["use_flow_id"].(string))
		if nf.status != 200 || !hasID(messageIDs(nf.json(t)), 4010001) {
			t.Fatalf("replacement flow: %d %s", nf.status, nf.body)
		}
		r = xb.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"password"}, "identifier": {"a"}, "password": {"b"}})
		if r.status != 303 || !strings.Contains(r.location(), "/login?flow=") || strings.Contains(r.location(), f["id"].(string)) {
			t.Fatalf("submit to an expired flow: %d %s", r.status, r.location())
		}
	})

	t.Run("API flow submitted by a browser", func(t *testing.T) {
		f := e.api().getJSON("/self-service/login/api").json(t)
		r := b.postJSON(action(f), map[string]any{"method": "password", "identifier": "zoe@example.org", "password": "a long zoe passphrase"})
		if r.status != 400 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

func TestRegistrationDisabled(t *testing.T) {
	e := newEnv(t, "  flows:\n    registration:\n      enabled: false")
	b := e.browser()
	r := b.get("/self-service/registration/browser", nil)
	if r.status != 303 || !strings.Contains(r.location(), "/error?id=") {
		t.Fatalf("%d %s", r.status, r.location())
	}
	u, _ := url.Parse(r.location())
	er := b.getJSON("/self-service/errors?id=" + u.Query().Get("id")).json(t)
	inner := er["error"].(map[string]any)
	// Exactly the error seed 001 shows.
	if inner["id"] != "self_service_flow_disabled" || inner["code"].(float64) != 400 || inner["status"] != "Bad Request" ||
		inner["reason"] != "Registration is not allowed because it was disabled." || inner["message"] != "registration flow disabled" {
		t.Fatalf("error = %v", er)
	}
	if er["created_at"] == nil || er["updated_at"] == nil || er["id"] != u.Query().Get("id") {
		t.Fatalf("error document = %v", er)
	}
	if r := e.api().getJSON("/self-service/registration/api"); r.status != 400 || errorID(r.json(t)) != "self_service_flow_disabled" {
		t.Fatalf("api: %d %s", r.status, r.body)
	}
}
