package config

import (
	"path/filepath"
	"strings"
)

// resolveFileURLs rewrites relative file:// URLs in a config document to
// absolute ones against dir, so `serve --config deploy/examples/dev.yaml`
// finds the files next to the config whatever the working directory.
// file:///abs/path is left alone; file://./x and file://x become
// file:///<dir>/x.
func resolveFileURLs(v any, dir string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = resolveFileURLs(x, dir)
		}
	case []any:
		for i, x := range t {
			t[i] = resolveFileURLs(x, dir)
		}
	case string:
		rest, ok := strings.CutPrefix(t, "file://")
		if !ok || strings.HasPrefix(rest, "/") || rest == "" {
			return t
		}
		return "file://" + filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(rest)))
	}
	return v
}

// FilePath returns the local path of a file:// URL, or ok=false.
func FilePath(u string) (string, bool) {
	rest, ok := strings.CutPrefix(u, "file://")
	if !ok {
		return "", false
	}
	return filepath.FromSlash(rest), true
}
