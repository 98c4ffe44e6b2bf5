package selfservice

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/config"
)

// seedJane creates jane with a password and signs her in twice through
// the API, returning the two session tokens.
func seedJane(t *testing.T, e *env) []string {
	t.Helper()
	if _, err := e.ids.Create(context.Background(), identity.CreateParams{Traits: mustJSON(seedTraits),
		Password: &identity.PasswordInput{Password: testPassword}}); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for range 2 {
		app := e.api()
		f := app.getJSON("/self-service/login/api").json(t)
		r := app.postJSON(action(f), map[string]any{"method": "password", "identifier": "jane@example.org", "password": testPassword})
		if r.status != 200 {
			t.Fatalf("login: %d %s", r.status, r.body)
		}
		tokens = append(tokens, r.json(t)["session_token"].(string))
	}
	return tokens
}

func whoami(e *env, token string) int {
	s, err := e.sessions.ByToken(context.Background(), token)
	if err != nil || !s.IsActive(e.clock.Now()) {
		return 401
	}
	return 200
}

// A native app recovers by code: the same answer for known and unknown
// addresses, 4060006 for a wrong code, then a privileged session token
// and a settings flow in continue_with; the old sessions are revoked
// (revoke_active_sessions) and the new password works.
func TestRecoveryByCodeAPI(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("code"))
	old := seedJane(t, e)
	app := e.api()

	send := func(addr string) map[string]any {
		f := app.getJSON("/self-service/recovery/api").json(t)
		r := app.postJSON(action(f), map[string]any{"method": "code", "email": addr})
		if r.status != 200 {
			t.Fatalf("send to %s: %d %s", addr, r.status, r.body)
		}
		return r.json(t)
	}
	unknown := send("nobody@example.org")
	f := send("JANE@example.org")
	// No account enumeration: the same state, form and messages.
	shape := func(m map[string]any) []any {
		var names []any
		for _, n := range m["ui"].(map[string]any)["nodes"].([]any) {
			a := n.(map[string]any)["attributes"].(map[string]any)
			names = append(names, a["name"], a["type"])
		}
		return append(names, m["state"], messageIDs(m))
	}
	if !reflect.DeepEqual(shape(unknown), shape(f)) {
		t.Fatalf("known and unknown addresses answer differently:\n%v\n%v", shape(unknown), shape(f))
	}
	if f["state"] != "sent_email" || !hasID(messageIDs(f), 1060003) {
		t.Fatalf("sent: %v", f)
	}
	c := mailCode(t, smtp, "jane@example.org", 1)
	if n := len(smtp.Mails()); n != 1 {
		t.Fatalf("%d mails: an unknown address must get none unless notify_unknown_recipients is on", n)
	}
	wrong := "000000"
	if c == wrong {
		wrong = "111111"
	}
	r := app.postJSON(action(f), map[string]any{"method": "code", "code": wrong})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4060006) {
		t.Fatalf("wrong code: %d %s", r.status, r.body)
	}
	r = app.postJSON(action(f), map[string]any{"method": "code", "code": c})
	done := r.json(t)
	tok := continueWith(done, "set_ory_session_token")
	settings := continueWith(done, "show_settings_ui")
	if r.status != 200 || done["state"] != "passed_challenge" || tok == nil || settings == nil {
		t.Fatalf("right code: %d %s", r.status, r.body)
	}
	for _, o := range old {
		if whoami(e, o) != 401 {
			t.Fatal("revoke_active_sessions after recovery left an old session active")
		}
	}
	token := tok["ory_session_token"].(string)
	if whoami(e, token) != 200 {
		t.Fatal("the recovery session does not work")
	}
	// Set a new password in the settings flow with the new token.
	app.hdr.Set("X-Session-Token", token)
	sid := settings["flow"].(map[string]any)["id"].(string)
	sf := app.getJSON("/self-service/settings/flows?id=" + sid)
	if sf.status != 200 || !hasID(messageIDs(sf.json(t)), 1060001) {
		t.Fatalf("settings flow: %d %s", sf.status, sf.body)
	}
	r = app.postJSON(action(sf.json(t)), map[string]any{"method": "password", "password": "a-brand-new-Passw0rd!"})
	if r.status != 200 {
		t.Fatalf("new password: %d %s", r.status, r.body)
	}
	fresh := e.api()
	lf := fresh.getJSON("/self-service/login/api").json(t)
	if r := fresh.postJSON(action(lf), map[string]any{"method": "password", "identifier": "jane@example.org",
		"password": "a-brand-new-Passw0rd!"}); r.status != 200 {
		t.Fatalf("login with the new password: %d %s", r.status, r.body)
	}
}

// A browser recovers by link: the link signs it in and lands in settings.
func TestRecoveryByLinkBrowser(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("link"))
	old := seedJane(t, e)
	b := e.browser()
	f := b.startBrowserFlow("recovery", "")
	r := b.postForm(action(f), url.Values{"csrf_token": {csrfOf(f)}, "method": {"link"}, "email": {"jane@example.org"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	// A form post without the CSRF token is refused.
	if r := b.postForm(action(f), url.Values{"method": {"link"}, "email": {"jane@example.org"}}); r.status == http.StatusSeeOther &&
		!strings.Contains(r.location(), "/error") {
		t.Fatalf("recovery without CSRF: %d %s", r.status, r.location())
	}
	link := mailLink(t, smtp, "jane@example.org", 1)
	r = b.get(link, nil)
	if r.status != http.StatusSeeOther || !strings.Contains(r.location(), "/settings?flow=") {
		t.Fatalf("open link: %d %s", r.status, r.location())
	}
	u, _ := url.Parse(r.location())
	sf := b.getJSON("/self-service/settings/flows?id=" + u.Query().Get("flow"))
	if sf.status != 200 || !hasID(messageIDs(sf.json(t)), 1060001) {
		t.Fatalf("settings after recovery: %d %s", sf.status, sf.body)
	}
	r = b.postForm(action(sf.json(t)), url.Values{"csrf_token": {csrfOf(sf.json(t))}, "method": {"password"},
		"password": {"a-brand-new-Passw0rd!"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("new password: %d %s", r.status, r.body)
	}
	for _, o := range old {
		if whoami(e, o) != 401 {
			t.Fatal("an old session survived recovery")
		}
	}
	// The link works once.
	r = e.browser().get(link, nil)
	if strings.Contains(r.location(), "/settings") {
		t.Fatal("a used recovery link signed in again")
	}
}

// Wrong codes: after max_attempts the flow is dead, even for the right
// code. Expired codes and a link of another flow are refused.
func TestRecoveryBadSecrets(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("code")+"    login: {}\n  methods:\n    code: { config: { lifespan: 10m, max_attempts: 3 } }\n    link: { enabled: true }\n")
	seedJane(t, e)
	app := e.api()
	start := func() map[string]any {
		f := app.getJSON("/self-service/recovery/api").json(t)
		return app.postJSON(action(f), map[string]any{"method": "code", "email": "jane@example.org"}).json(t)
	}
	f := start()
	c := mailCode(t, smtp, "jane@example.org", 1)
	for i := range 3 {
		r := app.postJSON(action(f), map[string]any{"method": "code", "code": "99999" + string(rune('0'+i))})
		if r.status != 400 {
			t.Fatalf("guess %d: %d", i, r.status)
		}
	}
	r := app.postJSON(action(f), map[string]any{"method": "code", "code": c})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4060901) {
		t.Fatalf("right code after the limit: %d %s", r.status, r.body)
	}
	// Expired (the code lives 10 minutes, the flow an hour).
	f = start()
	c = mailCode(t, smtp, "jane@example.org", 2)
	e.clock.Add(11 * time.Minute)
	r = app.postJSON(action(f), map[string]any{"method": "code", "code": c})
	if r.status != 400 || !hasID(messageIDs(r.json(t)), 4060006) {
		t.Fatalf("expired code: %d %s", r.status, r.body)
	}
	// A code from one flow on another flow.
	f1 := start()
	c1 := mailCode(t, smtp, "jane@example.org", 3)
	f2 := start()
	mailCode(t, smtp, "jane@example.org", 4)
	if r := app.postJSON(action(f2), map[string]any{"method": "code", "code": c1}); r.status != 400 {
		t.Fatalf("code of another flow: %d %s", r.status, r.body)
	}
	// A verification code link presented to recovery.
	if r := app.getJSON("/self-service/recovery?flow=" + f1["id"].(string) + "&token=" + c1); r.status != 400 ||
		!hasID(messageIDs(r.json(t)), 4010005) {
		t.Fatalf("a link token on a code flow: %d %s", r.status, r.body)
	}
}

// notify_unknown_recipients mails an unknown address that no account
// uses it; recovery is refused to a signed-in person and when disabled.
func TestRecoveryUnknownRecipientsAndGuards(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("link")+"    login: {}\n")
	e.h.cfg.Flows.Recovery.NotifyUnknownRecipients = true
	app := e.api()
	f := app.getJSON("/self-service/recovery/api").json(t)
	app.postJSON(action(f), map[string]any{"method": "link", "email": "nobody@example.org"})
	m := smtp.WaitTo(t, "nobody@example.org", 1)
	if !strings.Contains(m.Text, "no account") || linkRE.MatchString(m.Text) {
		t.Fatalf("unknown-recipient mail: %s", m.Text)
	}
	tokens := seedJane(t, e)
	app.hdr.Set("X-Session-Token", tokens[0])
	if r := app.getJSON("/self-service/recovery/api"); r.status != 400 || errorID(r.json(t)) != "session_already_available" {
		t.Fatalf("recovery with a session: %d %s", r.status, r.body)
	}
	e.h.cfg.Flows.Recovery.Enabled = new(bool)
	if r := e.api().getJSON("/self-service/recovery/api"); r.status != 400 || errorID(r.json(t)) != "self_service_flow_disabled" {
		t.Fatalf("disabled recovery: %d %s", r.status, r.body)
	}
}

// Admins make recovery links and codes for an identity.
func TestAdminRecovery(t *testing.T) {
	e, _ := newMailEnv(t, mailYAML("link"))
	seedJane(t, e)
	list, _, _ := e.ids.List(context.Background(), identity.ListParams{Size: 1})
	id := list[0].ID.String()
	admin := e.api()
	r := admin.postJSON("/admin/recovery/link", map[string]any{"identity_id": id, "expires_in": "15m"})
	if r.status != 200 {
		t.Fatalf("link: %d %s", r.status, r.body)
	}
	link := r.json(t)["recovery_link"].(string)
	if got := e.browser().get(link, nil); !strings.Contains(got.location(), "/settings?flow=") {
		t.Fatalf("admin link: %d %s", got.status, got.location())
	}
	r = admin.postJSON("/admin/recovery/code", map[string]any{"identity_id": id, "flow_type": "api"})
	if r.status != 201 {
		t.Fatalf("code: %d %s", r.status, r.body)
	}
	body := r.json(t)
	u, _ := url.Parse(body["recovery_link"].(string))
	app := e.api()
	f := app.getJSON("/self-service/recovery/flows?id=" + u.Query().Get("flow")).json(t)
	r = app.postJSON(action(f), map[string]any{"method": "code", "code": body["recovery_code"]})
	if r.status != 200 || continueWith(r.json(t), "set_ory_session_token") == nil {
		t.Fatalf("admin code: %d %s", r.status, r.body)
	}
	for _, bad := range []map[string]any{{"identity_id": "00000000-0000-0000-0000-000000000001"}, {"identity_id": id, "expires_in": "-1h"}, {}} {
		if r := admin.postJSON("/admin/recovery/code", bad); r.status != 404 && r.status != 400 {
			t.Errorf("%v: %d %s", bad, r.status, r.body)
		}
	}
}

// Links only work for their own flow and purpose, and a recovery address
// that left the account in the meantime no longer recovers it.
func TestRecoveryLinksForAnotherFlowAndChangedAddress(t *testing.T) {
	e, smtp := newMailEnv(t, mailYAML("link"))
	seedJane(t, e)
	app := e.api()
	send := func(kind string) map[string]any {
		f := app.getJSON("/self-service/" + kind + "/api").json(t)
		if r := app.postJSON(action(f), map[string]any{"method": "link", "email": "jane@example.org"}); r.status != 200 {
			t.Fatalf("send %s: %d %s", kind, r.status, r.body)
		}
		return f
	}
	rf := send("recovery")
	rlink := mailLink(t, smtp, "jane@example.org", 1)
	vf := send("verification")
	vlink := mailLink(t, smtp, "jane@example.org", 2)
	token := func(link string) string { u, _ := url.Parse(link); return u.Query().Get("token") }

	// A verification link on the recovery endpoint: no such recovery flow.
	if r := app.getJSON("/self-service/recovery?flow=" + vf["id"].(string) + "&token=" + token(vlink)); r.status != 404 {
		t.Fatalf("verification link as recovery: %d %s", r.status, r.body)
	}
	// The recovery token under another recovery flow's id.
	other := send("recovery")
	mailLink(t, smtp, "jane@example.org", 3)
	if r := app.getJSON("/self-service/recovery?flow=" + other["id"].(string) + "&token=" + token(rlink)); r.status != 400 ||
		!hasID(messageIDs(r.json(t)), 4060004) {
		t.Fatalf("recovery token on another flow: %d %s", r.status, r.body)
	}
	// A browser following that link gets a fresh flow of its own with
	// the message, not an error page.
	b := e.browser()
	r := b.get("/self-service/recovery?flow="+other["id"].(string)+"&token="+token(rlink), nil)
	u, _ := url.Parse(r.location())
	if r.status != http.StatusSeeOther || u.Path != "/recovery" {
		t.Fatalf("browser on a bad link: %d %s", r.status, r.location())
	}
	if f := b.getJSON("/self-service/recovery/flows?id=" + u.Query().Get("flow")).json(t); !hasID(messageIDs(f), 4060004) {
		t.Fatalf("fresh flow after a bad link: %v", f)
	}

	// jane changes her address; the link sent to the old one stops working.
	list, _, _ := e.ids.List(context.Background(), identity.ListParams{Size: 1})
	if _, err := e.ids.Update(context.Background(), list[0].ID, func(i *identity.Identity) error {
		i.Traits = mustJSON(map[string]any{"email": "june@example.org", "full_name": "June", "phone_number": "+14155552671"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if r := app.getJSON("/self-service/recovery?flow=" + rf["id"].(string) + "&token=" + token(rlink)); r.status != 400 ||
		!hasID(messageIDs(r.json(t)), 4060902) {
		t.Fatalf("link to a removed address: %d %s", r.status, r.body)
	}
	// A browser posting without its CSRF token is refused.
	f := b.startBrowserFlow("recovery", "")
	if r := b.postJSON(action(f), map[string]any{"method": "link", "email": "june@example.org"}); r.status != http.StatusForbidden ||
		errorID(r.json(t)) != "security_csrf_violation" {
		t.Fatalf("recovery post without CSRF: %d %s", r.status, r.body)
	}
}

// Templates see the identity's traits and the submission's
// transient_payload.
func TestRecoveryTemplateData(t *testing.T) {
	subject := "base64://" + b64(`Hi {{ .Identity.traits.full_name }} ({{ .TransientPayload.app }})`)
	tc := config.Courier{Templates: &config.CourierTemplates{RecoveryCode: &config.TemplateVariants{
		Valid: &config.TemplateChannels{Email: &config.EmailTemplateURLs{Subject: subject}}}}}
	e, smtp := newMailEnv(t, mailYAML("code"), tc)
	seedJane(t, e)
	app := e.api()
	f := app.getJSON("/self-service/recovery/api").json(t)
	app.postJSON(action(f), map[string]any{"method": "code", "email": "jane@example.org", "transient_payload": map[string]any{"app": "ios"}})
	if m := smtp.WaitTo(t, "jane@example.org", 1); m.Subject != "Hi Jane Doe (ios)" {
		t.Fatalf("subject = %q", m.Subject)
	}
}
