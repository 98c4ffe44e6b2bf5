package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// seed000Config is the identity part of seed 000's Kratos config: its
// custom schema (email + full_name + phone_number) pasted as base64.
func seed000Config(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "identity", "schema", "testdata", "seed000.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`identity:
  default_schema_id: default
  schemas:
    - id: default
      url: base64://%s
hashers:
  argon2: { memory: 64KB, iterations: 1 }
`, base64Std(b))
}

func httpDo(t *testing.T, method, url, body string, hdr ...string) (int, http.Header, []byte) {
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
	return res.StatusCode, res.Header, b
}

// TestIdentityAdminAPIAndWhoamiThroughTheBinary drives the real binary:
// admin create/get/list with the seed-000 schema, then whoami by cookie and
// by header for a session stored in the same database, and its immediate
// end after an admin revocation.
func TestIdentityAdminAPIAndWhoamiThroughTheBinary(t *testing.T) {
	dsn := pgtest.NewDSN(t)
	in := testbin.Start(t, testbin.Options{DSN: dsn, Config: seed000Config(t)})

	code, _, body := httpDo(t, "POST", in.Admin+"/admin/identities", `{"traits":{"email":"Seed@Example.org","full_name":"Seed User","phone_number":"+4930901820"},
		"credentials":{"password":{"config":{"password":"correct horse battery staple"}}}}`)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var created map[string]any
	_ = json.Unmarshal(body, &created)
	id := created["id"].(string)
	if created["schema_url"] != in.Public+"/schemas/ZGVmYXVsdA" {
		t.Errorf("schema_url = %v", created["schema_url"])
	}
	code, _, body = httpDo(t, "POST", in.Admin+"/admin/identities", `{"traits":{"email":"x@example.org"}}`)
	if code != 400 || !strings.Contains(string(body), "#/traits/full_name") {
		t.Errorf("seed schema violation: %d %s", code, body)
	}
	code, _, body = httpDo(t, "GET", in.Public+"/schemas/ZGVmYXVsdA", "")
	if code != 200 || !strings.Contains(string(body), "phone_number") {
		t.Errorf("schema route: %d %s", code, body)
	}

	// A session stored through the Go API the self-service head uses.
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m := session.New(session.Config{Pool: pool})
	s, tok, err := m.Issue(context.Background(), session.IssueParams{IdentityID: uuid.MustParse(id),
		Methods: []session.AuthenticationMethod{{Method: "password", AAL: identity.AAL1}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, hdr := range [][]string{{"Cookie", "cerberus_session=" + tok}, {"X-Session-Token", tok}, {"Authorization", "Bearer " + tok}} {
		code, h, body := httpDo(t, "GET", in.Public+"/sessions/whoami", "", hdr...)
		if code != 200 || h.Get("X-Kratos-Authenticated-Identity-Id") != id || !strings.Contains(string(body), `"email":"Seed@Example.org"`) {
			t.Fatalf("whoami via %s: %d %s", hdr[0], code, body)
		}
	}
	if code, _, _ := httpDo(t, "DELETE", in.Admin+"/admin/sessions/"+s.ID.String(), ""); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	if code, _, body := httpDo(t, "GET", in.Public+"/sessions/whoami", "", "X-Session-Token", tok); code != 401 || !strings.Contains(string(body), `"code":401`) {
		t.Fatalf("whoami after revoke: %d %s", code, body)
	}
	if code, _, _ := httpDo(t, "GET", in.Public+"/sessions/whoami", "", "X-Session-Token", "short"); code != 401 {
		t.Fatalf("whoami with a wrong-length token: %d", code)
	}
}

// TestIdentitiesCLI runs `cerberus identities import|list|get|delete`
// against the admin API of a running binary.
func TestIdentitiesCLI(t *testing.T) {
	in := testbin.Start(t, testbin.Options{DSN: pgtest.NewDSN(t), Config: seed000Config(t)})
	ctx := context.Background()
	dir := t.TempDir()
	env := []string{"CERBERUS_ADMIN_URL=" + in.Admin}

	// JSON lines: two good records, one duplicate, one schema violation,
	// one unparseable hash; the good ones must land.
	lines := strings.Join([]string{
		`{"traits":{"email":"a@example.org","full_name":"A","phone_number":"+4930901820"},"credentials":{"password":{"config":{"hashed_password":"$2a$04$hN1j.y.62o63uW5BgBlvf.Bfvp4rxaL.c5YZ6VBx3UE2.TbglltWC"}}}}`,
		`{"traits":{"email":"b@example.org","full_name":"B","phone_number":"+4930901820"}}`,
		`{"traits":{"email":"A@example.org","full_name":"A2","phone_number":"+4930901820"},"credentials":{"password":{"config":{"password":"x-y-z-secret"}}}}`,
		`{"traits":{"email":"c@example.org"}}`,
		`{"traits":{"email":"d@example.org","full_name":"D","phone_number":"+4930901820"},"credentials":{"password":{"config":{"hashed_password":"$pbkdf2-sha256$i=x"}}}}`,
	}, "\n")
	jl := filepath.Join(dir, "ids.jsonl")
	os.WriteFile(jl, []byte(lines), 0o600)
	out, code := testbin.Run(t, ctx, env, "identities", "import", jl, "--batch-size", "2")
	if code == 0 || !strings.Contains(out, "Imported 2 of 5 identities; 3 failed.") ||
		!strings.Contains(out, "record 3: 409") || !strings.Contains(out, "record 4: 400") || !strings.Contains(out, "record 5: 400") ||
		!strings.Contains(out, "5/5 processed") {
		t.Fatalf("import jsonl (exit %d):\n%s", code, out)
	}

	arr := filepath.Join(dir, "ids.json")
	os.WriteFile(arr, []byte(`[{"traits":{"email":"e@example.org","full_name":"E","phone_number":"+4930901820"}}]`), 0o600)
	if out, code := testbin.Run(t, ctx, env, "identities", "import", arr); code != 0 || !strings.Contains(out, "Imported 1 of 1 identities.") {
		t.Fatalf("import array (exit %d):\n%s", code, out)
	}
	if out, code := testbin.Run(t, ctx, env, "identities", "import", filepath.Join(dir, "missing.json")); code == 0 {
		t.Fatalf("import of a missing file succeeded:\n%s", out)
	}

	out, code = testbin.Run(t, ctx, env, "identities", "list", "--format", "json", "--page-size", "2")
	var list []map[string]any
	if code != 0 || json.Unmarshal([]byte(out[:strings.LastIndex(out, "]")+1]), &list) != nil || len(list) != 3 {
		t.Fatalf("list (exit %d):\n%s", code, out)
	}
	out, code = testbin.Run(t, ctx, env, "identities", "list")
	if code != 0 || !strings.Contains(out, "a@example.org") || !strings.Contains(out, "3 identities.") {
		t.Fatalf("list table (exit %d):\n%s", code, out)
	}
	var aID string
	for _, i := range list {
		if i["traits"].(map[string]any)["email"] == "a@example.org" {
			aID = i["id"].(string)
		}
	}
	out, code = testbin.Run(t, ctx, env, "identities", "get", aID, "--include-credential", "password")
	if code != 0 || !strings.Contains(out, `"a@example.org"`) || strings.Contains(out, "$2a$") {
		t.Fatalf("get (exit %d):\n%s", code, out)
	}
	if out, code = testbin.Run(t, ctx, env, "identities", "get", uuid.NewString()); code == 0 || !strings.Contains(out, "404") {
		t.Fatalf("get unknown (exit %d):\n%s", code, out)
	}
	if out, code = testbin.Run(t, ctx, env, "identities", "delete", aID); code != 0 || !strings.Contains(out, "Deleted "+aID) {
		t.Fatalf("delete (exit %d):\n%s", code, out)
	}
	if out, code = testbin.Run(t, ctx, env, "identities", "list", "--format", "json", "--endpoint", in.Admin); code != 0 || strings.Contains(out, aID) {
		t.Fatalf("list after delete (exit %d):\n%s", code, out)
	}
}

func base64Std(b []byte) string {
	return base64.StdEncoding.EncodeToString(b)
}

// A broken identity configuration stops `config validate` (and serve) with
// the key named, before anything listens.
func TestConfigValidateChecksIdentitySchemasAndHashers(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ yaml, want string }{
		"missing schema file": {"identity:\n  schemas: [{id: default, url: file://./nope.json}]\n", "identity.schemas[0] (default)"},
		"unknown default":     {"identity:\n  default_schema_id: x\n  schemas: [{id: default, url: preset://email}]\n", "identity.default_schema_id"},
		"typo in extension":   {"identity:\n  schemas: [{id: default, url: \"base64://" + base64.StdEncoding.EncodeToString([]byte(`{"properties":{"traits":{"type":"object","properties":{"e":{"type":"string","ory.sh/kratos":{"credentials":{"password":{"identifer":true}}}}}}}}`)) + "\"}]\n", "identifer"},
		"argon2 too big":      {"hashers:\n  argon2: { memory: 2GB }\n", "hashers"},
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			out, code := testbin.Run(t, context.Background(), nil, "config", "validate", "--config", p, "--dev")
			if code == 0 || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, want an error naming %q:\n%s", code, tc.want, out)
			}
		})
	}
}
