package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/devpg"
)

// devSecrets is what --dev keeps in the data directory.
type devSecrets struct {
	System string `json:"system"`
	Cookie string `json:"cookie"`
}

// fillDevSecrets generates missing secrets once, keeps them in the data
// directory so sessions and sealed keys survive restarts, and warns.
func fillDevSecrets(c *config.Config, log *slog.Logger) error {
	missing := c.Secrets.Missing()
	if len(missing) == 0 {
		return nil
	}
	dir, err := filepath.Abs(c.Dev.DataDir)
	if err != nil {
		return err
	}
	// Traversable by others so a root-run dev Postgres (which runs as the
	// postgres user) can reach its cluster inside; the files are 0600.
	if err := devpg.MkdirAll(dir, 0o711); err != nil {
		return fmt.Errorf("data directory %s cannot be created: %w", dir, err)
	}
	path := filepath.Join(dir, "secrets.json")
	var s devSecrets
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &s); err != nil || len(s.System) < 32 || len(s.Cookie) < 32 {
			return fmt.Errorf("%s is damaged; remove it to have new secrets generated (existing sessions will end)", path)
		}
	case errors.Is(err, fs.ErrNotExist):
		s = devSecrets{System: randomSecret(), Cookie: randomSecret()}
		out, _ := json.MarshalIndent(s, "", "  ")
		if err := os.WriteFile(path, out, 0o600); err != nil {
			return fmt.Errorf("keeping generated secrets: %w", err)
		}
	default:
		return fmt.Errorf("reading generated secrets: %w", err)
	}
	// Cookie first: once System is set, cookies would fall back to it, and
	// distinct secrets for distinct purposes are better.
	if len(c.Secrets.CookieSecrets()) == 0 {
		c.Secrets.Cookie = []string{s.Cookie}
	}
	if len(c.Secrets.SystemSecrets()) == 0 {
		c.Secrets.System = []string{s.System}
	}
	log.Warn("dev mode: using generated secrets; set them in the config before going to production",
		"missing", strings.Join(missing, ", "), "kept_in", path)
	return nil
}

func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// printDevBanner tells a person where everything is.
func printDevBanner(a *app) {
	fmt.Fprintln(os.Stderr, "\nCerberus is running in dev mode:")
	for _, l := range a.srv.Listeners() {
		fmt.Fprintf(os.Stderr, "  %-7s %s\n", l.Name, l.Config.BaseURL)
	}
	if l := a.srv.Listener("public"); l != nil && a.cfg.UI.IsEnabled() {
		base := strings.TrimSuffix(l.Config.BaseURL, "/")
		fmt.Fprintf(os.Stderr, "\n  sign up  %s/registration\n  sign in  %s/login\n", base, base)
	}
	fmt.Fprintln(os.Stderr)
}
