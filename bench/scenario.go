package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Scenario is one row of the table: Setup prepares whatever the request
// needs (identities, sessions, clients, ...) through the public and admin
// APIs and returns the request wrk then repeats.
type Scenario struct {
	Name  string
	Setup func(ctx context.Context, env *Env) (Request, error)
	// Baseline optionally names an earlier scenario; the table then shows
	// this one's throughput as a percentage of it (the proxy's target is a
	// share of the bare reverse proxy's, measured in the same run).
	Baseline string
}

// Request is what wrk sends, over and over, on every connection.
type Request struct {
	Method  string // default GET
	URL     string
	Headers http.Header
	Body    string
	// Expect is the status every response should have; 0 means any 2xx.
	// Set it for scenarios that measure a refusal (a 401 from the proxy):
	// responses of 400 and above then do not count as errors.
	Expect int
}

// Env is what Setup can reach: the base URLs (no trailing slash) of the
// running Cerberus listeners, the upstream echo server, the bare
// httputil.ReverseProxy in front of it, and an HTTP client.
type Env struct {
	PublicURL, AdminURL, ProxyURL, APIURL string
	UpstreamURL, BareProxyURL             string
	Client                                *http.Client
}

// JSON sends in (when not nil) as a JSON body to url and decodes the
// response into out (when not nil). Any status outside 2xx is an error that
// carries the response body, so a Setup can simply return it.
func (e *Env) JSON(ctx context.Context, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := e.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decoding the answer: %v", method, url, err)
		}
	}
	return nil
}

// check sends r once, before the load, so a scenario that is wired wrong
// shows up as a clear error rather than as a fast stream of 404s.
func (e *Env) check(ctx context.Context, r Request) error {
	req, err := r.httpRequest(ctx)
	if err != nil {
		return err
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if ok := r.Expect == resp.StatusCode || r.Expect == 0 && resp.StatusCode/100 == 2; !ok {
		return fmt.Errorf("%s %s answered %s before any load: %s", req.Method, r.URL, resp.Status, bytes.TrimSpace(b))
	}
	return nil
}

func (r Request) method() string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

func (r Request) httpRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, r.method(), r.URL, bytes.NewReader([]byte(r.Body)))
	if err != nil {
		return nil, err
	}
	for k, vs := range r.Headers {
		req.Header[k] = vs
	}
	if h := r.Headers.Get("Host"); h != "" {
		req.Host = h
	}
	return req, nil
}
