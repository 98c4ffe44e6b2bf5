package proxy

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// decisionsPrefix is where the decision API lives on the api listener.
const decisionsPrefix = "/decisions"

// ServeDecision is the decision API: it rebuilds the original request
// from the X-Forwarded-* headers that nginx auth_request, Traefik and Caddy
// forward auth, and Envoy/Istio ext_authz send (or from the path after
// /decisions), runs the matching rule, and answers 200 with the mutated
// headers, or the error handler's answer.
func (h *Head) ServeDecision(w http.ResponseWriter, r *http.Request) {
	method := r.Method
	if m := r.Header.Get("X-Forwarded-Method"); m != "" {
		method = strings.ToUpper(m)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = strings.ToLower(p)
	}
	host := r.Host
	if fh := r.Header.Get("X-Forwarded-Host"); fh != "" {
		host = fh
	}
	host = strings.ToLower(host)

	u := &url.URL{Scheme: scheme, Host: host}
	var bad error
	if fu := r.Header.Get("X-Forwarded-Uri"); fu != "" {
		p, q, _ := strings.Cut(fu, "?")
		u.RawQuery = q
		bad = setEscapedPath(u, p)
	} else {
		raw := strings.TrimPrefix(r.URL.EscapedPath(), decisionsPrefix)
		u.RawQuery = r.URL.RawQuery
		bad = setEscapedPath(u, raw)
	}
	in := r.WithContext(r.Context()) // a shallow copy to rewrite
	in.Method, in.URL, in.Host = method, u, host
	target := scheme + "://" + host + u.Path

	var d decision
	if bad != nil {
		d = decision{start: h.now(), err: pipeline.ErrBadRequest.WithReason("%s", bad.Error())}
	} else {
		d = h.decide(in, target, onAPI)
	}
	h.finish(in.Context(), &d, onAPI, target, method)
	if d.err != nil {
		h.handleError(w, in, d.rule, d.err)
		return
	}
	hd := w.Header()
	for k, v := range d.session.Header {
		if strings.EqualFold(k, "Content-Length") {
			continue
		}
		hd[k] = v
	}
	w.WriteHeader(http.StatusOK)
}

type pathError string

func (e pathError) Error() string { return string(e) }

// setEscapedPath sets u's path from its escaped form. Paths with dot
// segments are refused: the proxy in front and the upstream may resolve
// them differently from the rules, so "/public/../admin" could be decided
// as /public and served as /admin.
func setEscapedPath(u *url.URL, escaped string) error {
	if escaped == "" {
		escaped = "/"
	}
	if !strings.HasPrefix(escaped, "/") {
		escaped = "/" + escaped
	}
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return pathError("The forwarded path is not validly percent-encoded.")
	}
	if hasDotSegment(p) {
		return pathError("The forwarded path holds a . or .. segment.")
	}
	u.Path = p
	if p != escaped {
		u.RawPath = escaped
	}
	return nil
}

// hasDotSegment reports whether a decoded path has a "." or ".." segment
// (RFC 3986 §3.3).
func hasDotSegment(p string) bool {
	for len(p) > 0 {
		i := strings.IndexByte(p, '/')
		seg := p
		if i >= 0 {
			seg, p = p[:i], p[i+1:]
		} else {
			p = ""
		}
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}
