package proxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
	"github.com/cerberus-iam/cerberus/proxy/rule"
)

type forwardKey struct{}

// forward is what ServeProxy hands to rewrite through the request context.
type forward struct {
	rule    *rule.Rule
	rm      *ruleMetrics
	session *pipeline.Session
	scheme  string
	trusted bool
}

// ServeProxy is the proxy listener's handler: match, run the pipeline,
// forward allowed requests upstream.
func (h *Head) ServeProxy(w http.ResponseWriter, r *http.Request) {
	trusted := h.trust.TrustsForwarded(r)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if p := r.Header.Get("X-Forwarded-Proto"); trusted && (p == "https" || p == "http") {
		// Only a trusted proxy in front may say the client used TLS.
		scheme = p
	}
	host := strings.ToLower(r.Host)
	if hasDotSegment(r.URL.Path) {
		// The listener cleans literal dot segments; encoded ones
		// (%2e%2e, ..%2F) arrive decoded here. Refuse them: the rules would
		// decide /public/../admin as /public while the upstream may serve
		// /admin.
		e := pipeline.ErrBadRequest.WithReason("The path holds a . or .. segment.")
		httpx.WriteJSON(w, e.Code, httpx.ErrorJSON(r, e))
		return
	}
	u := &url.URL{Scheme: scheme, Host: host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	fw := &forward{scheme: scheme, trusted: trusted}
	in := r.WithContext(context.WithValue(r.Context(), forwardKey{}, fw))
	in.URL = u
	target := scheme + "://" + host + r.URL.Path

	d := h.decide(in, target, onProxy)
	h.finish(in.Context(), &d, onProxy, target, r.Method)
	if d.err != nil {
		h.handleError(w, in, d.rule, d.err)
		return
	}
	if d.rule.Upstream == nil {
		err := pipeline.Internal("The matched rule has no upstream.url, so it can only answer the decision API.", nil)
		h.handleError(w, in, d.rule, err)
		return
	}
	fw.rule, fw.rm, fw.session = d.rule, d.rm, d.session
	if isUpgrade(r) {
		// A WebSocket outlives the listener's read and write timeouts,
		// which are meant for ordinary requests.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
	}
	h.proxy.ServeHTTP(w, in)
}

func isUpgrade(r *http.Request) bool {
	return r.Header.Get("Upgrade") != "" && headerHasToken(r.Header, "Connection", "upgrade")
}

func headerHasToken(hd http.Header, name, token string) bool {
	for _, v := range hd[name] {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// rewrite builds the upstream request. httputil.ReverseProxy has already
// dropped hop-by-hop headers (and any header the client named in
// Connection) and the client's Forwarded / X-Forwarded-* headers.
func (h *Head) rewrite(pr *httputil.ProxyRequest) {
	fw := pr.In.Context().Value(forwardKey{}).(*forward)
	up := fw.rule.Upstream
	out := pr.Out

	path, raw := pr.In.URL.Path, pr.In.URL.EscapedPath()
	if up.StripPath != "" {
		path, raw = stripPrefix(path, up.StripPath), stripPrefix(raw, up.StripPath)
	}
	out.URL.Scheme, out.URL.Host = up.URL.Scheme, up.URL.Host
	out.URL.Path = joinPath(up.URL.Path, path)
	if rp := joinPath(up.URL.EscapedPath(), raw); rp != out.URL.Path {
		out.URL.RawPath = rp
	} else {
		out.URL.RawPath = ""
	}
	out.URL.RawQuery = pr.In.URL.RawQuery
	if up.PreserveHost {
		out.Host = pr.In.Host
	} else {
		out.Host = up.URL.Host
	}

	// Forwarding headers: what a trusted proxy in front said, extended with
	// this hop; from anyone else, only what this hop saw.
	peer, _, err := net.SplitHostPort(pr.In.RemoteAddr)
	if err != nil {
		peer = pr.In.RemoteAddr
	}
	xff, xfh, xfp := peer, pr.In.Host, fw.scheme
	if fw.trusted {
		if prior := strings.Join(pr.In.Header.Values("X-Forwarded-For"), ", "); prior != "" {
			xff = prior + ", " + peer
		}
		if v := pr.In.Header.Get("X-Forwarded-Host"); v != "" {
			xfh = v
		}
	}
	out.Header.Set("X-Forwarded-For", xff)
	out.Header.Set("X-Forwarded-Host", xfh)
	out.Header.Set("X-Forwarded-Proto", xfp)
	if ip := httpx.ClientIP(pr.In.Context()); ip != "" {
		out.Header.Set("X-Real-Ip", ip)
	}

	// The mutators' headers replace the client's: a client cannot send its
	// own X-User-Id. Names that differ only in '-' versus '_' go too, since
	// CGI-style upstreams (PHP, WSGI) read both as the same variable.
	for name, vals := range fw.session.Header {
		if strings.EqualFold(name, "Content-Length") {
			continue
		}
		dropLookalikes(out.Header, name)
		out.Header[name] = vals
	}
}

// dropLookalikes removes headers whose name equals name once case and
// '-'/'_' are ignored.
func dropLookalikes(hd http.Header, name string) {
	for k := range hd {
		if len(k) == len(name) && k != name && sameHeaderName(k, name) {
			delete(hd, k)
		}
	}
}

func sameHeaderName(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == '_' {
			x = '-'
		}
		if y == '_' {
			y = '-'
		}
		if x|0x20 != y|0x20 && x != y {
			return false
		}
	}
	return true
}

// stripPrefix removes prefix from the start of p when it ends at a segment
// boundary ("/api" strips "/api" and "/api/x", not "/apix").
func stripPrefix(p, prefix string) string {
	prefix = "/" + strings.Trim(prefix, "/")
	if prefix == "/" {
		return p
	}
	if p == prefix {
		return "/"
	}
	if strings.HasPrefix(p, prefix+"/") {
		return p[len(prefix):]
	}
	return p
}

// joinPath appends the request path to the upstream's, as Oathkeeper does.
func joinPath(base, p string) string {
	b := strings.Trim(base, "/")
	if b == "" {
		if p == "" {
			return "/"
		}
		return "/" + strings.TrimLeft(p, "/")
	}
	return "/" + b + "/" + strings.TrimLeft(p, "/")
}

// upstreamError answers when the upstream cannot be reached.
func (h *Head) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	fw, _ := r.Context().Value(forwardKey{}).(*forward)
	e := pipeline.ErrUpstreamUnavailable.WithCause(err)
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		e = pipeline.ErrUpstreamTimeout.WithCause(err)
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away; there is no one to answer.
		return
	}
	ruleID := ""
	if fw != nil && fw.rule != nil {
		ruleID = fw.rule.ID()
		if fw.rm != nil {
			fw.rm.upstream.Inc()
		}
	}
	h.log.Warn("upstream request failed", "rule_id", ruleID, "error", err.Error(), "request_id", httpx.RequestID(r.Context()))
	httpx.WriteJSON(w, e.Code, httpx.ErrorJSON(r, e))
}
