package returnto

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// ErrForbidden is the error for a return_to that is not allowed.
var ErrForbidden = httpx.NewError(http.StatusBadRequest, "Requested return_to URL is not allowed.").
	WithID("self_service_flow_return_to_forbidden").
	WithReason("The return_to URL is not on the list of allowed return URLs (selfservice.allowed_return_urls).")

// Policy holds the allowed return URLs.
type Policy struct {
	base    *url.URL
	allowed []*url.URL
}

// New builds a policy. base resolves relative return_to values (the
// default return URL); allowed are selfservice.allowed_return_urls plus
// any URL always allowed (the default return URL, the public base URL).
func New(base string, allowed ...string) (*Policy, error) {
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() {
		return nil, fmt.Errorf("default return URL %q is not an absolute URL", base)
	}
	p := &Policy{base: b}
	for _, a := range allowed {
		if a == "" {
			continue
		}
		u, err := url.Parse(a)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("allowed return URL %q is not an absolute URL", a)
		}
		u.Host = strings.ToLower(u.Host)
		p.allowed = append(p.allowed, u)
	}
	return p, nil
}

// Check resolves raw (possibly relative) and returns it when allowed. An
// empty raw returns "" and no error.
func (p *Policy) Check(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := p.parse(raw)
	if err != nil {
		return "", ErrForbidden.WithCause(err)
	}
	for _, a := range p.allowed {
		if matches(a, u) {
			return u.String(), nil
		}
	}
	return "", ErrForbidden.WithCause(fmt.Errorf("return_to %q matches no allowed URL", raw))
}

// Allowed reports whether raw would pass Check.
func (p *Policy) Allowed(raw string) bool {
	_, err := p.Check(raw)
	return raw != "" && err == nil
}

func (p *Policy) parse(raw string) (*url.URL, error) {
	// Browsers treat "\" as "/" and drop tabs and newlines, so
	// "/\evil.com" and "/\t/evil.com" would leave the site.
	for _, r := range raw {
		if r == '\\' || r < 0x20 || r == 0x7f {
			return nil, fmt.Errorf("return_to contains a backslash or control character")
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if !u.IsAbs() {
		// "//evil.com/x" is relative to the scheme only: resolving it
		// yields evil.com, which the host check then refuses.
		u = p.base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("return_to scheme %q is not http or https", u.Scheme)
	}
	if u.User != nil {
		return nil, fmt.Errorf("return_to carries user information")
	}
	if u.Host == "" {
		return nil, fmt.Errorf("return_to has no host")
	}
	u.Host = strings.ToLower(u.Host)
	return u, nil
}

func matches(a, u *url.URL) bool {
	if a.Scheme != u.Scheme || a.Port() != u.Port() {
		return false
	}
	ah, uh := a.Hostname(), u.Hostname()
	if suffix, ok := strings.CutPrefix(ah, "*."); ok {
		if !strings.HasSuffix(uh, "."+suffix) || len(uh) <= len(suffix)+1 {
			return false
		}
	} else if ah != uh {
		return false
	}
	return pathUnder(a.EscapedPath(), u.EscapedPath())
}

// pathUnder reports whether p lies under prefix on a segment boundary:
// "/app" allows "/app" and "/app/x", not "/apple".
func pathUnder(prefix, p string) bool {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return true
	}
	if strings.Contains(p, "/../") || strings.HasSuffix(p, "/..") {
		return false
	}
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}
