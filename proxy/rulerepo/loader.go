package rulerepo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cerberus-iam/cerberus/proxy/rule"
)

// Options configure a Loader.
type Options struct {
	Repositories []string
	Interval     time.Duration
	// Compile turns one source's specs into rules (handlers built).
	Compile func(source string, specs []*rule.Spec) ([]*rule.Rule, error)
	// Publish receives every new valid set.
	Publish func(*rule.Set)
	Client  *http.Client
	Logger  *slog.Logger
}

// Loader owns the repositories.
type Loader struct {
	o     Options
	repos []*repo
	mu    sync.Mutex // serialises reloads
}

type repo struct {
	url  string
	kind string // file, http, inline
	path string // file: the file or directory
	etag string

	sum   [32]byte // of the content last compiled
	rules []*rule.Rule
	ok    bool // has loaded at least once
}

// maxRemote bounds a remote repository's size.
const maxRemote = 10 << 20

// New checks the repository URLs.
func New(o Options) (*Loader, error) {
	l := &Loader{o: o}
	for i, raw := range o.Repositories {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("access_rules.repositories[%d]: %q is not a URL", i, raw)
		}
		r := &repo{url: raw}
		switch u.Scheme {
		case "file":
			r.kind, r.path = "file", filepath.FromSlash(u.Path)
			if u.Host != "" && u.Host != "localhost" {
				return nil, fmt.Errorf("access_rules.repositories[%d]: %q: write file:///absolute/path (three slashes)", i, raw)
			}
		case "http", "https":
			r.kind = "http"
		case "inline":
			r.kind = "inline"
		default:
			return nil, fmt.Errorf("access_rules.repositories[%d]: %q: the %s scheme is not supported (use file://, https:// or inline://)", i, raw, u.Scheme)
		}
		l.repos = append(l.repos, r)
	}
	return l, nil
}

// Load loads every repository once and publishes the set. A file or inline
// repository that fails is an error (Cerberus must not start without rules
// it was told to use); an http one is logged and retried by Run.
func (l *Loader) Load(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var errs []string
	for _, r := range l.repos {
		if err := l.refresh(ctx, r); err != nil {
			if r.kind == "http" {
				l.o.Logger.Error("access rule repository cannot be loaded yet; retrying", "repository", r.url, "error", err.Error())
				continue
			}
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("access rules: %s", strings.Join(errs, "\n"))
	}
	set, err := l.combine()
	if err != nil {
		return fmt.Errorf("access rules: %w", err)
	}
	l.o.Publish(set)
	l.o.Logger.Info("access rules loaded", "rules", set.Len(), "repositories", len(l.repos))
	return nil
}

// Reload re-reads every repository; changed ones are recompiled. Broken
// content is logged and the last good rules stay.
func (l *Loader) Reload(ctx context.Context, kinds ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	changed := false
	prev := make(map[*repo][]*rule.Rule, len(l.repos))
	for _, r := range l.repos {
		if len(kinds) > 0 && !contains(kinds, r.kind) {
			continue
		}
		before := r.sum
		prev[r] = r.rules
		if err := l.refresh(ctx, r); err != nil {
			l.o.Logger.Error("access rules not reloaded: the repository's new content is invalid; the last good rules stay in force",
				"repository", r.url, "error", err.Error())
			continue
		}
		if r.sum != before {
			changed = true
		}
	}
	if !changed {
		return
	}
	set, err := l.combine()
	if err != nil {
		for r, rules := range prev {
			r.rules = rules
		}
		l.o.Logger.Error("access rules not reloaded: the rules conflict; the last good rules stay in force", "error", err.Error())
		return
	}
	l.o.Publish(set)
	l.o.Logger.Info("access rules reloaded", "rules", set.Len())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (l *Loader) combine() (*rule.Set, error) {
	var all []*rule.Rule
	for _, r := range l.repos {
		all = append(all, r.rules...)
	}
	return rule.NewSet(all)
}

// refresh reads r and, when its content changed, compiles it. On error r
// keeps its previous rules and checksum.
func (l *Loader) refresh(ctx context.Context, r *repo) error {
	docs, err := l.read(ctx, r)
	if err != nil {
		return err
	}
	if docs == nil {
		return nil // not modified
	}
	h := sha256.New()
	for _, d := range docs {
		h.Write([]byte(d.source))
		h.Write([]byte{0})
		h.Write(d.data)
		h.Write([]byte{0})
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	if r.ok && sum == r.sum {
		return nil
	}
	var rules []*rule.Rule
	var errs rule.Errors
	collect := func(source string, err error) {
		var es rule.Errors
		var e *rule.Error
		switch {
		case errors.As(err, &es):
			errs = append(errs, es...)
		case errors.As(err, &e):
			errs = append(errs, e)
		default:
			errs = append(errs, &rule.Error{Source: source, Index: -1, Msg: err.Error()})
		}
	}
	for _, d := range docs {
		// Structural problems and handler problems are all reported at
		// once: the rules that parsed are compiled even when others did not.
		specs, err := rule.Parse(d.source, d.data)
		if err != nil {
			collect(d.source, err)
		}
		rs, err := l.o.Compile(d.source, specs)
		if err != nil {
			collect(d.source, err)
			continue
		}
		rules = append(rules, rs...)
	}
	if len(errs) > 0 {
		return errs
	}
	r.rules, r.sum, r.ok = rules, sum, true
	return nil
}

type doc struct {
	source string
	data   []byte
}

// read returns the repository's documents, or nil, nil when a remote one
// is unchanged.
func (l *Loader) read(ctx context.Context, r *repo) ([]doc, error) {
	switch r.kind {
	case "inline":
		enc := strings.TrimPrefix(r.url, "inline://")
		for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := e.DecodeString(enc); err == nil {
				return []doc{{source: "inline repository", data: b}}, nil
			}
		}
		return nil, &rule.Error{Source: "inline repository", Index: -1, Msg: "inline:// must be followed by base64 JSON or YAML"}
	case "file":
		return readFiles(r.path)
	case "http":
		return l.fetch(ctx, r)
	}
	return nil, fmt.Errorf("unknown repository kind %q", r.kind)
}

// readFiles reads a file, or the .json/.yaml/.yml files of a directory in
// name order. Names starting with "." are skipped: Kubernetes mounts keep
// their timestamped data directories and the ..data link under such names.
func readFiles(path string) ([]doc, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &rule.Error{Source: path, Index: -1, Msg: "cannot read: " + unwrapPath(err)}
	}
	if !fi.IsDir() {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &rule.Error{Source: path, Index: -1, Msg: "cannot read: " + unwrapPath(err)}
		}
		return []doc{{source: path, data: b}}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, &rule.Error{Source: path, Index: -1, Msg: "cannot read: " + unwrapPath(err)}
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		ext := strings.ToLower(filepath.Ext(n))
		if strings.HasPrefix(n, ".") || (ext != ".json" && ext != ".yaml" && ext != ".yml") {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	docs := make([]doc, 0, len(names))
	for _, n := range names {
		p := filepath.Join(path, n)
		st, err := os.Stat(p)
		if err != nil || st.IsDir() {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, &rule.Error{Source: p, Index: -1, Msg: "cannot read: " + unwrapPath(err)}
		}
		docs = append(docs, doc{source: p, data: b})
	}
	return docs, nil
}

func unwrapPath(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (l *Loader) fetch(ctx context.Context, r *repo) ([]doc, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5")
	if r.etag != "" && r.ok {
		req.Header.Set("If-None-Match", r.etag)
	}
	res, err := l.o.Client.Do(req)
	if err != nil {
		return nil, &rule.Error{Source: r.url, Index: -1, Msg: "cannot fetch: " + err.Error()}
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotModified && r.ok {
		return nil, nil
	}
	if res.StatusCode != http.StatusOK {
		return nil, &rule.Error{Source: r.url, Index: -1, Msg: fmt.Sprintf("fetching answered %d", res.StatusCode)}
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, maxRemote+1))
	if err != nil {
		return nil, &rule.Error{Source: r.url, Index: -1, Msg: "cannot fetch: " + err.Error()}
	}
	if len(b) > maxRemote {
		return nil, &rule.Error{Source: r.url, Index: -1, Msg: "larger than 10 MiB"}
	}
	r.etag = res.Header.Get("ETag")
	return []doc{{source: r.url, data: bytes.Clone(b)}}, nil
}
