package selfservice

import (
	"net/http"
	"testing"
)

// A native app registers, logs in, changes its password and profile, and
// logs out, all through the JSON API with session tokens.
func TestAPIFlows(t *testing.T) {
	e := newEnv(t, `  flows:
    registration:
      after:
        password:
          hooks: [{hook: session}]`)
	app := e.api()

	// Registration renders every trait of the seed 000 schema.
	r := app.getJSON("/self-service/registration/api")
	if r.status != 200 {
		t.Fatalf("registration/api: %d %s", r.status, r.body)
	}
	f := r.json(t)
	for _, name := range []string{"traits.email", "traits.full_name", "traits.phone_number", "password", "method"} {
		if findNode(f, name) == nil {
			t.Fatalf("registration form lacks %s: %s", name, r.body)
		}
	}
	if findNode(f, "csrf_token") != nil {
		t.Fatal("API flows carry no CSRF token")
	}
	if l := findNode(f, "traits.full_name")["meta"].(map[string]any)["label"].(map[string]any); l["text"] != "Full Name" || l["id"].(float64) != 1070002 {
		t.Fatalf("trait label = %v", l)
	}

	// A weak password is refused with Kratos's id on the password field.
	r = app.postJSON(action(f), map[string]any{"method": "password", "password": "password1", "traits": seedTraits})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4000034) {
		t.Fatalf("breached password: %d %s", r.status, r.body)
	}
	if e.countIdentities() != 0 {
		t.Fatal("a refused registration created an identity")
	}
	r = app.postJSON(action(f), map[string]any{"method": "password", "password": "Tr0ub4dor&3-horse", "traits": seedTraits})
	if r.status != 200 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	reg := r.json(t)
	if reg["session_token"] == nil || reg["identity"] == nil || reg["session"] == nil {
		t.Fatalf("registration with the session hook: %s", r.body)
	}

	// Login with the new account.
	f = app.getJSON("/self-service/login/api").json(t)
	if l := findNode(f, "identifier")["meta"].(map[string]any)["label"].(map[string]any); l["text"] != "E-Mail" {
		t.Fatalf("identifier label = %v", l)
	}
	r = app.postJSON(action(f), map[string]any{"method": "password", "identifier": "jane@example.org", "password": "wrong-password-1"})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4000006) {
		t.Fatalf("wrong password: %d %s", r.status, r.body)
	}
	r = app.postJSON(action(f), map[string]any{"method": "password", "identifier": "jane@example.org", "password": "Tr0ub4dor&3-horse"})
	if r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	token := r.json(t)["session_token"].(string)

	// Replaying the completed flow changes nothing.
	r = app.postJSON(action(f), map[string]any{"method": "password", "identifier": "jane@example.org", "password": "Tr0ub4dor&3-horse"})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4010007) {
		t.Fatalf("replayed login: %d %s", r.status, r.body)
	}

	// A logged-in app may not start another login.
	app.hdr.Set("X-Session-Token", token)
	if r := app.getJSON("/self-service/login/api"); r.status != 400 || errorID(r.json(t)) != "session_already_available" {
		t.Fatalf("login/api with a session: %d %s", r.status, r.body)
	}

	// Settings: profile then password.
	r = app.getJSON("/self-service/settings/api")
	if r.status != 200 {
		t.Fatalf("settings/api: %d %s", r.status, r.body)
	}
	f = r.json(t)
	if f["identity"] == nil || findNode(f, "traits.email")["attributes"].(map[string]any)["value"] != "jane@example.org" {
		t.Fatalf("settings flow: %s", r.body)
	}
	r = app.postJSON(action(f), map[string]any{"method": "profile", "traits": map[string]any{
		"email": "jane@example.org", "full_name": "Jane Q. Doe", "phone_number": "+14155552671"}})
	if r.status != 200 || r.json(t)["state"] != "success" {
		t.Fatalf("profile: %d %s", r.status, r.body)
	}
	r = app.postJSON(action(f), map[string]any{"method": "profile", "traits": map[string]any{"email": "not-an-email", "full_name": "J"}})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4000002) || !hasID(messageIDs(r.json(t)), 4000004) {
		t.Fatalf("invalid profile: %d %s", r.status, r.body)
	}
	r = app.postJSON(action(f), map[string]any{"method": "password", "password": "jane@example.org1"})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4000031) {
		t.Fatalf("password like the identifier: %d %s", r.status, r.body)
	}
	r = app.postJSON(action(f), map[string]any{"method": "password", "password": "a new and long passphrase"})
	if r.status != 200 {
		t.Fatalf("new password: %d %s", r.status, r.body)
	}

	// Logout ends the token.
	r = app.do("DELETE", "/self-service/logout/api", jsonBody(map[string]any{"session_token": token}), map[string]string{"Content-Type": "application/json"})
	if r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if r := app.getJSON("/self-service/settings/api"); r.status != 401 {
		t.Fatalf("settings after logout: %d", r.status)
	}
}
