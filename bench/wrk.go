package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The load every scenario gets, as in PERFORMANCE.md.
const (
	wrkThreads     = 2
	wrkConnections = 32
)

// result is what one wrk run measured. Latencies are wrk's, per request,
// across all connections.
type result struct {
	requests     int64
	elapsed      time.Duration
	p50, p99     time.Duration
	statusErrors int64 // responses with status >= 400
	socketErrors int64 // connect, read, write errors and timeouts
}

func (r result) perSecond() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// errors counts what went wrong for req: socket errors always, statuses of
// 400 and above unless the scenario expects one.
func (r result) errors(req Request) int64 {
	if req.Expect >= 400 {
		return r.socketErrors
	}
	return r.socketErrors + r.statusErrors
}

// resultMarker starts the line the generated script's done() prints.
const resultMarker = "BENCH-RESULT"

// luaScript sets wrk's request from req and prints the summary as one
// machine-readable line when the run ends. wrk builds the request once and
// resends the same bytes, so the script costs nothing during the load.
func luaScript(req Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %s\n", luaString(req.method()))
	if req.Body != "" {
		fmt.Fprintf(&b, "wrk.body = %s\n", luaString(req.Body))
	}
	keys := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", luaString(k), luaString(strings.Join(req.Headers[k], ", ")))
	}
	fmt.Fprintf(&b, `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("%s %%.0f %%.0f %%.0f %%.0f %%.0f %%.0f\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
`, resultMarker)
	return b.String()
}

// luaString quotes s as a Lua string literal; every byte outside printable
// ASCII, and the quote and backslash, become decimal escapes, so any body
// (JSON, form data, binary) survives byte for byte.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			fmt.Fprintf(&b, "\\%03d", c)
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}

// runWrk runs wrk for d against req and keeps its full report in
// dir/<name>.wrk.txt.
func runWrk(ctx context.Context, dir, name string, req Request, d time.Duration) (result, error) {
	script := filepath.Join(dir, name+".lua")
	if err := os.WriteFile(script, []byte(luaScript(req)), 0o644); err != nil {
		return result{}, err
	}
	secs := max(1, int(math.Round(d.Seconds())))
	cmd := exec.CommandContext(ctx, "wrk",
		"-t"+strconv.Itoa(wrkThreads), "-c"+strconv.Itoa(wrkConnections), "-d"+strconv.Itoa(secs)+"s",
		"--latency", "-s", script, req.URL)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	_ = os.WriteFile(filepath.Join(dir, name+".wrk.txt"), out.Bytes(), 0o644)
	if ctx.Err() != nil {
		return result{}, ctx.Err()
	}
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v\n%s", err, out.String())
	}
	return parseResult(out.String())
}

func parseResult(out string) (result, error) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 7 || f[0] != resultMarker {
			continue
		}
		var n [6]int64
		for i := range n {
			v, err := strconv.ParseInt(f[i+1], 10, 64)
			if err != nil {
				return result{}, fmt.Errorf("wrk summary %q: %v", sc.Text(), err)
			}
			n[i] = v
		}
		return result{
			requests: n[0], elapsed: time.Duration(n[1]) * time.Microsecond,
			p50: time.Duration(n[2]) * time.Microsecond, p99: time.Duration(n[3]) * time.Microsecond,
			statusErrors: n[4], socketErrors: n[5],
		}, nil
	}
	return result{}, fmt.Errorf("wrk printed no summary:\n%s", out)
}
