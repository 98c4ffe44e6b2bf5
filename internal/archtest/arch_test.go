package archtest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/cerberus-iam/cerberus"

type pkg struct {
	ImportPath string
	Dir        string
	Name       string
	Deps       []string
	GoFiles    []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestEveryPackageHasDocGo(t *testing.T) {
	for _, p := range listPackages(t) {
		if _, err := os.Stat(filepath.Join(p.Dir, "doc.go")); err != nil {
			t.Errorf("%s has no doc.go saying what it owns", p.ImportPath)
		}
	}
}

// forbidden maps a package path prefix (inside the module) to import path
// prefixes it must not depend on, directly or transitively.
var forbidden = map[string][]string{
	"identity": {module + "/selfservice", module + "/oauth2", module + "/proxy", module + "/ui", module + "/cmd"},
	"ui":       {"github.com/jackc/pgx", "github.com/ory/fosite", module + "/cmd"},
	// proxy may use fosite as a library (its scope strategies are the ones
	// Oathkeeper and Hydra match scopes with), never the oauth2 head.
	"proxy":       {module + "/identity", module + "/selfservice", module + "/oauth2", module + "/ui", module + "/cmd"},
	"oauth2":      {module + "/selfservice", module + "/proxy", module + "/ui", module + "/cmd"},
	"selfservice": {module + "/oauth2", module + "/proxy", module + "/cmd"},
	"internal":    {module + "/identity", module + "/selfservice", module + "/oauth2", module + "/proxy", module + "/ui", module + "/cmd"},
}

func TestDependencyDirection(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		for prefix, bans := range forbidden {
			if rel != prefix && !strings.HasPrefix(rel, prefix+"/") {
				continue
			}
			for _, d := range p.Deps {
				for _, b := range bans {
					if d == b || strings.HasPrefix(d, b+"/") {
						t.Errorf("%s depends on %s", p.ImportPath, d)
					}
				}
			}
		}
	}
}
