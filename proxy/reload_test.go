package proxy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitFor polls cond until it holds (or fails the test after 10s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func rulesWithSubject(subject string) string {
	return `[{"id":"echo","match":{"url":"http://<[^/]+>/<.*>","methods":["GET"]},"upstream":{"url":"{{UPSTREAM}}"},
"authenticators":[{"handler":"anonymous","config":{"subject":"` + subject + `"}}],"authorizer":{"handler":"allow"},"mutators":[{"handler":"header"}]}]`
}

// replaceFile writes content next to path and renames it over path, as
// editors and deploy scripts do.
func replaceFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestReloadUnderLoad replaces the rule file (rename-replace) while
// clients keep requesting: every request succeeds, first with the old
// rules, then with the new. A broken edit is reported and the last good
// rules stay; fixing it is picked up.
func TestReloadUnderLoad(t *testing.T) {
	up := newEcho(t)
	vars := map[string]string{"UPSTREAM": up.URL}
	f := newFixture(t, fixtureOpts{config: anonymousConfig, rules: rulesWithSubject("v1"), vars: vars})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go f.head.Run(ctx)

	var (
		wg       sync.WaitGroup
		failures atomic.Int64
		seen     sync.Map
		stop     atomic.Bool
		total    atomic.Int64
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20000 && !stop.Load(); i++ {
				res, err := client.Get(f.proxy.URL + "/x")
				if err != nil {
					failures.Add(1)
					continue
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				total.Add(1)
				if res.StatusCode != 200 {
					failures.Add(1)
					t.Errorf("status %d: %s", res.StatusCode, b)
					continue
				}
				seen.Store(decodeEcho(t, string(b)).Header.Get("X-User-Id"), true)
			}
		}()
	}
	has := func(v string) func() bool { return func() bool { _, ok := seen.Load(v); return ok } }
	waitFor(t, "v1 traffic", has("v1"))
	for i := 2; i <= 5; i++ {
		replaceFile(t, f.rules, fixtureOpts{vars: vars}.expand(rulesWithSubject(fmt.Sprintf("v%d", i))))
		waitFor(t, fmt.Sprintf("v%d traffic", i), has(fmt.Sprintf("v%d", i)))
	}
	// A broken edit: requests keep being served by v5.
	replaceFile(t, f.rules, `[{"id":"echo","match":{"url":"http://x/<(>"}}]`)
	time.Sleep(300 * time.Millisecond) // longer than the watcher's debounce
	res, body := do(t, "GET", f.proxy.URL+"/x", nil)
	if res.StatusCode != 200 || decodeEcho(t, body).Header.Get("X-User-Id") != "v5" {
		t.Fatalf("after a broken edit: %d %s", res.StatusCode, body)
	}
	replaceFile(t, f.rules, fixtureOpts{vars: vars}.expand(rulesWithSubject("v6")))
	waitFor(t, "v6 after the fix", has("v6"))
	stop.Store(true)
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d of %d requests failed during reloads", n, total.Load())
	}
	t.Logf("%d requests across 6 reloads and a broken edit, none failed", total.Load())
}

// TestConfigMapSymlinkSwap reloads when Kubernetes swaps a ConfigMap
// volume: the rule file is a symlink into ..data, which is atomically
// re-pointed at a new timestamped directory; the file itself never changes.
func TestConfigMapSymlinkSwap(t *testing.T) {
	up := newEcho(t)
	vars := map[string]string{"UPSTREAM": up.URL}
	dir := t.TempDir()
	writeVersion := func(name, subject string) {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "access-rules.json"), []byte(fixtureOpts{vars: vars}.expand(rulesWithSubject(subject))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeVersion("..2024_12_26_12_00_00.1", "cm-v1")
	must(t, os.Symlink("..2024_12_26_12_00_00.1", filepath.Join(dir, "..data")))
	must(t, os.Symlink("..data/access-rules.json", filepath.Join(dir, "access-rules.json")))

	cfg := strings.Replace(anonymousConfig, `["{{RULES}}"]`, `["file://`+dir+`"]`, 1)
	f := newFixture(t, fixtureOpts{config: cfg, rules: "[]", vars: vars})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go f.head.Run(ctx)
	subject := func() string {
		res, body := do(t, "GET", f.proxy.URL+"/x", nil)
		if res.StatusCode != 200 {
			return fmt.Sprint(res.StatusCode)
		}
		return decodeEcho(t, body).Header.Get("X-User-Id")
	}
	if s := subject(); s != "cm-v1" {
		t.Fatalf("initial: %s", s)
	}
	// kubelet's swap: new dir, new link, rename over ..data, old dir removed.
	writeVersion("..2024_12_26_12_05_00.2", "cm-v2")
	must(t, os.Symlink("..2024_12_26_12_05_00.2", filepath.Join(dir, "..data_tmp")))
	must(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
	must(t, os.RemoveAll(filepath.Join(dir, "..2024_12_26_12_00_00.1")))
	waitFor(t, "the swapped ConfigMap", func() bool { return subject() == "cm-v2" })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
