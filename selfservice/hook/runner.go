package hook

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/go-jsonnet"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// maxResponseBytes bounds what a web hook may answer.
const maxResponseBytes = 1 << 20

// Runner executes web hooks.
type Runner struct {
	client *http.Client
	mu     sync.Mutex
	bodies map[string]string // template source by URL
}

// NewRunner returns a Runner using client (one with a timeout).
func NewRunner(client *http.Client) *Runner {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Runner{client: client, bodies: map[string]string{}}
}

// Result is what a parsed web hook answered.
type Result struct {
	// Identity holds the fields to merge into the identity.
	Identity *IdentityPatch
	// Messages are field (or form) messages that reject the flow.
	Messages []FieldMessage
}

// IdentityPatch is the identity part of a hook's answer.
type IdentityPatch struct {
	Traits         json.RawMessage `json:"traits,omitempty"`
	MetadataPublic json.RawMessage `json:"metadata_public,omitempty"`
	MetadataAdmin  json.RawMessage `json:"metadata_admin,omitempty"`
}

// FieldMessage is a message for the field at a JSON pointer
// ("#/traits/email"), or for the form when the pointer is "#/" or empty.
type FieldMessage struct {
	Field   string
	Message *text.Message
}

// ErrHook is returned when a parsed hook cannot be used (unreachable, an
// unexpected status, a body that is not the documented shape).
var ErrHook = errors.New("web hook failed")

// Parses reports whether the hook's answer is waited for and used.
func Parses(c *config.WebHookConfig) bool { return c.Response.Parse || c.CanInterrupt }

// Run executes one hook with the template context ctxDoc. Only a parsing
// hook returns a Result or an error; the others log their failures.
func (r *Runner) Run(ctx context.Context, c *config.WebHookConfig, ctxDoc any) (*Result, error) {
	body, err := r.render(ctx, c, ctxDoc)
	if err != nil {
		if Parses(c) {
			return nil, fmt.Errorf("%w: %v", ErrHook, err)
		}
		slog.WarnContext(ctx, "web hook template failed", "url", c.URL, "error", err)
		return nil, nil
	}
	if c.Response.Ignore {
		go func() {
			bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if _, _, err := r.send(bg, c, body); err != nil {
				slog.Warn("web hook (response.ignore) failed", "url", c.URL, "error", err)
			}
		}()
		return nil, nil
	}
	status, resp, err := r.send(ctx, c, body)
	if !Parses(c) {
		if err == nil && status >= 300 {
			err = fmt.Errorf("answered %d", status)
		}
		if err != nil {
			slog.WarnContext(ctx, "web hook failed", "url", c.URL, "error", err)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrHook, err)
	}
	return parse(status, resp)
}

func (r *Runner) send(ctx context.Context, c *config.WebHookConfig, body []byte) (int, []byte, error) {
	method := c.Method
	if method == "" {
		method = http.MethodPost
	}
	var rd io.Reader
	if method != http.MethodGet {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for k, v := range c.Headers {
		req.Header.Set(k, v)
	}
	if a := c.Auth; a != nil {
		switch a.Type {
		case "basic_auth":
			req.SetBasicAuth(a.Config.User, a.Config.Password)
		case "api_key":
			if a.Config.In == "cookie" {
				req.AddCookie(&http.Cookie{Name: a.Config.Name, Value: a.Config.Value})
			} else {
				req.Header.Set(a.Config.Name, a.Config.Value)
			}
		}
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// parse reads a parsing hook's answer.
func parse(status int, b []byte) (*Result, error) {
	switch {
	case status == http.StatusNoContent:
		return &Result{}, nil
	case status >= 200 && status < 300:
		var doc struct {
			Identity *IdentityPatch `json:"identity"`
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return &Result{}, nil
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%w: the answer is not JSON: %v", ErrHook, err)
		}
		return &Result{Identity: doc.Identity}, nil
	case status >= 400 && status < 500:
		var doc struct {
			Messages []struct {
				InstancePtr string         `json:"instance_ptr"`
				Messages    []text.Message `json:"messages"`
			} `json:"messages"`
		}
		if err := json.Unmarshal(b, &doc); err != nil || len(doc.Messages) == 0 {
			return nil, fmt.Errorf("%w: answered %d without messages", ErrHook, status)
		}
		res := &Result{}
		for _, m := range doc.Messages {
			field := strings.ReplaceAll(strings.Trim(strings.TrimPrefix(m.InstancePtr, "#"), "/"), "/", ".")
			for i := range m.Messages {
				msg := m.Messages[i]
				if msg.Type == "" {
					msg.Type = text.Error
				}
				res.Messages = append(res.Messages, FieldMessage{Field: field, Message: &msg})
			}
		}
		return res, nil
	}
	return nil, fmt.Errorf("%w: answered %d", ErrHook, status)
}

// render evaluates the body template with ctxDoc. Without a template the
// context itself is sent.
func (r *Runner) render(ctx context.Context, c *config.WebHookConfig, ctxDoc any) ([]byte, error) {
	doc, err := json.Marshal(ctxDoc)
	if err != nil {
		return nil, err
	}
	if c.Body == "" {
		return doc, nil
	}
	src, err := r.template(ctx, c.Body)
	if err != nil {
		return nil, err
	}
	vm := jsonnet.MakeVM()
	vm.ExtCode("ctx", string(doc))
	vm.TLACode("ctx", string(doc))
	out, err := vm.EvaluateAnonymousSnippet(c.Body, src)
	if err != nil {
		return nil, fmt.Errorf("evaluating the body template: %w", err)
	}
	return []byte(out), nil
}

// template loads a template source once.
func (r *Runner) template(ctx context.Context, u string) (string, error) {
	r.mu.Lock()
	src, ok := r.bodies[u]
	r.mu.Unlock()
	if ok {
		return src, nil
	}
	src, err := r.fetch(ctx, u)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	r.bodies[u] = src
	r.mu.Unlock()
	return src, nil
}

func (r *Runner) fetch(ctx context.Context, u string) (string, error) {
	switch {
	case strings.HasPrefix(u, "base64://"):
		b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(u, "base64://"))
		if err != nil {
			b, err = base64.RawURLEncoding.DecodeString(strings.TrimPrefix(u, "base64://"))
		}
		if err != nil {
			return "", fmt.Errorf("body %s: not base64", u)
		}
		return string(b), nil
	case strings.HasPrefix(u, "file://"):
		p, _ := config.FilePath(u)
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("body: %w", err)
		}
		return string(b), nil
	case strings.HasPrefix(u, "http://"), strings.HasPrefix(u, "https://"):
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return "", err
		}
		resp, err := r.client.Do(req)
		if err != nil {
			return "", fmt.Errorf("fetching body template: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("fetching body template: %s", resp.Status)
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
		return string(b), err
	}
	return "", fmt.Errorf("body %q: use file://, base64:// or http(s)://", u)
}
