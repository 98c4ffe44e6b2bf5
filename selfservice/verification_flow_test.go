package selfservice

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
)

const testPassword = "Tr0ub4dor&3-horse"

// registerAPI signs jane up through the API and returns the answer.
func registerAPI(t *testing.T, e *env) map[string]any {
	t.Helper()
	app := e.api()
	f := app.getJSON("/self-service/registration/api").json(t)
	r := app.postJSON(action(f), map[string]any{"method": "password", "password": testPassword, "traits": seedTraits})
	if r.status != 200 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	return r.json(t)
}

func verifiable(t *testing.T, e *env, id string) identity.VerifiableAddress {
	t.Helper()
	i, err := e.ids.Get(context.Background(), uuid.MustParse(id))
	if err != nil {
		t.Fatal(err)
	}
	return i.VerifiableAddresses[0]
}

// A native app registers; continue_with names the verification flow the
// code was sent for; a wrong code is refused with 4070006, the right one
// verifies the address, and a replay changes nothing.
func TestVerificationByCodeAfterAPIRegistration(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("code"))
	reg := registerAPI(t, e)
	if continueWith(reg, "set_ory_session_token") == nil {
		t.Fatalf("continue_with lacks the session token: %v", reg["continue_with"])
	}
	show := continueWith(reg, "show_verification_ui")
	if show == nil {
		t.Fatalf("continue_with lacks show_verification_ui: %v", reg["continue_with"])
	}
	vf := show["flow"].(map[string]any)
	if vf["verifiable_address"] != "jane@example.org" || vf["url"] == "" {
		t.Fatalf("show_verification_ui: %v", vf)
	}
	id := reg["identity"].(map[string]any)["id"].(string)
	if a := verifiable(t, e, id); a.Status != identity.AddressSent || a.Verified {
		t.Fatalf("address after the mail was queued: %+v", a)
	}
	app := e.api()
	f := app.getJSON("/self-service/verification/flows?id=" + vf["id"].(string)).json(t)
	if f["state"] != "sent_email" || !hasID(messageIDs(f), 1080003) || findNode(f, "code") == nil {
		t.Fatalf("verification flow: %v", f)
	}
	c := mailCode(t, smtp, "jane@example.org", 1)
	wrong := "000000"
	if c == wrong {
		wrong = "111111"
	}
	r := app.postJSON(action(f), map[string]any{"method": "code", "code": wrong})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4070006) {
		t.Fatalf("wrong code: %d %s", r.status, r.body)
	}
	r = app.postJSON(action(f), map[string]any{"method": "code", "code": c})
	done := r.json(t)
	if r.status != 200 || done["state"] != "passed_challenge" || !hasID(messageIDs(done), 1080002) {
		t.Fatalf("right code: %d %s", r.status, r.body)
	}
	a := verifiable(t, e, id)
	if !a.Verified || a.Status != identity.AddressCompleted || a.VerifiedAt == nil {
		t.Fatalf("address after verification: %+v", a)
	}
	r = app.postJSON(action(f), map[string]any{"method": "code", "code": c})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4070002) {
		t.Fatalf("replay: %d %s", r.status, r.body)
	}
}

// The link in the mail works in any browser (it is the proof), shows the
// success on the flow's page, and works once.
func TestVerificationByLinkInAnotherBrowser(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("link"))
	b := e.browser()
	f := b.startBrowserFlow("verification", "")
	if findNode(f, "email") == nil || f["state"] != "choose_method" {
		t.Fatalf("verification form: %v", f)
	}
	if _, err := e.ids.Create(context.Background(), identity.CreateParams{Traits: mustJSON(seedTraits)}); err != nil {
		t.Fatal(err)
	}
	r := b.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"link"}, "email": {"Jane@Example.org"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	link := mailLink(t, smtp, "jane@example.org", 1)
	other := e.browser()
	r = other.get(link, nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("open link: %d %s", r.status, r.body)
	}
	u, _ := url.Parse(r.location())
	page := other.getJSON("/self-service/verification/flows?id=" + u.Query().Get("flow"))
	if page.status != 200 || page.json(t)["state"] != "passed_challenge" || !hasID(messageIDs(page.json(t)), 1080002) {
		t.Fatalf("after the link, the other browser sees: %d %s", page.status, page.body)
	}
	list, _, _ := e.ids.List(context.Background(), identity.ListParams{Size: 10})
	if !list[0].VerifiableAddresses[0].Verified {
		t.Fatal("the link did not verify the address")
	}
	// Used once: the second click gets a fresh flow saying the first
	// one already succeeded.
	r = other.get(link, nil)
	u, _ = url.Parse(r.location())
	again := other.getJSON("/self-service/verification/flows?id=" + u.Query().Get("flow")).json(t)
	if again["id"] == page.json(t)["id"] || !hasID(messageIDs(again), 4070002) {
		t.Fatalf("reused link: %v", again)
	}
}

// An address that leaves the account between the mail and the code is
// not verified, and the person is told why.
func TestVerificationOfAnAddressThatChanged(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("code"))
	reg := registerAPI(t, e)
	vf := continueWith(reg, "show_verification_ui")["flow"].(map[string]any)
	c := mailCode(t, smtp, "jane@example.org", 1)
	id := uuid.MustParse(reg["identity"].(map[string]any)["id"].(string))
	if _, err := e.ids.Update(context.Background(), id, func(i *identity.Identity) error {
		i.Traits = mustJSON(map[string]any{"email": "june@example.org", "full_name": "June", "phone_number": "+14155552671"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	app := e.api()
	f := app.getJSON("/self-service/verification/flows?id=" + vf["id"].(string)).json(t)
	r := app.postJSON(action(f), map[string]any{"method": "code", "code": c})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4070902) {
		t.Fatalf("code for a removed address: %d %s", r.status, r.body)
	}
	i, _ := e.ids.Get(context.Background(), id)
	if i.VerifiableAddresses[0].Verified {
		t.Fatal("the new address was verified by the old one's code")
	}
}

// require_verified_address refuses the login with 4000010 until the
// address is verified.
func TestLoginBlockedUntilVerified(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("code")+"    login: { after: { hooks: [{ hook: require_verified_address }] } }\n")
	reg := registerAPI(t, e)
	app := e.api()
	login := func() resp {
		f := app.getJSON("/self-service/login/api").json(t)
		return app.postJSON(action(f), map[string]any{"method": "password", "identifier": "jane@example.org", "password": testPassword})
	}
	if r := login(); r.status != 400 || !hasID(messageIDs(r.json(t)), 4000010) || r.json(t)["session_token"] != nil {
		t.Fatalf("unverified login: %d %s", r.status, r.body)
	}
	vf := continueWith(reg, "show_verification_ui")["flow"].(map[string]any)
	f := app.getJSON("/self-service/verification/flows?id=" + vf["id"].(string)).json(t)
	if r := app.postJSON(action(f), map[string]any{"method": "code", "code": mailCode(t, smtp, "jane@example.org", 1)}); r.status != 200 {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	if r := login(); r.status != 200 || r.json(t)["session_token"] == nil {
		t.Fatalf("verified login: %d %s", r.status, r.body)
	}
}

// The code mail's link verifies with one click; a browser sign-up with
// show_verification_ui lands on the verification page; bad addresses and
// expired flows get Kratos's answers.
func TestVerificationLinkInCodeMailAndBrowserSignUp(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("code")+"    registration: { after: { password: { hooks: [{ hook: session }, { hook: show_verification_ui }] } } }\n")
	b := e.browser()
	f := b.startBrowserFlow("registration", "")
	r := b.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"password"}, "password": {testPassword},
		"traits.email": {"jane@example.org"}, "traits.full_name": {"Jane Doe"}, "traits.phone_number": {"+14155552671"}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "/verification?flow=") {
		t.Fatalf("browser sign-up with show_verification_ui: %d %s", r.status, r.location())
	}
	m := smtp.WaitTo(t, "jane@example.org", 1)
	link := linkRE.FindString(m.Text)
	if !strings.Contains(link, "code=") {
		t.Fatalf("the code mail has no one-click link: %s", m.Text)
	}
	r = e.browser().get(link, nil)
	if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "/verification?flow=") {
		t.Fatalf("one-click link: %d %s", r.status, r.location())
	}
	list, _, _ := e.ids.List(context.Background(), identity.ListParams{Size: 1})
	if !list[0].VerifiableAddresses[0].Verified {
		t.Fatal("the one-click link did not verify")
	}

	app := e.api()
	vf := app.getJSON("/self-service/verification/api").json(t)
	for addr, want := range map[string]int{"": 4000002, "not an address": 4000004, "Jane <jane@example.org>": 4000004} {
		r := app.postJSON(action(vf), map[string]any{"method": "code", "email": addr})
		if r.status != 400 || !hasID(messageIDs(r.json(t)), want) {
			t.Errorf("email %q: %d %s", addr, r.status, r.body)
		}
	}
	if r := app.postJSON(action(vf), map[string]any{"method": "link", "email": "jane@example.org"}); r.status != 400 ||
		!hasID(messageIDs(r.json(t)), 4010006) {
		t.Errorf("a method other than flows.verification.use: %d %s", r.status, r.body)
	}
	e.clock.Add(2 * time.Hour)
	r = app.postJSON(action(vf), map[string]any{"method": "code", "email": "jane@example.org"})
	if r.status != http.StatusGone || errorID(r.json(t)) != "self_service_flow_expired" || r.json(t)["use_flow_id"] == nil {
		t.Fatalf("expired flow: %d %s", r.status, r.body)
	}
}
