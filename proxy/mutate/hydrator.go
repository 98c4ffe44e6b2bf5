package mutate

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// HydratorConfig is hydrator's config.
type HydratorConfig struct {
	API struct {
		URL  string `json:"url"`
		Auth *struct {
			Basic struct {
				Username string `json:"username"`
				Password string `json:"password"`
			} `json:"basic"`
		} `json:"auth"`
		Retry *pipeline.Retry `json:"retry"`
	} `json:"api"`
	Cache struct {
		Enabled bool              `json:"enabled"`
		TTL     pipeline.Duration `json:"ttl"`
	} `json:"cache"`
}

// Hydrator posts the session to an API, which answers with the session
// enriched (extra, header). The subject may not change.
type Hydrator struct {
	c      HydratorConfig
	client *http.Client
	cache  *pipeline.Cache[pipeline.Session]
	ttl    time.Duration
}

// NewHydrator builds the mutator.
func NewHydrator(c HydratorConfig, client *http.Client, now func() time.Time) (*Hydrator, error) {
	if c.API.URL == "" {
		return nil, errors.New("config.api.url: required: the URL of the hydration API")
	}
	timeout := time.Second
	if c.API.Retry != nil {
		timeout = c.API.Retry.GiveUpAfter.Or(timeout)
	}
	m := &Hydrator{c: c, client: &http.Client{Transport: client.Transport, Timeout: timeout}}
	if c.Cache.Enabled {
		m.cache = pipeline.NewCache[pipeline.Session](10000, now)
		m.ttl = c.Cache.TTL.Or(time.Minute)
	}
	return m, nil
}

// UsesMatchContext implements pipeline.MatchContextUser: the API receives
// the whole session.
func (m *Hydrator) UsesMatchContext() bool { return true }

// Mutate implements pipeline.Mutator.
func (m *Hydrator) Mutate(r *http.Request, s *pipeline.Session) error {
	body, err := json.Marshal(s)
	if err != nil {
		return pipeline.Internal("The session could not be encoded.", err)
	}
	key := pipeline.CacheKey(string(body))
	if cached, ok := m.cache.Get(key); ok {
		// Later mutators add headers: each request gets its own maps.
		*s = cached
		s.Header = cached.Header.Clone()
		if cached.Extra != nil {
			s.Extra = make(map[string]any, len(cached.Extra))
			for k, v := range cached.Extra {
				s.Extra[k] = v
			}
		}
		return nil
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, m.c.API.URL, bytes.NewReader(body))
	if err != nil {
		return pipeline.Internal("The hydrator URL is invalid.", err)
	}
	// As Oathkeeper: the API sees the original request's headers and query.
	for k, v := range r.Header {
		req.Header[k] = append([]string(nil), v...)
	}
	req.URL.RawQuery = r.URL.RawQuery
	req.Header.Set("Content-Type", "application/json")
	req.Header.Del("Content-Length")
	if a := m.c.API.Auth; a != nil {
		req.SetBasicAuth(a.Basic.Username, a.Basic.Password)
	}
	res, err := m.client.Do(req)
	if err != nil {
		return pipeline.Internal("The hydrator API could not be reached.", err)
	}
	defer res.Body.Close()
	switch res.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return pipeline.Internal("The hydrator API refused Cerberus's credentials.", nil)
	default:
		return pipeline.Internal("The hydrator API did not answer 200.", nil)
	}
	var out pipeline.Session
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&out); err != nil {
		return pipeline.Internal("The hydrator API answered with something other than a session.", err)
	}
	if out.Subject != s.Subject {
		return pipeline.Internal("The hydrator API changed the subject, which it may not.", nil)
	}
	m.cache.Put(key, out, m.ttl)
	*s = out
	s.Header = out.Header.Clone()
	return nil
}

// Interface guards
var _ pipeline.Mutator = (*Hydrator)(nil)
