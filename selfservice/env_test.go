package selfservice

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/hash"
	"github.com/cerberus-iam/cerberus/identity/identitytest"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/csrf"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/selfservice/hook"
	"github.com/cerberus-iam/cerberus/selfservice/password"
	"github.com/cerberus-iam/cerberus/selfservice/store"
	"github.com/cerberus-iam/cerberus/selfservice/throttle"
)

// clock is the test's controllable time, shared by every component.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a self-service head on a fresh database behind a real HTTP
// server, with the real identity service and session manager.
type env struct {
	t        testing.TB
	srv      *httptest.Server
	ids      *identity.Service
	sessions *session.Manager
	h        *Handler
	clock    *clock
}

// newEnv starts a head with extra selfservice YAML (indented under
// "selfservice:").
func newEnv(t testing.TB, selfserviceYAML string) *env {
	t.Helper()
	return newEnvWith(t, selfserviceYAML, identitytest.Hasher(t))
}

// newEnvWith is newEnv with a given password hasher; mods may change the
// head's options (an OAuth2 bridge, the courier) before it is built, with
// the test database at hand.
func newEnvWith(t testing.TB, selfserviceYAML string, hasher *hash.Hasher, mods ...func(*pgxpool.Pool, *Options)) *env {
	t.Helper()
	pool := pgtest.New(t)
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	mux := http.NewServeMux()
	ipr, _ := httpx.NewClientIPResolver(true, nil)
	srv := httptest.NewServer(httpx.WithRequestID(ipr.Middleware(httpx.LimitBody(1<<20, mux))))
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "c.yaml")
	doc := "selfservice:\n" + selfserviceYAML + "\n"
	if strings.TrimSpace(selfserviceYAML) == "" {
		doc = "selfservice: {}\n"
	}
	if err := os.WriteFile(cfgFile, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Options{Files: []string{cfgFile}})
	if err != nil {
		t.Fatal(err)
	}
	pub := srv.URL + "/"
	ids := identity.New(identity.Config{Pool: pool, Schemas: identitytest.Registry(t), Hasher: hasher,
		PublicBaseURL: pub, Now: clk.Now})
	sm := session.New(session.Config{Pool: pool, PublicBaseURL: pub, Now: clk.Now, RequiredAAL: session.RequireAAL1,
		Cookie: session.CookieConfig{Name: "cerberus_session", Path: "/", SameSite: http.SameSiteLaxMode}})
	prot, err := csrf.New(csrf.Options{Secrets: []string{"test-cookie-secret-0123456789"}, BaseURL: pub})
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)
	th := cfg.SelfService.Flows.Login.Throttle
	opts := Options{
		PublicURL: pub, Config: cfg.SelfService, BuiltinUI: true,
		Flows: st, Errors: st, Identities: ids, Sessions: sm, CSRF: prot,
		Passwords: password.New(password.Options{MinLength: cfg.SelfService.Methods.Password.Config.MinPasswordLength, CheckSimilarity: true}),
		Throttle: throttle.New(pool, throttle.Limit{MaxFailures: th.Identifier.MaxFailures, Window: th.Identifier.Window.D(), Lockout: th.Identifier.Lockout.D()},
			throttle.Limit{MaxFailures: th.ClientIP.MaxFailures, Window: th.ClientIP.Window.D(), Lockout: th.ClientIP.Lockout.D()}, clk.Now),
		WebHooks: hook.NewRunner(&http.Client{Timeout: 5 * time.Second}),
		Now:      clk.Now,
	}
	for _, m := range mods {
		m(pool, &opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h.Mount(mux)
	h.MountAdmin(mux)
	return &env{t: t, srv: srv, ids: ids, sessions: sm, h: h, clock: clk}
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	e   *env
	c   *http.Client
	hdr http.Header
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, hdr: http.Header{}, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// api is a client without cookies (a native app).
func (e *env) api() *browser {
	return &browser{e: e, hdr: http.Header{}, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d, body is not JSON: %s", r.status, r.body)
	}
	return m
}

func (r resp) location() string { return r.header.Get("Location") }

func (b *browser) do(method, path string, body io.Reader, hdr map[string]string) resp {
	b.e.t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = b.e.srv.URL + path
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	for k, v := range b.hdr {
		req.Header[k] = v
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

func (b *browser) get(path string, hdr map[string]string) resp { return b.do("GET", path, nil, hdr) }

func (b *browser) getJSON(path string) resp {
	return b.get(path, map[string]string{"Accept": "application/json"})
}

func (b *browser) postForm(path string, v url.Values) resp {
	return b.do("POST", path, strings.NewReader(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

func (b *browser) postJSON(path string, v any) resp {
	data, _ := json.Marshal(v)
	return b.do("POST", path, bytes.NewReader(data), map[string]string{"Content-Type": "application/json", "Accept": "application/json"})
}

// startBrowserFlow starts a browser flow, follows the redirect to the UI
// URL, and returns the flow JSON as the UI would fetch it.
func (b *browser) startBrowserFlow(kind string, query string) map[string]any {
	b.e.t.Helper()
	r := b.get("/self-service/"+kind+"/browser"+query, nil)
	if r.status != http.StatusSeeOther {
		b.e.t.Fatalf("start %s: %d %s", kind, r.status, r.body)
	}
	u, _ := url.Parse(r.location())
	id := u.Query().Get("flow")
	if id == "" {
		b.e.t.Fatalf("start %s redirected to %s without a flow", kind, r.location())
	}
	f := b.getJSON("/self-service/" + kind + "/flows?id=" + id)
	if f.status != 200 {
		b.e.t.Fatalf("fetch %s flow: %d %s", kind, f.status, f.body)
	}
	return f.json(b.e.t)
}

// node finds a node's attributes by name in a flow document.
func findNode(f map[string]any, name string) map[string]any {
	for _, n := range f["ui"].(map[string]any)["nodes"].([]any) {
		a := n.(map[string]any)["attributes"].(map[string]any)
		if a["name"] == name {
			return n.(map[string]any)
		}
	}
	return nil
}

func csrfOf(f map[string]any) string {
	n := findNode(f, "csrf_token")
	if n == nil {
		return ""
	}
	v, _ := n["attributes"].(map[string]any)["value"].(string)
	return v
}

func action(f map[string]any) string { return f["ui"].(map[string]any)["action"].(string) }

// messageIDs lists the ids of the form's and every node's messages.
func messageIDs(f map[string]any) []int {
	var out []int
	ui := f["ui"].(map[string]any)
	if ms, ok := ui["messages"].([]any); ok {
		for _, m := range ms {
			out = append(out, int(m.(map[string]any)["id"].(float64)))
		}
	}
	for _, n := range ui["nodes"].([]any) {
		for _, m := range n.(map[string]any)["messages"].([]any) {
			out = append(out, int(m.(map[string]any)["id"].(float64)))
		}
	}
	return out
}

func hasID(ids []int, id int) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func errorID(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	id, _ := e["id"].(string)
	return id
}

// countIdentities counts identities in the database.
func (e *env) countIdentities() int {
	e.t.Helper()
	list, _, err := e.ids.List(context.Background(), identity.ListParams{Size: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(list)
}

var seedTraits = map[string]any{"email": "jane@example.org", "full_name": "Jane Doe", "phone_number": "+14155552671"}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// markVerified marks every address of an identity verified, as the
// verification flow will.
func markVerified(t testing.TB, e *env, id string) {
	t.Helper()
	uid := uuid.MustParse(id)
	_, err := e.ids.Update(context.Background(), uid, func(i *identity.Identity) error {
		for k := range i.VerifiableAddresses {
			i.VerifiableAddresses[k].Verified = true
			i.VerifiableAddresses[k].Status = "completed"
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
