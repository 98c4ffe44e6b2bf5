package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// proxyRules protect an app behind nginx: /public for everyone (seed 004's
// guest), /private for Cerberus sessions with a redirect to the login page
// for browsers (seed 001's pattern), /admin refused to everyone.
const proxyRules = `
- id: public
  match: { url: "http://app.test/public/<.*>", methods: [GET] }
  authenticators: [{ handler: anonymous }]
  authorizer: { handler: allow }
  mutators: [{ handler: header }]
- id: private
  match: { url: "http://app.test/private/<.*>", methods: [GET, POST] }
  authenticators: [{ handler: cookie_session }]
  authorizer: { handler: allow }
  mutators:
    - handler: header
      config: { headers: { X-User-Email: "{{ print .Extra.identity.traits.email }}" } }
  errors:
    - handler: redirect
      config:
        when: [{ error: [unauthorized], request: { header: { accept: [text/html] } } }]
- id: admin
  match: { url: "http://app.test/admin/<.*>", methods: [GET] }
  authenticators: [{ handler: cookie_session }]
  authorizer: { handler: deny }
`

const proxyConfig = `
access_rules:
  repositories: ["file://%s"]
authenticators:
  anonymous: { enabled: true, config: { subject: guest } }
  cookie_session: { enabled: true }
authorizers:
  allow: { enabled: true }
  deny: { enabled: true }
mutators:
  header: { enabled: true, config: { headers: { X-User-Id: "{{ print .Subject }}" } } }
errors:
  fallback: [json]
  handlers:
    redirect: { enabled: true, config: { to: "http://login.test/login", return_to_query_param: return_to } }
`

// nginxConf puts nginx in front: auth_request asks the decision API, and
// the headers it answers with are passed upstream. auth_request cannot pass
// a redirect on, so a 302 from the decision API (seen by nginx as an
// error) is fetched again through @decide and handed to the browser as is.
const nginxConf = `
%s
worker_processes 1;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log info;
events { worker_connections 64; }
http {
  access_log %[2]s/access.log;
  client_body_temp_path %[2]s/body; proxy_temp_path %[2]s/proxy; fastcgi_temp_path %[2]s/fcgi;
  uwsgi_temp_path %[2]s/uwsgi; scgi_temp_path %[2]s/scgi;
  server {
    listen 127.0.0.1:%[3]d;
    server_name app.test;
    location / {
      auth_request /_cerberus;
      auth_request_set $user $upstream_http_x_user_id;
      auth_request_set $email $upstream_http_x_user_email;
      proxy_set_header X-User-Id $user;
      proxy_set_header X-User-Email $email;
      proxy_set_header Host $host;
      proxy_pass %[4]s;
      error_page 500 = @decide;
    }
    location = /_cerberus {
      internal;
      proxy_pass %[5]s/decisions$request_uri;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-Method $request_method;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Uri $request_uri;
    }
    location @decide {
      proxy_pass %[5]s/decisions$request_uri;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-Method $request_method;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Uri $request_uri;
    }
  }
}
`

func nginxBinary(t *testing.T) string {
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatal("nginx is not installed: run `make deps` (scripts/install-test-deps.sh nginx)")
	return ""
}

func startNginx(t *testing.T, upstream, api string) string {
	t.Helper()
	bin := nginxBinary(t)
	dir := t.TempDir()
	port := testbin.FreePorts(t, 1)[0]
	user := ""
	if os.Geteuid() == 0 {
		// Workers would otherwise drop to nobody and lose the temp dirs.
		user = "user root;"
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(nginxConf, user, dir, port, upstream, api)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		_, _ = cmd.Process.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", out, b)
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
	}
	t.Fatalf("nginx did not start: %s", out)
	return ""
}

// TestNginxAuthRequestToDecisionAPI puts real nginx in front of an app,
// asking the real binary's decision API on every request: allow (with the
// identity's headers injected, replacing the client's), deny, and the
// redirect to the login page.
func TestNginxAuthRequestToDecisionAPI(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"path": r.URL.Path, "headers": r.Header})
	}))
	defer upstream.Close()

	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rules, []byte(proxyRules), 0o644); err != nil {
		t.Fatal(err)
	}
	dsn := pgtest.NewDSN(t)
	in := testbin.Start(t, testbin.Options{DSN: dsn, Config: seed000Config(t) + fmt.Sprintf(proxyConfig, rules)})
	ngx := startNginx(t, upstream.URL, in.API)

	// An identity and a session, as the self-service head would make them.
	code, _, body := httpDo(t, "POST", in.Admin+"/admin/identities",
		`{"traits":{"email":"jane@example.org","full_name":"Jane","phone_number":"+4930901820"}}`)
	if code != 201 {
		t.Fatalf("create identity: %d %s", code, body)
	}
	var created struct{ ID string }
	_ = json.Unmarshal(body, &created)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, tok, err := session.New(session.Config{Pool: pool}).Issue(context.Background(), session.IssueParams{
		IdentityID: uuid.MustParse(created.ID), Methods: []session.AuthenticationMethod{{Method: "password", AAL: identity.AAL1}}})
	if err != nil {
		t.Fatal(err)
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, hdr ...string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("GET", ngx+path, nil)
		req.Host = "app.test"
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return res, m
	}
	header := func(m map[string]any, name string) string {
		hs, _ := m["headers"].(map[string]any)
		vs, _ := hs[name].([]any)
		if len(vs) != 1 {
			return fmt.Sprint(vs)
		}
		return vs[0].(string)
	}

	// Allow, anonymous: the guest subject is injected.
	res, m := get("/public/page", "X-User-Id", "admin")
	if res.StatusCode != 200 || header(m, "X-User-Id") != "guest" {
		t.Fatalf("public: %d %v", res.StatusCode, m)
	}
	// Allow with a session: the identity's id and e-mail are injected and
	// a client-sent X-User-Id does not survive.
	res, m = get("/private/report?q=1", "Cookie", "cerberus_session="+tok, "X-User-Id", "admin")
	if res.StatusCode != 200 || header(m, "X-User-Id") != created.ID || header(m, "X-User-Email") != "jane@example.org" {
		t.Fatalf("private with session: %d %v", res.StatusCode, m)
	}
	// Redirect: a browser without a session goes to the login page and
	// comes back to where it was.
	res, _ = get("/private/report?q=1", "Accept", "text/html,application/xhtml+xml")
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || loc.Host != "login.test" || loc.Query().Get("return_to") != "http://app.test/private/report?q=1" {
		t.Fatalf("redirect: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// An API client without a session gets 401.
	if res, _ = get("/private/report"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("api client without session: %d", res.StatusCode)
	}
	// Deny: 403 even with a session.
	if res, _ = get("/admin/users", "Cookie", "cerberus_session="+tok); res.StatusCode != http.StatusForbidden {
		t.Fatalf("admin: %d", res.StatusCode)
	}
	// The session ends: the very next request is refused.
	if code, _, _ := httpDo(t, "DELETE", in.Admin+"/admin/identities/"+created.ID+"/sessions", ""); code != 204 {
		t.Fatalf("revoke sessions: %d", code)
	}
	if res, _ = get("/private/report", "Cookie", "cerberus_session="+tok); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after revocation: %d", res.StatusCode)
	}
}
