package authz

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// Allow lets every authenticated request through.
type Allow struct{}

// Authorize implements pipeline.Authorizer.
func (Allow) Authorize(*http.Request, *pipeline.Session) error { return nil }

// Deny refuses every request with 403.
type Deny struct{}

// Authorize implements pipeline.Authorizer.
func (Deny) Authorize(*http.Request, *pipeline.Session) error {
	return pipeline.ErrForbidden.WithReason("The rule's deny authorizer refuses every request.")
}

// RemoteConfig is remote's and remote_json's config.
type RemoteConfig struct {
	Remote                           string            `json:"remote"`
	Headers                          map[string]string `json:"headers"`
	ForwardResponseHeadersToUpstream []string          `json:"forward_response_headers_to_upstream"`
	Retry                            *pipeline.Retry   `json:"retry"`
	// Payload is remote_json's body template.
	Payload string `json:"payload"`
}

type header struct {
	name string
	tmpl *pipeline.Template
}

// Remote asks an HTTP endpoint. With a payload template it posts JSON
// (remote_json); without, the original request body with its Content-Type
// (remote).
type Remote struct {
	url      string
	headers  []header
	forward  []string
	payload  *pipeline.Template
	client   *http.Client
	maxBody  int64
	jsonMode bool
}

// Deps are what the remote authorizers need.
type Deps struct {
	Client *http.Client
	// MaxBody bounds the request body buffered for remote (it must be read
	// before the request goes upstream).
	MaxBody int64
}

// NewRemote builds remote (jsonMode false) or remote_json.
func NewRemote(c RemoteConfig, jsonMode bool, d Deps) (*Remote, error) {
	if c.Remote == "" {
		return nil, errors.New("config.remote: required: the URL of the authorization endpoint")
	}
	timeout := time.Second
	if c.Retry != nil {
		timeout = c.Retry.GiveUpAfter.Or(timeout)
	}
	a := &Remote{url: c.Remote, forward: c.ForwardResponseHeadersToUpstream, jsonMode: jsonMode, maxBody: d.MaxBody,
		client: &http.Client{Transport: d.Client.Transport, Timeout: timeout}}
	names := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t, err := pipeline.ParseTemplate(k, c.Headers[k])
		if err != nil {
			return nil, fmt.Errorf("config.headers.%s: %v", k, err)
		}
		a.headers = append(a.headers, header{name: k, tmpl: t})
	}
	if jsonMode {
		if c.Payload == "" {
			return nil, errors.New("config.payload: required: a template producing the JSON body")
		}
		t, err := pipeline.ParseTemplate("payload", c.Payload)
		if err != nil {
			return nil, fmt.Errorf("config.payload: %v", err)
		}
		a.payload = t
	} else if c.Payload != "" {
		return nil, errors.New("config.payload: only the remote_json authorizer takes a payload")
	}
	return a, nil
}

// UsesMatchContext implements pipeline.MatchContextUser.
func (a *Remote) UsesMatchContext() bool {
	if a.payload != nil && a.payload.UsesMatchContext() {
		return true
	}
	for _, h := range a.headers {
		if h.tmpl.UsesMatchContext() {
			return true
		}
	}
	return false
}

// Authorize implements pipeline.Authorizer.
func (a *Remote) Authorize(r *http.Request, s *pipeline.Session) error {
	var body io.Reader
	contentType := ""
	if a.jsonMode {
		p, err := a.payload.Render(s)
		if err != nil {
			return pipeline.Internal("The remote_json payload template failed.", err)
		}
		if !json.Valid([]byte(p)) {
			return pipeline.Internal("The remote_json payload template did not produce JSON.", nil)
		}
		body, contentType = strings.NewReader(p), "application/json"
	} else {
		b, err := a.bufferBody(r)
		if err != nil {
			return err
		}
		body, contentType = bytes.NewReader(b), r.Header.Get("Content-Type")
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, a.url, body)
	if err != nil {
		return pipeline.Internal("The remote authorizer URL is invalid.", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if v := r.Header.Get("Authorization"); v != "" {
		req.Header.Set("Authorization", v)
	}
	for _, h := range a.headers {
		v, err := h.tmpl.RenderHeader(s)
		if err != nil {
			return pipeline.Internal("A remote authorizer header template failed.", err)
		}
		if v != "" {
			req.Header.Set(h.name, v)
		}
	}
	res, err := a.client.Do(req)
	if err != nil {
		return pipeline.Internal("The remote authorizer could not be reached.", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	switch res.StatusCode {
	case http.StatusOK:
	case http.StatusForbidden:
		return pipeline.ErrForbidden.WithReason("The remote authorizer denied the request.")
	default:
		return pipeline.Internal(fmt.Sprintf("The remote authorizer answered %d; expected 200 or 403.", res.StatusCode), nil)
	}
	for _, name := range a.forward {
		s.SetHeader(name, res.Header.Get(name))
	}
	return nil
}

// bufferBody reads the request body (bounded) and puts it back, so it can
// still be forwarded upstream.
func (a *Remote) bufferBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, a.maxBody+1))
	if err != nil {
		return nil, pipeline.ErrBadRequest.WithReason("The request body could not be read.").WithCause(err)
	}
	if int64(len(b)) > a.maxBody {
		return nil, httpx.ErrTooLarge.WithReason("The remote authorizer needs the request body, which must not exceed %d bytes.", a.maxBody)
	}
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// Interface guards
var (
	_ pipeline.Authorizer = Allow{}
	_ pipeline.Authorizer = Deny{}
	_ pipeline.Authorizer = (*Remote)(nil)
)
