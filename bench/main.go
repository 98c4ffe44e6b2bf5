package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type options struct {
	bin, config string
	duration    time.Duration
	run         *regexp.Regexp
	keep        bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "upstream" {
		if err := runUpstream(); err != nil {
			fmt.Fprintln(os.Stderr, "bench upstream:", err)
			os.Exit(1)
		}
		return
	}
	o, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	err = run(ctx, o)
	if ctx.Err() != nil {
		fmt.Fprintln(os.Stderr, "bench: interrupted; everything it started is stopped")
		os.Exit(130)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags() (options, error) {
	var o options
	dur := envOr("BENCH_DURATION", "15s")
	pattern := envOr("BENCH_RUN", "")
	flag.StringVar(&o.bin, "bin", "bin/cerberus", "the cerberus binary to measure (make bench builds it)")
	flag.StringVar(&o.config, "config", "bench/cerberus.yaml", "configuration for the server under test")
	flag.StringVar(&dur, "duration", dur, "how long wrk loads each scenario, whole seconds (env BENCH_DURATION)")
	flag.StringVar(&pattern, "run", pattern, "only scenarios whose name matches this regular expression (env BENCH_RUN)")
	flag.BoolVar(&o.keep, "keep", os.Getenv("BENCH_KEEP") != "", "keep the run's directory: server log, wrk reports, Postgres data (env BENCH_KEEP)")
	flag.Parse()
	var err error
	if o.duration, err = time.ParseDuration(dur); err != nil || o.duration < time.Second {
		return o, fmt.Errorf("duration %q: want a Go duration of at least 1s, such as 15s", dur)
	}
	if o.run, err = regexp.Compile(pattern); err != nil {
		return o, fmt.Errorf("run pattern: %v", err)
	}
	return o, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// run starts the upstream, the bare proxy and Cerberus, measures every
// selected scenario and prints the table. Everything it starts is stopped
// by the deferred calls, whether it returns normally, fails or is
// interrupted.
func run(ctx context.Context, o options) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed: `make bench` installs it (Debian/Ubuntu: apt-get install wrk)")
	}
	var list []Scenario
	for _, s := range scenarios() {
		if o.run.MatchString(s.Name) {
			list = append(list, s)
		}
	}
	if len(list) == 0 {
		return fmt.Errorf("no scenario matches %q", o.run)
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%s: %w (`make bench` builds it first; or pass -bin)", o.bin, err)
	}
	cfg, err := filepath.Abs(o.config)
	if err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "cerberus-bench-")
	if err != nil {
		return err
	}
	// The managed Postgres runs as the postgres user when the harness runs
	// as root; it must be able to pass through to its data directory.
	if err := os.Chmod(dir, 0o711); err != nil {
		return err
	}
	if o.keep {
		defer fmt.Printf("Kept %s (server log, wrk reports, Postgres data)\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	up, upstreamURL, bareURL, err := startUpstream()
	if err != nil {
		return err
	}
	defer up.stop(10 * time.Second)

	srvDir := filepath.Join(dir, "server")
	if err := os.Mkdir(srvDir, 0o711); err != nil {
		return err
	}
	rules := filepath.Join(dir, "rules.json")
	// The proxy URL is known only once the ports are chosen; the rules
	// file is written before Cerberus reads it at start.
	srv, err := startCerberus(bin, cfg, srvDir, rules)
	if err != nil {
		return err
	}
	defer srv.stop(30 * time.Second)
	if err := writeRules(rules, srv.proxy, upstreamURL); err != nil {
		return err
	}
	start := time.Now()
	if err := srv.waitReady(ctx); err != nil {
		return err
	}
	ready := time.Since(start)
	// Let start-up work settle before calling the process idle.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Second):
	}
	idle, err := srv.memory()
	if err != nil {
		return err
	}

	version, _ := exec.Command(bin, "version").Output()
	fmt.Printf("%s: ready in %s, RSS idle %s\n", strings.TrimSpace(string(version)), ready.Round(10*time.Millisecond), megabytes(idle.rss))
	fmt.Printf("wrk -t%d -c%d -d%s --latency, %d CPUs shared by wrk, Cerberus, Postgres and the upstream\n\n",
		wrkThreads, wrkConnections, o.duration.Round(time.Second), runtime.NumCPU())

	env := &Env{
		PublicURL: srv.public, AdminURL: srv.admin, ProxyURL: srv.proxy, APIURL: srv.api,
		UpstreamURL: upstreamURL, BareProxyURL: bareURL,
		Client: &http.Client{Timeout: 30 * time.Second},
	}
	rep := newReport(os.Stdout, list)
	rep.header()
	for i, s := range list {
		if err := measure(ctx, env, dir, fmt.Sprintf("%02d", i+1), s, srv, rep, o.duration); err != nil {
			return err
		}
	}
	after, err := srv.memory()
	if err != nil {
		return err
	}
	fmt.Printf("\nRSS of cerberus serve: idle %s, after the run %s, peak %s\n",
		megabytes(idle.rss), megabytes(after.rss), megabytes(after.peak))
	if rep.flagged > 0 {
		fmt.Printf("%d scenario(s) flagged: see the rows above (wrk reports and the server log are kept with -keep)\n", rep.flagged)
	}
	return nil
}

// measure runs one scenario and prints its row. Only harness failures
// (interruption, a dead server, wrk itself failing) are returned; a
// scenario whose setup or check fails is reported in the table.
func measure(ctx context.Context, env *Env, dir, id string, s Scenario, srv *cerberus, rep *report, d time.Duration) error {
	if srv.exited() {
		return fmt.Errorf("cerberus exited during the run (%v); its log ends with:\n%s", srv.err, tail(srv.logPath, 20))
	}
	sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	req, err := s.Setup(sctx, env)
	if err == nil {
		err = env.check(sctx, req)
	}
	cancel()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		rep.failed(s, err)
		return nil
	}
	res, err := runWrk(ctx, dir, id+"-"+slug(s.Name), req, d)
	if err != nil {
		return err
	}
	mem, err := srv.memory()
	if err != nil {
		return err
	}
	rep.row(s, req, res, mem)
	return nil
}

func slug(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(s))
}

// startUpstream re-runs this program as `bench upstream` and reads the two
// URLs it prints. Its stdin stays open for as long as the harness lives.
func startUpstream() (*child, string, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", "", err
	}
	cmd := exec.Command(self, "upstream")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", "", err
	}
	c, err := startChild("upstream", cmd, syscall.SIGKILL)
	if err != nil {
		return nil, "", "", err
	}
	_ = stdin // closed when the harness exits, which tells the child to stop
	urls := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(urls) < 2 && sc.Scan() {
		if name, u, ok := strings.Cut(sc.Text(), " "); ok {
			urls[name] = u
		}
	}
	if urls["upstream"] == "" || urls["bareproxy"] == "" {
		c.stop(5 * time.Second)
		return nil, "", "", fmt.Errorf("the upstream process did not report its addresses (%v)", sc.Err())
	}
	return c, urls["upstream"], urls["bareproxy"], nil
}
