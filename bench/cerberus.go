package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// cerberus is the server under test, started as `cerberus serve --dev`
// with the bench config on a managed Postgres in the run's temp dir.
type cerberus struct {
	*child
	public, admin, proxy, api string
	logPath                   string
}

// readyTimeout covers a first initdb on a slow, busy machine.
const readyTimeout = 3 * time.Minute

func startCerberus(bin, configPath, dir, rulesPath string) (*cerberus, error) {
	ports, err := freePorts(4)
	if err != nil {
		return nil, err
	}
	c := &cerberus{
		public:  fmt.Sprintf("http://127.0.0.1:%d", ports[0]),
		admin:   fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
		proxy:   fmt.Sprintf("http://127.0.0.1:%d", ports[2]),
		api:     fmt.Sprintf("http://127.0.0.1:%d", ports[3]),
		logPath: filepath.Join(dir, "cerberus.log"),
	}
	logf, err := os.Create(c.logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "serve", "--dev", "--config", configPath, "--data-dir", filepath.Join(dir, "data"))
	cmd.Env = os.Environ()
	for i, name := range []string{"PUBLIC", "ADMIN", "PROXY", "API"} {
		base := []string{c.public, c.admin, c.proxy, c.api}[i]
		cmd.Env = append(cmd.Env,
			"SERVE_"+name+"_HOST=127.0.0.1",
			"SERVE_"+name+"_PORT="+strconv.Itoa(ports[i]),
			"SERVE_"+name+"_BASE_URL="+base+"/")
	}
	// The generated access rules reach Cerberus through the environment,
	// as their path changes every run. A variable that matches no
	// configuration key is ignored, so this is inert until the proxy head
	// declares access_rules.repositories.
	cmd.Env = append(cmd.Env, "ACCESS_RULES_REPOSITORIES=file://"+rulesPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	// SIGTERM, not SIGKILL, if the harness dies: Cerberus then stops its
	// managed Postgres instead of orphaning it.
	ch, err := startChild("cerberus", cmd, syscall.SIGTERM)
	if err != nil {
		return nil, err
	}
	c.child = ch
	return c, nil
}

// waitReady polls admin /health/ready until it answers 200.
func (c *cerberus) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if c.exited() {
			return fmt.Errorf("cerberus exited before it was ready (%v); its log ends with:\n%s", c.err, tail(c.logPath, 20))
		}
		if resp, err := client.Get(c.admin + "/health/ready"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return fmt.Errorf("cerberus was not ready within %s; its log ends with:\n%s", readyTimeout, tail(c.logPath, 20))
			}
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (c *cerberus) memory() (memory, error) { return readMemory(c.cmd.Process.Pid) }

// freePorts returns n distinct free loopback ports.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
