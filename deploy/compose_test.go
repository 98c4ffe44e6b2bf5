package deploy

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// composeFile is the part of the Compose specification the test reads.
type composeFile struct {
	Services map[string]struct {
		Image       string            `json:"image"`
		Command     []string          `json:"command"`
		Environment map[string]string `json:"environment"`
		Volumes     []string          `json:"volumes"`
		Ports       []string          `json:"ports"`
		DependsOn   map[string]any    `json:"depends_on"`
	} `json:"services"`
}

// composeVars are what a user exports before `docker compose up`.
var composeVars = map[string]string{
	"CERBERUS_SECRETS_SYSTEM": "compose-test-system-secret-0123456789",
	"CERBERUS_SECRETS_COOKIE": "compose-test-cookie-secret-0123456789",
}

// TestCompose checks that docker-compose.yml starts Cerberus with a config
// and environment that `cerberus config validate` accepts, that every
// variable it sets means something to Cerberus (unknown ones would be
// ignored silently), and that the pieces point at each other.
func TestCompose(t *testing.T) {
	raw, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal([]byte(interpolate(t, string(raw), composeVars)), &f); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, name := range []string{"postgres", "cerberus", "mailpit"} {
		if _, ok := f.Services[name]; !ok {
			t.Fatalf("docker-compose.yml has no %s service", name)
		}
	}
	c := f.Services["cerberus"]
	if len(c.Command) == 0 || c.Command[0] != "serve" || !slices.Contains(c.Command, "--migrate") {
		t.Errorf("cerberus command = %q, want serve ... --migrate", c.Command)
	}
	if _, ok := c.DependsOn["postgres"]; !ok {
		t.Error("cerberus does not depend on postgres")
	}

	// The config file named on the command line, found through the volume
	// that mounts it.
	cfgPath := hostPath(t, c.Volumes, flagValue(c.Command, "--config"))
	env := envList(c.Environment)
	out, code := testbin.Run(t, context.Background(), env, "config", "validate", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("cerberus config validate with the compose config and environment: exit %d\n%s", code, out)
	}
	for _, kv := range env {
		if !changesConfig(t, cfgPath, kv) {
			t.Errorf("docker-compose.yml sets %s, which matches no configuration key", strings.SplitN(kv, "=", 2)[0])
		}
	}

	// DSN names the postgres service with the credentials it is given.
	dsn, err := url.Parse(c.Environment["DSN"])
	if err != nil {
		t.Fatal(err)
	}
	pg := f.Services["postgres"].Environment
	pass, _ := dsn.User.Password()
	if dsn.Hostname() != "postgres" || dsn.User.Username() != pg["POSTGRES_USER"] || pass != pg["POSTGRES_PASSWORD"] ||
		strings.TrimPrefix(dsn.Path, "/") != pg["POSTGRES_DB"] {
		t.Errorf("DSN %s does not match the postgres service (%v)", dsn.Redacted(), pg)
	}

	// Admin and the decision API have no authentication of their own: the
	// host may publish them on loopback only.
	for _, p := range c.Ports {
		if (strings.HasSuffix(p, ":4434") || strings.HasSuffix(p, ":4456")) && !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("port %q publishes a private listener beyond the host's loopback", p)
		}
	}
}

var composeVar = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(?:(:?[-?])([^}]*))?\}`)

// interpolate applies Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}
// with vars as the environment; a required variable missing from vars
// fails the test with the message a user would see.
func interpolate(t *testing.T, s string, vars map[string]string) string {
	return composeVar.ReplaceAllStringFunc(s, func(m string) string {
		sub := composeVar.FindStringSubmatch(m)
		if v, ok := vars[sub[1]]; ok && v != "" {
			return v
		}
		switch strings.TrimPrefix(sub[2], ":") {
		case "-":
			return sub[3]
		case "?":
			t.Fatalf("docker-compose.yml requires %s: %s", sub[1], sub[3])
		}
		return ""
	})
}

// hostPath maps a path inside the container to the file in this directory
// through the service's bind mounts (./dir:/container/dir[:ro]).
func hostPath(t *testing.T, volumes []string, inContainer string) string {
	t.Helper()
	for _, v := range volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], ".") {
			continue
		}
		if rel, ok := strings.CutPrefix(inContainer, strings.TrimSuffix(parts[1], "/")+"/"); ok {
			p := filepath.Join(parts[0], rel)
			if _, err := os.Stat(p); err != nil {
				t.Fatalf("%s is mounted from %s, which does not exist", inContainer, p)
			}
			return p
		}
	}
	t.Fatalf("no bind mount provides %s (volumes %q)", inContainer, volumes)
	return ""
}

func flagValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v
		}
	}
	return ""
}

func envList(m map[string]string) []string {
	var env []string
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	slices.Sort(env)
	return env
}
