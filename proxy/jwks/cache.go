package jwks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// maxSetBytes bounds a fetched key set.
const maxSetBytes = 1 << 20

// fetchTimeout bounds one fetch, however long callers are willing to wait.
const fetchTimeout = 10 * time.Second

// unknownKidCooldown is how soon an unknown kid may trigger another fetch
// of a fresh set: random kids must not turn into a request flood upstream.
const unknownKidCooldown = time.Second

// Cache fetches and keeps remote (http, https) and file key sets.
type Cache struct {
	client *http.Client
	now    func() time.Time
	log    *slog.Logger

	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	set       *jose.JSONWebKeySet
	fetchedAt time.Time // zero until the first successful fetch
	tried     time.Time // last fetch attempt start
	lastErr   error
	inflight  chan struct{} // closed when the running fetch ends
}

// NewCache returns an empty cache.
func NewCache(client *http.Client, now func() time.Time, log *slog.Logger) *Cache {
	return &Cache{client: client, now: now, log: log, entries: map[string]*entry{}}
}

// Key finds kid in the sets at urls, fetching a set that is missing, older
// than ttl, or (at most once a second) fresh but without kid. It waits for
// fetches up to maxWait, then uses what it has, stale or not.
func (c *Cache) Key(ctx context.Context, urls []string, kid string, ttl, maxWait time.Duration) (*jose.JSONWebKey, error) {
	if k := c.lookup(urls, kid, ttl, false); k != nil {
		return k, nil
	}
	waits := make([]chan struct{}, 0, len(urls))
	for _, u := range urls {
		if ch := c.refresh(u, kid, ttl); ch != nil {
			waits = append(waits, ch)
		}
	}
	if err := wait(ctx, waits, maxWait); err != nil {
		return nil, err
	}
	if k := c.lookup(urls, kid, ttl, true); k != nil {
		return k, nil
	}
	return nil, c.explain(urls, kid)
}

// Sets returns every set at urls (for publishing public keys and signing),
// fetching as Key does.
func (c *Cache) Sets(ctx context.Context, urls []string, ttl, maxWait time.Duration) ([]*jose.JSONWebKeySet, error) {
	var waits []chan struct{}
	for _, u := range urls {
		if ch := c.refresh(u, "", ttl); ch != nil {
			waits = append(waits, ch)
		}
	}
	if err := wait(ctx, waits, maxWait); err != nil {
		return nil, err
	}
	var out []*jose.JSONWebKeySet
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range urls {
		if e := c.entries[u]; e != nil && e.set != nil {
			out = append(out, e.set)
		}
	}
	if len(out) == 0 {
		return nil, c.explainLocked(urls, "")
	}
	return out, nil
}

// wait waits for the fetches to end, for at most maxWait in all.
func wait(ctx context.Context, waits []chan struct{}, maxWait time.Duration) error {
	timer := time.NewTimer(maxWait)
	defer timer.Stop()
	for _, ch := range waits {
		select {
		case <-ch:
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (c *Cache) lookup(urls []string, kid string, ttl time.Duration, staleOK bool) *jose.JSONWebKey {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range urls {
		e := c.entries[u]
		if e == nil || e.set == nil || (!staleOK && now.Sub(e.fetchedAt) > ttl) {
			continue
		}
		if k := Find(e.set, kid); k != nil {
			return k
		}
	}
	return nil
}

// refresh starts a fetch of u when it is due and returns a channel closed
// when the fetch (new or already running) ends; nil when none is due.
func (c *Cache) refresh(u, kid string, ttl time.Duration) chan struct{} {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[u]
	if e == nil {
		e = &entry{}
		c.entries[u] = e
	}
	if e.inflight != nil {
		return e.inflight
	}
	fresh := e.set != nil && now.Sub(e.fetchedAt) <= ttl
	if fresh && (kid == "" || Find(e.set, kid) != nil || now.Sub(e.tried) < unknownKidCooldown) {
		return nil
	}
	if !fresh && e.lastErr != nil && now.Sub(e.tried) < unknownKidCooldown {
		// A failing endpoint is asked at most once a second.
		return nil
	}
	e.tried = now
	ch := make(chan struct{})
	e.inflight = ch
	go c.fetch(u, e, ch)
	return ch
}

func (c *Cache) fetch(u string, e *entry, done chan struct{}) {
	set, err := c.load(u)
	c.mu.Lock()
	if err != nil {
		e.lastErr = err
		c.log.Warn("cannot fetch JSON Web Key Set", "url", u, "error", err)
	} else {
		e.set, e.fetchedAt, e.lastErr = set, c.now(), nil
	}
	e.inflight = nil
	c.mu.Unlock()
	close(done)
}

func (c *Cache) load(raw string) (*jose.JSONWebKeySet, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	var body []byte
	switch u.Scheme {
	case "file":
		body, err = os.ReadFile(u.Path)
		if err != nil {
			return nil, err
		}
	case "http", "https":
		ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		res, err := c.client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("answered %d", res.StatusCode)
		}
		body, err = io.ReadAll(io.LimitReader(res.Body, maxSetBytes+1))
		if err != nil {
			return nil, err
		}
		if len(body) > maxSetBytes {
			return nil, errors.New("the key set is larger than 1 MiB")
		}
	default:
		return nil, fmt.Errorf("unsupported URL scheme %q", u.Scheme)
	}
	set, err := Parse(body)
	if err != nil {
		return nil, err
	}
	if len(set.Keys) == 0 {
		return nil, errors.New("the key set has no usable keys")
	}
	return set, nil
}

func (c *Cache) explain(urls []string, kid string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.explainLocked(urls, kid)
}

func (c *Cache) explainLocked(urls []string, kid string) error {
	for _, u := range urls {
		if e := c.entries[u]; e != nil && e.set == nil {
			if e.lastErr != nil {
				return fmt.Errorf("the key set at %s could not be fetched: %v", u, e.lastErr)
			}
			return fmt.Errorf("the key set at %s did not arrive in time", u)
		}
	}
	if kid == "" {
		return errors.New("no key set is available")
	}
	return fmt.Errorf("no key with id %q in %v", kid, urls)
}
