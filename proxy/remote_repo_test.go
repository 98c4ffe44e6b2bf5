package proxy

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// An http(s) repository is fetched again every refresh_interval (with
// If-None-Match, so an unchanged one costs a 304); a broken or failing
// fetch keeps the last good rules. inline:// holds base64 rules.
func TestRemoteAndInlineRepositories(t *testing.T) {
	up := newEcho(t)
	var mu sync.Mutex
	body := fixtureOpts{vars: map[string]string{"UPSTREAM": up.URL}}.expand(rulesWithSubject("remote-v1"))
	var notModified, fetches atomic.Int64
	fail := atomic.Bool{}
	repo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if fail.Load() {
			http.Error(w, "down", 503)
			return
		}
		mu.Lock()
		b := body
		mu.Unlock()
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(b)))
		if r.Header.Get("If-None-Match") == etag {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		_, _ = w.Write([]byte(b))
	}))
	t.Cleanup(repo.Close)
	inline := "inline://" + base64.StdEncoding.EncodeToString([]byte(`[{"id":"inline","match":{"url":"http://<[^/]+>/inline","methods":["PUT"]},
"authenticators":[{"handler":"anonymous"}],"authorizer":{"handler":"allow"}}]`))
	cfg := strings.Replace(anonymousConfig, `["{{RULES}}"]`, `["`+repo.URL+`/rules.json", "`+inline+`"]
  refresh_interval: 50ms`, 1)
	f := newFixture(t, fixtureOpts{config: cfg, rules: "[]"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go f.head.Run(ctx)
	subject := func() string {
		res, b := do(t, "GET", f.proxy.URL+"/x", nil)
		if res.StatusCode != 200 {
			return fmt.Sprint(res.StatusCode)
		}
		return decodeEcho(t, b).Header.Get("X-User-Id")
	}
	if s := subject(); s != "remote-v1" {
		t.Fatalf("initial: %s", s)
	}
	if res, _ := do(t, "GET", f.api.URL+"/decisions/inline", map[string]string{"X-Forwarded-Method": "PUT"}); res.StatusCode != 200 {
		t.Fatalf("inline rule: %d", res.StatusCode)
	}
	waitFor(t, "a 304 on refresh", func() bool { return notModified.Load() > 0 })
	mu.Lock()
	body = fixtureOpts{vars: map[string]string{"UPSTREAM": up.URL}}.expand(rulesWithSubject("remote-v2"))
	mu.Unlock()
	waitFor(t, "remote-v2", func() bool { return subject() == "remote-v2" })
	// The repository goes down, then serves junk: v2 stays.
	fail.Store(true)
	n := fetches.Load()
	waitFor(t, "failed fetches", func() bool { return fetches.Load() > n+2 })
	fail.Store(false)
	mu.Lock()
	body = "{broken"
	mu.Unlock()
	n = fetches.Load()
	waitFor(t, "junk fetches", func() bool { return fetches.Load() > n+2 })
	if s := subject(); s != "remote-v2" {
		t.Fatalf("after failures: %s", s)
	}
}
