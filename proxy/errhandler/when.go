package errhandler

import (
	"fmt"
	"mime"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// WhenConfig is one `when` condition as written in config. Conditions in a
// list are alternatives; within one, every given part must hold.
type WhenConfig struct {
	// Error lists error kinds: unauthorized, forbidden, not_found,
	// internal_server_error, ... (the status text, lower case, with _).
	Error   []string `json:"error"`
	Request *struct {
		// CIDR lists networks the client's address must be in. The address
		// is the one resolved for the listener (forwarding headers count only
		// from trusted proxies).
		CIDR   []string `json:"cidr"`
		Header *struct {
			ContentType []string `json:"content_type"`
			Accept      []string `json:"accept"`
		} `json:"header"`
	} `json:"request"`
}

type when struct {
	errors      []string
	cidrs       []netip.Prefix
	contentType []string
	accept      []string
}

// Whens is a compiled list of `when` conditions.
type Whens []when

func compileWhens(cs []WhenConfig) (Whens, error) {
	out := make(Whens, 0, len(cs))
	for i, c := range cs {
		w := when{errors: c.Error}
		if c.Request != nil {
			for j, s := range c.Request.CIDR {
				p, err := netip.ParsePrefix(strings.TrimSpace(s))
				if err != nil {
					a, aerr := netip.ParseAddr(strings.TrimSpace(s))
					if aerr != nil {
						return nil, fmt.Errorf("config.when[%d].request.cidr[%d]: %q is not a CIDR", i, j, s)
					}
					p = netip.PrefixFrom(a, a.BitLen())
				}
				w.cidrs = append(w.cidrs, p.Masked())
			}
			if h := c.Request.Header; h != nil {
				w.contentType, w.accept = h.ContentType, h.Accept
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// Match reports whether any condition holds; no conditions always hold.
func (ws Whens) Match(r *http.Request, err *httpx.Error) bool {
	if len(ws) == 0 {
		return true
	}
	kind := pipeline.Kind(err.Code)
	for _, w := range ws {
		if len(w.errors) > 0 && !slices.Contains(w.errors, kind) {
			continue
		}
		if len(w.contentType) > 0 && !mimeMatches(contentTypes(r.Header.Get("Content-Type")), w.contentType) {
			continue
		}
		if len(w.accept) > 0 && !mimeMatches(acceptTypes(r.Header.Get("Accept")), w.accept) {
			continue
		}
		if len(w.cidrs) > 0 && !inAny(httpx.ClientIP(r.Context()), r.RemoteAddr, w.cidrs) {
			continue
		}
		return true
	}
	return false
}

func inAny(clientIP, remote string, nets []netip.Prefix) bool {
	ip := clientIP
	if ip == "" {
		ip = remote
		if i := strings.LastIndexByte(ip, ':'); i >= 0 && !strings.HasSuffix(ip, "]") {
			ip = ip[:i]
		}
		ip = strings.Trim(ip, "[]")
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// contentTypes reads a Content-Type header (no header: octet-stream, as
// RFC 9110 §8.3 lets a recipient assume).
func contentTypes(v string) []string {
	if v == "" {
		return []string{"application/octet-stream"}
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		return nil
	}
	return []string{mt}
}

// acceptTypes lists the media ranges of an Accept header, parameters
// dropped.
func acceptTypes(v string) []string {
	if v == "" {
		return []string{"application/octet-stream"}
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		mt, _, _ := strings.Cut(part, ";")
		if mt = strings.ToLower(strings.TrimSpace(mt)); mt != "" {
			out = append(out, mt)
		}
	}
	return out
}

// mimeMatches: a condition type matches a request type when equal, when it
// is */*, or when it is type/* and the request's type is that type. A
// request's own wildcard matches only the same wildcard, so a browser's
// "*/*" does not select every handler.
func mimeMatches(request, cond []string) bool {
	for _, a := range request {
		major, _, _ := strings.Cut(a, "/")
		for _, m := range cond {
			m = strings.ToLower(strings.TrimSpace(m))
			switch {
			case m == "*/*", a == m:
				return true
			case strings.HasSuffix(m, "/*") && strings.TrimSuffix(m, "/*") == major:
				return true
			}
		}
	}
	return false
}
