package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cerberus-iam/cerberus/internal/devpg"
	"github.com/cerberus-iam/cerberus/internal/pgtest"
	"github.com/cerberus-iam/cerberus/internal/testbin"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cerberus.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const testSecrets = "secrets:\n  system: [\"system-secret-0123456789abcdef\"]\n"

// assertCleanFailure checks an exit that a person can act on: code 1, the
// expected cause, and no Go stack trace.
func assertCleanFailure(t *testing.T, out string, code int, want ...string) {
	t.Helper()
	if code != 1 {
		t.Fatalf("exit code %d, want 1; output:\n%s", code, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	for _, bad := range []string{"goroutine ", "panic:", "runtime/"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains a stack trace:\n%s", out)
		}
	}
}

func TestInvalidConfigStopsWithKeyPath(t *testing.T) {
	cfg := writeConfig(t, "dsn: postgres://x/y\n"+testSecrets+"serve:\n  public:\n    port: 70000\n  admin:\n    prot: 1\n")
	ctx := context.Background()
	out, code := testbin.Run(t, ctx, nil, "serve", "--config", cfg)
	assertCleanFailure(t, out, code,
		"serve.public.port: must be <= 65535 but found 70000",
		"serve.admin.prot: unknown key (did you mean port?)")

	out, code = testbin.Run(t, ctx, nil, "config", "validate", "--config", cfg)
	assertCleanFailure(t, out, code, "serve.public.port: must be <= 65535")

	// Environment overrides are validated the same way.
	ok := writeConfig(t, "dsn: postgres://x/y\n"+testSecrets)
	out, code = testbin.Run(t, ctx, []string{"SERVE_PUBLIC_PORT=99999"}, "config", "validate", "--config", ok)
	assertCleanFailure(t, out, code, "serve.public.port: must be <= 65535 but found 99999")

	out, code = testbin.Run(t, ctx, nil, "config", "validate", "--config", ok)
	if code != 0 || !strings.Contains(out, "The configuration is valid.") {
		t.Fatalf("valid config: %d %s", code, out)
	}
	// Without --dev, dsn and secrets are required.
	out, code = testbin.Run(t, ctx, nil, "config", "validate", "--config", writeConfig(t, "log: {level: info}\n"))
	assertCleanFailure(t, out, code, "dsn: missing", "secrets.system: missing")
}

func TestServeRefusesADatabaseThatIsBehind(t *testing.T) {
	dsn := pgtest.NewEmptyDSN(t)
	cfg := writeConfig(t, testSecrets)
	out, code := testbin.Run(t, context.Background(), []string{"DSN=" + dsn}, "serve", "--config", cfg)
	assertCleanFailure(t, out, code, "the database is behind", "cerberus migrate up", "--migrate")

	// --migrate brings it up to date and serves.
	testbin.Start(t, testbin.Options{Config: testSecrets, DSN: dsn, Args: []string{"--migrate"}})
}

func TestConcurrentMigrationsFromThreeProcesses(t *testing.T) {
	dsn := pgtest.NewEmptyDSN(t)
	ctx := context.Background()
	type result struct {
		out  string
		code int
	}
	results := make([]result, 3)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out, code := testbin.Run(t, ctx, []string{"DSN=" + dsn}, "migrate", "up")
			results[i] = result{out, code}
		}()
	}
	close(start)
	wg.Wait()
	applied := 0
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("process %d failed (%d):\n%s", i, r.code, r.out)
		}
		if strings.Contains(r.out, "Applied ") {
			applied++
		}
	}
	if applied != 1 {
		t.Errorf("%d processes applied migrations; exactly one should, the others find nothing to do", applied)
	}
	out, code := testbin.Run(t, ctx, []string{"DSN=" + dsn}, "migrate", "status")
	if code != 0 || !strings.Contains(out, "0 pending.") {
		t.Fatalf("status after concurrent migration: %d\n%s", code, out)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var dupes int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM (SELECT version_id FROM cerberus_migrations
		GROUP BY version_id HAVING count(*) > 1) d`).Scan(&dupes); err != nil {
		t.Fatal(err)
	}
	if dupes != 0 {
		t.Fatalf("%d migrations recorded more than once", dupes)
	}
}

func TestDatabaseErrorsAreOneLine(t *testing.T) {
	good, err := url.Parse(pgtest.NewDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	wrongPassword := *good
	wrongPassword.User = url.UserPassword(good.User.Username(), "not-the-password")
	missingDB := *good
	missingDB.Path = "/no_such_database"
	closed := testbin.FreePorts(t, 1)[0]

	cases := map[string]struct {
		dsn  string
		want string
	}{
		"wrong password":   {wrongPassword.String(), "refused the credentials in dsn"},
		"unknown database": {missingDB.String(), `database "no_such_database" does not exist`},
		"unreachable":      {fmt.Sprintf("postgres://u:p@127.0.0.1:%d/db?connect_timeout=2", closed), "is unreachable: connection refused"},
		"not a URL":        {"postgres://u:p@[::1/db", "dsn is not a valid Postgres URL"},
	}
	cfg := writeConfig(t, testSecrets)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			out, code := testbin.Run(t, context.Background(), []string{"DSN=" + c.dsn}, "serve", "--config", cfg)
			assertCleanFailure(t, out, code, c.want)
			if strings.Contains(out, "not-the-password") {
				t.Error("the password from dsn was printed")
			}
			if lines := strings.Count(strings.TrimSpace(out), "\n"); lines > 0 {
				t.Errorf("want a one-line cause, got:\n%s", out)
			}
		})
	}
}

func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	out, code := testbin.Run(t, context.Background(),
		[]string{"DSN=" + pgtest.NewDSN(t), fmt.Sprintf("SERVE_ADMIN_PORT=%d", port), "SERVE_ADMIN_HOST=127.0.0.1"},
		"serve", "--config", writeConfig(t, testSecrets))
	assertCleanFailure(t, out, code, fmt.Sprintf("serve.admin: cannot listen on 127.0.0.1:%d: address already in use", port))
}

func TestDevDataDirNotWritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := testbin.Run(t, context.Background(), nil, "serve", "--dev", "--data-dir", filepath.Join(file, "pg"))
	assertCleanFailure(t, out, code, "cannot be created", file)
}

func readyStatus(t *testing.T, base string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/health/ready")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestReadyFollowsPostgresWithoutRestart(t *testing.T) {
	ctx := context.Background()
	dataDir := filepath.Join(testbin.TempDir(t), "pg")
	port := testbin.FreePorts(t, 1)[0]
	pg, err := devpg.Start(ctx, devpg.Options{DataDir: dataDir, Port: port, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Stop(ctx) })
	in := testbin.Start(t, testbin.Options{Config: testSecrets, DSN: pg.DSN(), Args: []string{"--migrate"}})

	if code, body := readyStatus(t, in.Public); code != 200 {
		t.Fatalf("ready before stopping postgres: %d %s", code, body)
	}
	if err := pg.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	var body string
	waitFor(t, "ready to turn 503", func() bool {
		var code int
		code, body = readyStatus(t, in.Admin)
		return code == 503
	})
	var parsed struct {
		Error struct {
			Code   int    `json:"code"`
			Reason string `json:"reason"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &parsed); err != nil || parsed.Error.Code != 503 || !strings.Contains(parsed.Error.Reason, "database") {
		t.Fatalf("503 body does not give the reason as error JSON: %s", body)
	}
	// Liveness is unaffected: the process is fine, its database is not.
	if resp, err := http.Get(in.Public + "/health/alive"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("alive while database is down: %v %v", resp, err)
	}

	pg2, err := devpg.Start(ctx, devpg.Options{DataDir: dataDir, Port: port, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg2.Stop(ctx) })
	waitFor(t, "ready to return to 200", func() bool {
		code, _ := readyStatus(t, in.Public)
		return code == 200
	})
	select {
	case <-in.Done():
		t.Fatal("cerberus exited while the database was away")
	default:
	}
}

func TestDevModeManagesPostgresAndSecrets(t *testing.T) {
	dir := testbin.TempDir(t)
	// No dsn and no secrets: --dev supplies both.
	in := testbin.Start(t, testbin.Options{Config: "secrets: {}\n", Dir: dir})
	if !strings.Contains(in.Output(), "using generated secrets") {
		t.Errorf("generated secrets were not announced:\n%s", in.Output())
	}
	secretsFile := filepath.Join(dir, "data", "secrets.json")
	st, err := os.Stat(secretsFile)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("secrets file mode %v, want 0600", st.Mode().Perm())
	}
	first, _ := os.ReadFile(secretsFile)
	in.Stop(t)
	if code, _ := in.Wait(time.Second); code != 0 {
		t.Fatalf("exit code after SIGTERM: %d\n%s", code, in.Output())
	}
	if !strings.Contains(in.Output(), "managed postgres stopped") {
		t.Errorf("managed postgres was not stopped cleanly:\n%s", in.Output())
	}

	// A second run reuses the cluster and the secrets.
	again := testbin.Start(t, testbin.Options{Config: "secrets: {}\n", Dir: dir})
	second, _ := os.ReadFile(secretsFile)
	if string(first) != string(second) {
		t.Error("secrets were regenerated on the second run")
	}
	if strings.Contains(again.Output(), "initialising managed postgres cluster") {
		t.Error("the cluster was initialised again instead of reused")
	}
	if strings.Contains(again.Output(), "migration applied") {
		t.Error("migrations ran again on a reused cluster")
	}
}
