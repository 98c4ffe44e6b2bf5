package testbin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The binary is built once per test process into
// $TMPDIR/cerberus-testbin-<pid>. Nothing runs when the process ends, so
// each build first removes the directories of test processes that are gone:
// without that, every `go test` run would leave a binary behind.
// CERBERUS_TEST_RACE=1 builds it with the race detector, so end-to-end
// tests exercise the real server under it (look for "DATA RACE" in the
// artifacts' cerberus.log files).
var build = sync.OnceValues(func() (string, error) {
	removeStaleBuilds()
	dir := filepath.Join(os.TempDir(), "cerberus-testbin-"+strconv.Itoa(os.Getpid()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "cerberus")
	args := []string{"build", "-o", bin}
	if os.Getenv("CERBERUS_TEST_RACE") != "" {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/cerberus")...)
	cmd.Dir = moduleRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building cerberus: %v\n%s", err, out)
	}
	return bin, nil
})

// removeStaleBuilds deletes the build directories of processes that no
// longer exist (and of older runs that named them differently).
func removeStaleBuilds() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "cerberus-testbin-*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "cerberus-testbin-"))
		if err == nil && (pid == os.Getpid() || syscall.Kill(pid, 0) != syscall.ESRCH) {
			continue
		}
		_ = os.RemoveAll(d)
	}
}

// Binary returns the path of the freshly built cerberus binary.
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// Options start an instance.
type Options struct {
	// Config is YAML; the ports and dsn are filled in by Start unless set.
	Config string
	// DSN of the database (usually pgtest.NewDSN(t)); empty runs --dev with
	// a managed Postgres in Dir/data. Unless Config mentions secrets:, test
	// secrets are set through the environment.
	DSN string
	// Args are extra `serve` arguments (e.g. "--migrate").
	Args []string
	// Env are extra environment variables (KEY=VALUE).
	Env []string
	// Dir is the working directory (a temp dir by default).
	Dir string
	// NoWait returns right after starting, without waiting for readiness.
	NoWait bool
}

// Instance is a running cerberus process.
type Instance struct {
	Public, Admin, Proxy, API string // base URLs without trailing slash
	Dir                       string
	cmd                       *exec.Cmd
	done                      chan struct{}
	out                       *syncBuffer
	exitErr                   error
	stopOnce                  sync.Once
}

// Start launches `cerberus serve` and waits for /health/ready on admin.
func Start(t testing.TB, o Options) *Instance {
	t.Helper()
	bin := Binary(t)
	dir := o.Dir
	if dir == "" {
		dir = TempDir(t)
	}
	ports := FreePorts(t, 4)
	in := &Instance{
		Public: fmt.Sprintf("http://127.0.0.1:%d", ports[0]),
		Admin:  fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
		Proxy:  fmt.Sprintf("http://127.0.0.1:%d", ports[2]),
		API:    fmt.Sprintf("http://127.0.0.1:%d", ports[3]),
		Dir:    dir,
		done:   make(chan struct{}),
		out:    &syncBuffer{},
	}
	cfgPath := filepath.Join(dir, "cerberus-test.yaml")
	if err := os.WriteFile(cfgPath, []byte(o.Config), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"serve", "--config", cfgPath}, o.Args...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"SERVE_PUBLIC_PORT="+strconv.Itoa(ports[0]), "SERVE_PUBLIC_HOST=127.0.0.1",
		"SERVE_PUBLIC_BASE_URL="+in.Public+"/",
		"SERVE_ADMIN_PORT="+strconv.Itoa(ports[1]), "SERVE_ADMIN_HOST=127.0.0.1",
		"SERVE_ADMIN_BASE_URL="+in.Admin+"/",
		"SERVE_PROXY_PORT="+strconv.Itoa(ports[2]), "SERVE_PROXY_HOST=127.0.0.1",
		"SERVE_PROXY_BASE_URL="+in.Proxy+"/",
		"SERVE_API_PORT="+strconv.Itoa(ports[3]), "SERVE_API_HOST=127.0.0.1",
		"SERVE_API_BASE_URL="+in.API+"/",
		"LOG_LEVEL=debug",
	)
	if o.DSN != "" {
		cmd.Env = append(cmd.Env, "DSN="+o.DSN)
	} else {
		args = append(args, "--dev", "--data-dir", filepath.Join(dir, "data"))
		cmd.Args = append([]string{bin}, args...)
	}
	if !strings.Contains(o.Config, "secrets:") {
		cmd.Env = append(cmd.Env,
			"SECRETS_SYSTEM_0=test-system-secret-0123456789abcdef",
			"SECRETS_COOKIE_0=test-cookie-secret-0123456789abcdef")
	}
	cmd.Env = append(cmd.Env, o.Env...)
	cmd.Stdout, cmd.Stderr = in.out, in.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in.cmd = cmd
	go func() { in.exitErr = cmd.Wait(); close(in.done) }()
	t.Cleanup(func() {
		in.Stop(t)
		saveLog(t, in.out.String())
	})
	if !o.NoWait {
		in.WaitReady(t)
	}
	return in
}

// WaitReady polls admin /health/ready until 200, failing if the process exits.
func (in *Instance) WaitReady(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-in.done:
			t.Fatalf("cerberus exited before becoming ready (%v):\n%s", in.exitErr, in.out.String())
		default:
		}
		resp, err := http.Get(in.Admin + "/health/ready")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("cerberus did not become ready within 60s:\n%s", in.out.String())
}

// Signal sends sig to the process.
func (in *Instance) Signal(sig os.Signal) error { return in.cmd.Process.Signal(sig) }

// Wait waits for the process to exit and returns its exit code.
func (in *Instance) Wait(timeout time.Duration) (int, error) {
	select {
	case <-in.done:
		return in.cmd.ProcessState.ExitCode(), nil
	case <-time.After(timeout):
		return -1, fmt.Errorf("cerberus did not exit within %s", timeout)
	}
}

// Done is closed when the process has exited.
func (in *Instance) Done() <-chan struct{} { return in.done }

// Output returns everything the process printed so far.
func (in *Instance) Output() string { return in.out.String() }

// Stop sends SIGTERM and waits (SIGKILL after 30s).
func (in *Instance) Stop(t testing.TB) {
	in.stopOnce.Do(func() {
		select {
		case <-in.done:
			return
		default:
		}
		_ = in.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-in.done:
		case <-time.After(30 * time.Second):
			_ = in.cmd.Process.Kill()
			<-in.done
			t.Errorf("cerberus did not stop within 30s of SIGTERM")
		}
	})
}

// Run executes the cerberus binary with args (a CLI command) and returns
// its combined output and exit code.
func Run(t testing.TB, ctx context.Context, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(ctx, Binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return buf.String(), ee.ExitCode()
		}
		t.Fatal(err)
	}
	return buf.String(), 0
}

// TempDir is a t.TempDir that a root-run managed Postgres (running as the
// postgres user) can pass through; t.TempDir itself is 0700.
func TempDir(t testing.TB) string {
	t.Helper()
	d := t.TempDir()
	for _, p := range []string{d, filepath.Dir(d)} {
		if err := os.Chmod(p, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// FreePorts returns n distinct free loopback ports.
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// ArtifactDir returns a per-test directory under CERBERUS_TEST_ARTIFACTS
// (created), or "" when artifacts are not collected.
func ArtifactDir(t testing.TB) string {
	base := os.Getenv("CERBERUS_TEST_ARTIFACTS")
	if base == "" {
		return ""
	}
	dir := filepath.Join(base, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ""
	}
	return dir
}

func saveLog(t testing.TB, out string) {
	if t.Failed() {
		t.Logf("cerberus output:\n%s", out)
	}
	if dir := ArtifactDir(t); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "cerberus.log"), []byte(out), 0o644)
	}
}

func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
