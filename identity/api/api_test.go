package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/api"
	"github.com/cerberus-iam/cerberus/identity/identitytest"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/pagination"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
)

type env struct {
	public, admin *httptest.Server
	ids           *identity.Service
	sessions      *session.Manager
}

func newEnv(t *testing.T) *env {
	t.Helper()
	pool := pgtest.New(t)
	ids := identitytest.NewService(t, pool)
	m := session.New(session.Config{Pool: pool, PublicBaseURL: "http://127.0.0.1:4433/"})
	h := &api.Handler{Identities: ids, Sessions: m}
	pub, adm := http.NewServeMux(), http.NewServeMux()
	h.MountPublic(pub)
	h.MountAdmin(adm)
	e := &env{public: httptest.NewServer(httpx.WithRequestID(pub)), admin: httptest.NewServer(httpx.WithRequestID(adm)), ids: ids, sessions: m}
	t.Cleanup(e.public.Close)
	t.Cleanup(e.admin.Close)
	return e
}

type resp struct {
	code int
	hdr  http.Header
	body []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not a JSON object (%d): %s", r.code, r.body)
	}
	return m
}

func do(t *testing.T, method, url, body string, hdr ...string) resp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k := 0; k+1 < len(hdr); k += 2 {
		req.Header.Set(hdr[k], hdr[k+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

const bcryptHash = "$2a$04$hN1j.y.62o63uW5BgBlvf.Bfvp4rxaL.c5YZ6VBx3UE2.TbglltWC" // correct horse battery staple

func identityBody(email string) string {
	return fmt.Sprintf(`{"schema_id":"default","traits":{"email":%q,"full_name":"Jane Doe","phone_number":"+4930901820"},
		"credentials":{"password":{"config":{"hashed_password":%q}}}}`, email, bcryptHash)
}

func (e *env) count(t *testing.T) int {
	t.Helper()
	r := do(t, "GET", e.admin.URL+"/admin/identities?page_size=1000", "")
	var list []any
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatalf("list: %d %s", r.code, r.body)
	}
	return len(list)
}

func TestAdminIdentityLifecycle(t *testing.T) {
	e := newEnv(t)
	r := do(t, "POST", e.admin.URL+"/admin/identities", identityBody("Jane@Example.org"))
	if r.code != 201 {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	created := r.json(t)
	id := created["id"].(string)
	if r.hdr.Get("Location") != "/admin/identities/"+id || !strings.Contains(r.hdr.Get("Cache-Control"), "no-store") {
		t.Errorf("headers: %v", r.hdr)
	}
	if created["schema_url"] != "http://127.0.0.1:4433/schemas/ZGVmYXVsdA" || created["state"] != "active" {
		t.Errorf("created: %s", r.body)
	}
	pw := created["credentials"].(map[string]any)["password"].(map[string]any)
	if pw["type"] != "password" || fmt.Sprint(pw["identifiers"]) != "[jane@example.org]" || fmt.Sprint(pw["config"]) != "map[]" {
		t.Errorf("password credential: %v", pw)
	}
	for _, u := range []string{"/admin/identities/" + id, "/admin/identities/" + id + "?include_credential=password"} {
		r = do(t, "GET", e.admin.URL+u, "")
		if r.code != 200 || strings.Contains(string(r.body), "$2a$") || strings.Contains(string(r.body), "hashed_password") {
			t.Errorf("GET %s leaks the hash or fails: %d %s", u, r.code, r.body)
		}
	}

	// PUT replaces traits and metadata.
	r = do(t, "PUT", e.admin.URL+"/admin/identities/"+id,
		`{"schema_id":"default","state":"active","traits":{"email":"jane@example.org","full_name":"Jane Q. Doe","phone_number":"+4930901820"},"metadata_public":{"tier":"gold"}}`)
	if r.code != 200 || r.json(t)["metadata_public"].(map[string]any)["tier"] != "gold" {
		t.Fatalf("PUT: %d %s", r.code, r.body)
	}

	// JSON Patch: mark the e-mail verified and change a trait.
	r = do(t, "PATCH", e.admin.URL+"/admin/identities/"+id,
		`[{"op":"replace","path":"/verifiable_addresses/0/verified","value":true},{"op":"replace","path":"/traits/full_name","value":"J. Doe"}]`)
	if r.code != 200 {
		t.Fatalf("PATCH: %d %s", r.code, r.body)
	}
	p := r.json(t)
	va := p["verifiable_addresses"].([]any)[0].(map[string]any)
	if va["verified"] != true || va["status"] != "completed" || va["verified_at"] == nil || p["traits"].(map[string]any)["full_name"] != "J. Doe" {
		t.Errorf("after patch: %s", r.body)
	}
	for _, bad := range []string{
		`[{"op":"replace","path":"/id","value":"00000000-0000-0000-0000-000000000000"}]`,
		`[{"op":"add","path":"/credentials/password/config/hashed_password","value":"x"}]`,
		`[{"op":"remove","path":"/traits/email"}]`,
		`[{"op":"frobnicate","path":"/traits"}]`,
		`{"op":"replace"}`,
	} {
		if r = do(t, "PATCH", e.admin.URL+"/admin/identities/"+id, bad); r.code != 400 || r.json(t)["error"] == nil {
			t.Errorf("patch %s: %d %s", bad, r.code, r.body)
		}
	}

	// Deactivate through PATCH; delete.
	r = do(t, "PATCH", e.admin.URL+"/admin/identities/"+id, `[{"op":"replace","path":"/state","value":"inactive"}]`)
	if r.code != 200 || r.json(t)["state"] != "inactive" {
		t.Fatalf("deactivate: %d %s", r.code, r.body)
	}
	if r = do(t, "DELETE", e.admin.URL+"/admin/identities/"+id, ""); r.code != 204 {
		t.Fatalf("delete: %d", r.code)
	}
	if r = do(t, "GET", e.admin.URL+"/admin/identities/"+id, ""); r.code != 404 || r.json(t)["error"].(map[string]any)["code"] != 404.0 {
		t.Fatalf("get deleted: %d %s", r.code, r.body)
	}
}

// Every bad request gets a 4xx with Ory's error JSON and changes nothing.
func TestAdminBadInput(t *testing.T) {
	e := newEnv(t)
	first := do(t, "POST", e.admin.URL+"/admin/identities", identityBody("taken@example.org"))
	if first.code != 201 {
		t.Fatalf("seed: %d %s", first.code, first.body)
	}
	id := first.json(t)["id"].(string)
	cases := []struct {
		name, method, path, body string
		code                     int
		reason                   string
	}{
		{"malformed JSON", "POST", "/admin/identities", `{"traits":`, 400, "ends in the middle"},
		{"not JSON at all", "POST", "/admin/identities", `traits=1`, 400, "not valid JSON"},
		{"wrong type", "POST", "/admin/identities", `{"traits":{},"state":5}`, 400, "state"},
		{"traits not an object", "POST", "/admin/identities", `{"traits":"x"}`, 400, "traits must be an object"},
		{"id is not settable", "POST", "/admin/identities", `{"id":"x","traits":{}}`, 400, "Unknown field"},
		{"unknown schema", "POST", "/admin/identities", `{"schema_id":"nope","traits":{}}`, 400, "schema_id"},
		{"schema violations", "POST", "/admin/identities", `{"traits":{"email":"bad","extra":1}}`, 400, "#/traits/email"},
		{"unparseable hash", "POST", "/admin/identities",
			`{"traits":{"email":"a@example.org","full_name":"A","phone_number":"+4930901820"},"credentials":{"password":{"config":{"hashed_password":"$argon2id$v=19$m=1"}}}}`, 400, "hashed_password"},
		{"unknown hash format", "POST", "/admin/identities",
			`{"traits":{"email":"a@example.org","full_name":"A","phone_number":"+4930901820"},"credentials":{"password":{"config":{"hashed_password":"hunter2"}}}}`, 400, "no supported format"},
		{"migration hook", "POST", "/admin/identities",
			`{"traits":{"email":"a@example.org","full_name":"A","phone_number":"+4930901820"},"credentials":{"password":{"config":{"use_password_migration_hook":true}}}}`, 400, "migration"},
		{"duplicate identifier", "POST", "/admin/identities", identityBody("TAKEN@example.org"), 409, "conflicts"},
		{"foreign page token", "GET", "/admin/identities?page_token=dGVzdA", "", 400, "page_token"},
		{"session page token on identities", "GET", "/admin/identities?page_token=" + pagination.Token("sessions", "00000000-0000-4000-8000-000000000001"), "", 400, "page_token"},
		{"bad page size", "GET", "/admin/identities?page_size=many", "", 400, "page_size"},
		{"combined filters", "GET", "/admin/identities?ids=" + id + "&credentials_identifier=x", "", 400, "combine"},
		{"bad ids", "GET", "/admin/identities?ids=nope", "", 400, "UUID"},
		{"bad expand", "GET", "/admin/sessions?expand=everything", "", 400, "expand"},
		{"unknown identity", "GET", "/admin/identities/00000000-0000-4000-8000-000000000000", "", 404, ""},
		{"malformed id", "GET", "/admin/identities/not-a-uuid", "", 404, ""},
		{"remove first factor", "DELETE", "/admin/identities/" + id + "/credentials/password", "", 400, "first factor"},
		{"put without traits", "PUT", "/admin/identities/" + id, `{"state":"active"}`, 400, "traits"},
		{"put bad state", "PUT", "/admin/identities/" + id, `{"state":"gone","traits":{"email":"taken@example.org","full_name":"A","phone_number":"+4930901820"}}`, 400, "state"},
		{"wrong content type", "POST", "/admin/identities", ``, 415, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r resp
			if tc.name == "wrong content type" {
				r = do(t, "POST", e.admin.URL+"/admin/identities", "x", "Content-Type", "text/plain")
			} else {
				r = do(t, tc.method, e.admin.URL+tc.path, tc.body)
			}
			if r.code != tc.code {
				t.Fatalf("%d, want %d: %s", r.code, tc.code, r.body)
			}
			errObj, _ := r.json(t)["error"].(map[string]any)
			if errObj == nil || errObj["code"] != float64(tc.code) || errObj["status"] != http.StatusText(tc.code) || errObj["message"] == "" {
				t.Fatalf("not Ory error JSON: %s", r.body)
			}
			if reason, _ := errObj["reason"].(string); !strings.Contains(reason, tc.reason) {
				t.Errorf("reason %q does not mention %q", reason, tc.reason)
			}
		})
	}
	// Schema violations name every failing trait.
	r := do(t, "POST", e.admin.URL+"/admin/identities", `{"traits":{"email":"bad","extra":1}}`)
	details := r.json(t)["error"].(map[string]any)["details"].(map[string]any)["errors"].([]any)
	var ptrs []string
	for _, v := range details {
		ptrs = append(ptrs, v.(map[string]any)["instance_ptr"].(string))
	}
	if fmt.Sprint(ptrs) != "[/traits/email /traits/extra /traits/full_name /traits/phone_number]" {
		t.Errorf("violations: %v", ptrs)
	}
	if n := e.count(t); n != 1 {
		t.Fatalf("%d identities after refused requests, want 1", n)
	}
	got := do(t, "GET", e.admin.URL+"/admin/identities/"+id, "")
	if !bytes.Equal(got.body, first.body) {
		t.Errorf("the seed identity changed:\n%s\n%s", first.body, got.body)
	}
}

func TestConcurrentDuplicateCreateOverHTTP(t *testing.T) {
	e := newEnv(t)
	const n = 6
	codes := make([]int, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[k] = do(t, "POST", e.admin.URL+"/admin/identities", identityBody("dup@example.org")).code
		}()
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("unexpected status %d", c)
		}
	}
	if created != 1 {
		t.Fatalf("codes %v: want exactly one 201 and the rest 409", codes)
	}
}

func TestPaginationOver1000Identities(t *testing.T) {
	e := newEnv(t)
	for batch := range 2 {
		var recs []string
		for k := range 500 {
			email := fmt.Sprintf("user%04d@example.org", batch*500+k)
			recs = append(recs, fmt.Sprintf(`{"patch_id":"%s","create":{"traits":{"email":%q,"full_name":"U","phone_number":"+4930901820"}}}`,
				fmt.Sprintf("00000000-0000-4000-8000-%012d", batch*500+k), email))
		}
		r := do(t, "PATCH", e.admin.URL+"/admin/identities", `{"identities":[`+strings.Join(recs, ",")+`]}`)
		if r.code != 200 {
			t.Fatalf("batch: %d %s", r.code, r.body[:min(len(r.body), 500)])
		}
	}
	seen := map[string]bool{}
	last := ""
	next := e.admin.URL + "/admin/identities?page_size=100"
	pages := 0
	for next != "" {
		r := do(t, "GET", next, "")
		if r.code != 200 {
			t.Fatalf("page %d: %d %s", pages, r.code, r.body)
		}
		var list []map[string]any
		_ = json.Unmarshal(r.body, &list)
		for _, i := range list {
			id := i["id"].(string)
			if seen[id] || id <= last {
				t.Fatalf("id %s repeated or out of order", id)
			}
			seen[id], last = true, id
		}
		pages++
		next = ""
		for _, part := range strings.Split(r.hdr.Get("Link"), ",") {
			if strings.Contains(part, `rel="next"`) {
				next = e.admin.URL + strings.TrimSuffix(strings.SplitN(strings.TrimPrefix(strings.TrimSpace(part), "<"), ">", 2)[0], "")
			}
		}
	}
	if len(seen) != 1000 || pages != 10 {
		t.Fatalf("walked %d identities in %d pages, want 1000 in 10", len(seen), pages)
	}
	// The identifier filter finds one, case-insensitively.
	r := do(t, "GET", e.admin.URL+"/admin/identities?credentials_identifier=USER0042@example.org", "")
	var list []map[string]any
	_ = json.Unmarshal(r.body, &list)
	if len(list) != 0 {
		// Batch-created identities have no password credential, so no
		// identifier: the filter matches credentials only, as in Kratos.
		t.Fatalf("credentials_identifier matched an identity without credentials: %s", r.body)
	}
}

func TestBatchReportsPerRecordFailures(t *testing.T) {
	e := newEnv(t)
	r := do(t, "PATCH", e.admin.URL+"/admin/identities", `{"identities":[
		{"patch_id":"00000000-0000-4000-8000-000000000001","create":`+identityBody("one@example.org")+`},
		{"patch_id":"00000000-0000-4000-8000-000000000002","create":`+identityBody("ONE@example.org")+`},
		{"patch_id":"00000000-0000-4000-8000-000000000003","create":{"traits":{"email":"nope"}}},
		{"patch_id":"00000000-0000-4000-8000-000000000004","create":{"traits":{},"state":7}},
		{"patch_id":"00000000-0000-4000-8000-000000000005","create":`+identityBody("two@example.org")+`}]}`)
	if r.code != 200 {
		t.Fatalf("batch: %d %s", r.code, r.body)
	}
	var raw struct {
		Identities []map[string]any `json:"identities"`
	}
	_ = json.Unmarshal(r.body, &raw)
	want := []string{"create", "error", "error", "error", "create"}
	for k, res := range raw.Identities {
		if res["action"] != want[k] {
			t.Errorf("record %d: %v", k, res)
		}
		if want[k] == "error" {
			if e, _ := res["error"].(map[string]any); e == nil || e["code"] == nil {
				t.Errorf("record %d has no error JSON: %v", k, res)
			}
		}
	}
	if raw.Identities[1]["error"].(map[string]any)["code"] != 409.0 {
		t.Errorf("duplicate record: %v", raw.Identities[1])
	}
	if n := e.count(t); n != 2 {
		t.Fatalf("%d identities, want 2", n)
	}
}

func TestWhoamiAndSessionRoutes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := do(t, "POST", e.admin.URL+"/admin/identities", identityBody("who@example.org"))
	i := r.json(t)
	idID := i["id"].(string)
	ident, _ := e.ids.Get(ctx, mustUUID(t, idID))
	issue := func() (*session.Session, string) {
		s, tok, err := e.sessions.Issue(ctx, session.IssueParams{IdentityID: ident.ID,
			Methods: []session.AuthenticationMethod{{Method: "password", AAL: identity.AAL1}}})
		if err != nil {
			t.Fatal(err)
		}
		return s, tok
	}
	s1, tok := issue()
	for name, hdr := range map[string][]string{
		"cookie":          {"Cookie", "cerberus_session=" + tok},
		"X-Session-Token": {"X-Session-Token", tok},
		"bearer":          {"Authorization", "Bearer " + tok},
	} {
		r := do(t, "GET", e.public.URL+"/sessions/whoami", "", hdr...)
		if r.code != 200 || r.hdr.Get("X-Kratos-Authenticated-Identity-Id") != idID {
			t.Fatalf("%s: %d %s", name, r.code, r.body)
		}
		w := r.json(t)
		if w["id"] != s1.ID.String() || w["identity"].(map[string]any)["traits"].(map[string]any)["email"] != "who@example.org" {
			t.Errorf("%s: %s", name, r.body)
		}
	}
	// POST works too (Kratos answers whoami on any method).
	if r := do(t, "POST", e.public.URL+"/sessions/whoami", "", "X-Session-Token", tok); r.code != 200 {
		t.Errorf("POST whoami: %d", r.code)
	}
	for name, hdr := range map[string][]string{
		"none":         {},
		"wrong length": {"X-Session-Token", tok + "x"},
		"unknown":      {"X-Session-Token", "ory_st_" + strings.Repeat("A", len(tok)-7)},
	} {
		r := do(t, "GET", e.public.URL+"/sessions/whoami", "", hdr...)
		if r.code != 401 || r.json(t)["error"].(map[string]any)["code"] != 401.0 {
			t.Errorf("%s: %d %s", name, r.code, r.body)
		}
	}

	// My other sessions.
	s2, tok2 := issue()
	r = do(t, "GET", e.public.URL+"/sessions", "", "X-Session-Token", tok)
	var mine []map[string]any
	_ = json.Unmarshal(r.body, &mine)
	if r.code != 200 || len(mine) != 1 || mine[0]["id"] != s2.ID.String() {
		t.Fatalf("GET /sessions: %d %s", r.code, r.body)
	}
	if r = do(t, "DELETE", e.public.URL+"/sessions/"+s1.ID.String(), "", "X-Session-Token", tok); r.code != 400 {
		t.Errorf("revoking the current session via /sessions/{id}: %d", r.code)
	}
	if r = do(t, "DELETE", e.public.URL+"/sessions/"+s2.ID.String(), "", "X-Session-Token", tok); r.code != 204 {
		t.Errorf("revoking my other session: %d %s", r.code, r.body)
	}
	if r = do(t, "GET", e.public.URL+"/sessions/whoami", "", "X-Session-Token", tok2); r.code != 401 {
		t.Errorf("revoked session still answers: %d", r.code)
	}
	issue()
	issue()
	if r = do(t, "DELETE", e.public.URL+"/sessions", "", "X-Session-Token", tok); r.code != 200 || r.json(t)["count"] != 2.0 {
		t.Errorf("DELETE /sessions: %d %s", r.code, r.body)
	}

	// Admin session routes.
	r = do(t, "GET", e.admin.URL+"/admin/identities/"+idID+"/sessions?active=true", "")
	var list []map[string]any
	_ = json.Unmarshal(r.body, &list)
	if r.code != 200 || len(list) != 1 || list[0]["devices"] == nil {
		t.Fatalf("identity sessions: %d %s", r.code, r.body)
	}
	r = do(t, "GET", e.admin.URL+"/admin/sessions/"+s1.ID.String()+"?expand=identity", "")
	if r.code != 200 || r.json(t)["identity"] == nil {
		t.Fatalf("get session: %d %s", r.code, r.body)
	}
	if r = do(t, "PATCH", e.admin.URL+"/admin/sessions/"+s1.ID.String()+"/extend", ""); r.code != 200 {
		t.Fatalf("extend: %d %s", r.code, r.body)
	}
	if r = do(t, "DELETE", e.admin.URL+"/admin/sessions/"+s1.ID.String(), ""); r.code != 204 {
		t.Fatalf("admin revoke: %d", r.code)
	}
	// The very next request is refused.
	if r = do(t, "GET", e.public.URL+"/sessions/whoami", "", "X-Session-Token", tok); r.code != 401 {
		t.Fatalf("whoami after admin revoke: %d", r.code)
	}
	_, tok3 := issue()
	if r = do(t, "DELETE", e.admin.URL+"/admin/identities/"+idID+"/sessions", ""); r.code != 204 {
		t.Fatalf("revoke identity sessions: %d", r.code)
	}
	if r = do(t, "GET", e.public.URL+"/sessions/whoami", "", "Cookie", "cerberus_session="+tok3); r.code != 401 {
		t.Fatalf("whoami after revoking all: %d", r.code)
	}
}

func TestSchemaRoutes(t *testing.T) {
	e := newEnv(t)
	r := do(t, "GET", e.public.URL+"/schemas", "")
	var list []map[string]any
	_ = json.Unmarshal(r.body, &list)
	if r.code != 200 || len(list) != 2 || list[0]["id"] != "default" || list[0]["schema"] == nil {
		t.Fatalf("/schemas: %d %s", r.code, r.body)
	}
	for _, p := range []string{"/schemas/default", "/schemas/ZGVmYXVsdA"} {
		r = do(t, "GET", e.public.URL+p, "")
		if r.code != 200 || r.json(t)["$id"] != "https://schemas.ory.sh/presets/kratos/identity.email.schema.json" {
			t.Errorf("%s: %d %s", p, r.code, r.body)
		}
	}
	if r = do(t, "GET", e.public.URL+"/schemas/nope", ""); r.code != 404 {
		t.Errorf("unknown schema: %d", r.code)
	}
	if r = do(t, "GET", e.admin.URL+"/admin/schemas/default", ""); r.code != 200 {
		t.Errorf("admin schema: %d", r.code)
	}
}
