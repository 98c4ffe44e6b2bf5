package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestResolvedConfigGolden pins config → resolved config: every key of
// testdata/full.yaml must decode (the Go struct covers the schema) and the
// defaults filled in must stay as the golden file says.
func TestResolvedConfigGolden(t *testing.T) {
	c, err := Load(Options{Files: []string{"testdata/full.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Source = nil
	got, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "full.golden.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/config -run Golden -update)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Fatalf("resolved config differs from %s (run with -update if intended):\n%s", golden, got)
	}
}
