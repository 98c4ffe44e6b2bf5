package schema

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/cerberus-iam/cerberus/schemas"
)

// maxSchemaBytes bounds a fetched schema; real identity schemas are a few KiB.
const maxSchemaBytes = 1 << 20

// Fetcher reads schema documents by URL.
type Fetcher struct {
	// Client fetches http(s) URLs; nil uses a client with a 10s timeout.
	Client *http.Client
}

// Fetch returns the bytes at u: file:///abs/path, base64://<std or url
// base64>, preset://<name>, http(s)://...
func (f *Fetcher) Fetch(ctx context.Context, u string) ([]byte, error) {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return nil, fmt.Errorf("%q is not a URL (want file://, base64://, https:// or preset://)", u)
	}
	switch scheme {
	case "file":
		b, err := os.ReadFile(rest)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", u, unwrapPathError(err))
		}
		return b, nil
	case "base64":
		return decodeBase64URL(rest)
	case "preset":
		b, err := fs.ReadFile(schemas.IdentityPresets, "identity/"+rest+".schema.json")
		if err != nil {
			return nil, fmt.Errorf("there is no preset identity schema %q (presets: email, username)", rest)
		}
		return b, nil
	case "http", "https":
		return f.fetchHTTP(ctx, u)
	}
	return nil, fmt.Errorf("%q: scheme %s is not supported (want file://, base64://, https:// or preset://)", u, scheme)
}

func (f *Fetcher) fetchHTTP(ctx context.Context, u string) ([]byte, error) {
	c := f.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: HTTP %d", u, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSchemaBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	if len(b) > maxSchemaBytes {
		return nil, fmt.Errorf("fetching %s: larger than %d bytes", u, maxSchemaBytes)
	}
	return b, nil
}

// decodeBase64URL accepts the encodings people paste into base64:// URLs:
// standard or URL-safe alphabet, with or without padding, with line breaks.
func decodeBase64URL(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("base64:// URL does not hold valid base64")
	}
	return b, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
