package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// Options says where configuration comes from.
type Options struct {
	// Files are read and deep-merged in order; later files win.
	Files []string
	// Environ is the environment (os.Environ()) used for overrides.
	Environ []string
}

// Load reads, merges, overrides, validates and decodes the configuration,
// returning every problem found as a *Error. Defaults are filled in. It does
// not require dsn or secrets; callers that need them call RequireServe.
func Load(opts Options) (*Config, error) {
	root, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	doc := map[string]any{}
	var abs []string
	for _, f := range opts.Files {
		m, err := readFile(f)
		if err != nil {
			return nil, err
		}
		dir, _ := filepath.Abs(filepath.Dir(f))
		resolveFileURLs(m, dir)
		merge(doc, m)
		p, _ := filepath.Abs(f)
		abs = append(abs, p)
	}

	problems := &Error{}
	n := expand(root)
	applyEnv(n, doc, opts.Environ, problems)
	if cwd, err := os.Getwd(); err == nil {
		resolveFileURLs(doc, cwd)
	}
	if len(problems.Problems) == 0 {
		validate(root, doc, problems)
	}
	if err := problems.orNil(); err != nil {
		return nil, err
	}

	c, err := decode(doc)
	if err != nil {
		return nil, err
	}
	c.Source = abs
	c.applyDefaults()
	return c, nil
}

// RequireServe reports what `serve` needs that the file may omit only in
// dev mode: the database and the secrets.
func (c *Config) RequireServe() error {
	e := &Error{}
	if c.DSN == "" {
		e.add([]string{"dsn"}, "missing: set dsn (or DSN), or run `serve --dev` for a managed local Postgres")
	}
	for _, m := range c.Secrets.Missing() {
		e.add(strings.Split(m, "."), "missing: set at least one secret of 16 or more characters (or run `serve --dev`)")
	}
	return e.orNil()
}

func readFile(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	// YAML is a superset of JSON; converting through it accepts both and
	// reports syntax errors with a line number.
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing config %s: %v", path, err)
	}
	if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
		return map[string]any{}, nil
	}
	d := json.NewDecoder(bytes.NewReader(js))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("parsing config %s: the top level must be a mapping of keys", path)
	}
	return m, nil
}

// merge deep-merges src into dst: objects merge key by key, anything else
// (lists included) is replaced.
func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

func decode(doc map[string]any) (*Config, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	// The schema already refused unknown keys; a failure here means the Go
	// struct and the schema disagree, which a test catches.
	d.DisallowUnknownFields()
	var c Config
	if err := d.Decode(&c); err != nil {
		return nil, fmt.Errorf("config schema and Config struct disagree: %w", err)
	}
	return &c, nil
}
