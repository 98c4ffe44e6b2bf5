package devpg

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNoBinaries says how to get PostgreSQL when none is installed.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries (initdb, postgres) were found on PATH or in " +
	"/usr/lib/postgresql/*/bin, /usr/local/pgsql/bin, /opt/homebrew/bin or /usr/local/bin. `serve --dev` " +
	"needs them to run a local database: install the server (Debian/Ubuntu: `apt-get install postgresql`; " +
	"Fedora: `dnf install postgresql-server`; macOS: `brew install postgresql`), or point Cerberus at an " +
	"existing database by setting dsn in the config or the DSN environment variable")

// FindBinaries returns the directory holding initdb and postgres.
func FindBinaries() (string, error) {
	var candidates []string
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin"); len(m) > 0 {
		// Newest major version first.
		sort.Slice(m, func(i, j int) bool { return versionOf(m[i]) > versionOf(m[j]) })
		candidates = append(candidates, m...)
	}
	candidates = append(candidates, "/usr/local/pgsql/bin", "/opt/homebrew/bin", "/usr/local/bin", "/usr/pgsql/bin")
	return findBinaries(os.Getenv("PATH"), candidates)
}

// findBinaries searches the PATH list first, then the candidate directories.
func findBinaries(pathList string, candidates []string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir != "" && isExec(filepath.Join(dir, "initdb")) && isExec(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	for _, dir := range candidates {
		if isExec(filepath.Join(dir, "initdb")) && isExec(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

func versionOf(binDir string) float64 {
	v, _ := strconv.ParseFloat(strings.TrimSpace(filepath.Base(filepath.Dir(binDir))), 64)
	return v
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}
