package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// harness builds this program and returns a command running it against
// the freshly built cerberus, with its temporary files under tmp.
func harness(t *testing.T, tmp string, args ...string) *exec.Cmd {
	t.Helper()
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Fatal("wrk is not installed, and `make test` (scripts/install-test-deps.sh wrk) could not install it")
	}
	bin := filepath.Join(t.TempDir(), "bench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the harness: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, append([]string{"-bin", testbin.Binary(t), "-config", "cerberus.yaml"}, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	return cmd
}

// reachableTempDir is a t.TempDir the postgres user can pass through (the
// managed Postgres runs as postgres when the tests run as root).
func reachableTempDir(t *testing.T) string {
	dir := t.TempDir()
	for p := dir; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
		if err := os.Chmod(p, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestHarnessPrintsTheTable runs the harness end to end for the health
// scenario with one second of load.
func TestHarnessPrintsTheTable(t *testing.T) {
	cmd := harness(t, reachableTempDir(t), "-run", "^health$", "-duration", "1s")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("harness: %v\n%s", err, out)
	}
	for _, want := range []string{"RSS idle", "scenario", "req/s", "p99", "\nhealth ", "after the run"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if bytes.Contains(out, []byte("FAILED")) || bytes.Contains(out, []byte("flagged")) {
		t.Errorf("health scenario flagged:\n%s", out)
	}
}

// TestHarnessStopsEverythingOnInterrupt sends SIGINT in the middle of a
// load, as Ctrl-C in a terminal does, and checks that no process the run
// started survives and its directory is gone.
func TestHarnessStopsEverythingOnInterrupt(t *testing.T) {
	tmp := reachableTempDir(t)
	cmd := harness(t, tmp, "-run", "^health$", "-duration", "60s")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The table header is printed right before the first wrk starts.
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "scenario") {
	}
	time.Sleep(500 * time.Millisecond)
	// Cerberus, its Postgres and wrk name the run's directory on their
	// command lines; the upstream process is the harness binary itself.
	needles := []string{tmp, cmd.Path}
	if leftovers(t, needles...) < 3 {
		t.Fatal("found no process of the run while it was loading; the check below would prove nothing")
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stdout)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if cmd.ProcessState.ExitCode() != 130 {
			t.Errorf("exit = %v, want 130; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(45 * time.Second):
		t.Fatalf("the harness did not exit within 45s of SIGINT; stderr:\n%s", stderr.String())
	}
	if n := leftovers(t, needles...); n > 0 {
		t.Errorf("%d processes of the run survived the interrupt", n)
	}
	entries, _ := os.ReadDir(tmp)
	if len(entries) > 0 {
		t.Errorf("the run left %d entries in its temp dir", len(entries))
	}
}

// leftovers counts processes whose command line contains any of needles.
func leftovers(t *testing.T, needles ...string) int {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range procs {
		b, err := os.ReadFile(p)
		for _, s := range needles {
			if err == nil && bytes.Contains(b, []byte(s)) {
				n++
				break
			}
		}
	}
	return n
}
