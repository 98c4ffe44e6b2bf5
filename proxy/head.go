package proxy

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/authn"
	"github.com/cerberus-iam/cerberus/proxy/authz"
	"github.com/cerberus-iam/cerberus/proxy/jwks"
	"github.com/cerberus-iam/cerberus/proxy/mutate"
	"github.com/cerberus-iam/cerberus/proxy/pipeline"
	"github.com/cerberus-iam/cerberus/proxy/rule"
	"github.com/cerberus-iam/cerberus/proxy/rulerepo"
)

// Sources are the in-process sources; each may be nil, and a handler that
// needs a missing one must be given a URL instead.
type Sources struct {
	Sessions     authn.SessionSource
	Keys         jwks.KeySource
	Introspector authn.Introspector
	Signer       mutate.Signer
}

// Options build a Head.
type Options struct {
	Config  *config.Config
	Sources Sources
	// Registerer receives the proxy's metrics; nil registers none.
	Registerer prometheus.Registerer
	Logger     *slog.Logger
	Now        func() time.Time
	Rand       io.Reader
	// Upstream is the transport requests are forwarded with, and Outbound
	// the one for calls to session, token and key endpoints; nil: tuned
	// defaults.
	Upstream http.RoundTripper
	Outbound http.RoundTripper
	// WrapTransport, when set, wraps both (tracing: a client span per call
	// and the traceparent sent on).
	WrapTransport func(http.RoundTripper) http.RoundTripper
}

// Head is the proxy head.
type Head struct {
	cfg      *config.Config
	log      *slog.Logger
	now      func() time.Time
	reg      *registry
	fallback []namedHandler
	metrics  *metrics
	state    atomic.Pointer[state]
	loader   *rulerepo.Loader
	proxy    *httputil.ReverseProxy
	trust    *httpx.ClientIPResolver
	local    *jwks.Local
	jwks     *jwks.Cache
}

type namedHandler struct {
	name string
	h    pipeline.ErrorHandler
}

// state is what a request reads once: the rule set and its metrics.
type state struct {
	set   *rule.Set
	rules map[*rule.Rule]*ruleMetrics
}

type clientSet struct{ outbound *http.Client }

// New builds the head and loads the rules. File and inline repositories
// must load; a remote one that cannot be fetched yet is retried in the
// background (its rules are missing until then, and the log says why).
func New(ctx context.Context, o Options) (*Head, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Upstream == nil {
		o.Upstream = upstreamTransport()
	}
	if o.Outbound == nil {
		o.Outbound = outboundTransport()
	}
	if o.WrapTransport != nil {
		o.Upstream, o.Outbound = o.WrapTransport(o.Upstream), o.WrapTransport(o.Outbound)
	}
	cfg := o.Config
	h := &Head{cfg: cfg, log: o.Logger, now: o.Now}
	trust, err := httpx.NewClientIPResolver(cfg.Serve.Proxy.TrustForward, cfg.Serve.Proxy.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("serve.proxy.trusted_proxies: %w", err)
	}
	h.trust = trust
	outbound := &http.Client{Transport: o.Outbound, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	h.jwks = jwks.NewCache(outbound, o.Now, o.Logger)
	h.local = jwks.NewLocal(o.Sources.Keys)
	h.reg = &registry{
		cfg:    cfg,
		client: &clientSet{outbound: outbound},
		authn: &authn.Deps{Client: outbound, Sessions: o.Sources.Sessions, Keys: o.Sources.Keys,
			Introspector: o.Sources.Introspector, JWKS: h.jwks, Local: h.local, Now: o.Now},
		authz: authz.Deps{Client: outbound, MaxBody: cfg.Serve.Proxy.MaxBodyBytes},
		idTok: mutate.IDTokenDeps{Signer: o.Sources.Signer, JWKS: h.jwks, Now: o.Now, Rand: o.Rand},
	}
	for i, name := range cfg.Errors.Fallback {
		eh, err := h.reg.ErrorHandler(name, nil)
		if err != nil {
			return nil, fmt.Errorf("errors.fallback[%d]: %v", i, err)
		}
		h.fallback = append(h.fallback, namedHandler{name: name, h: eh})
	}
	h.metrics = newMetrics(o.Registerer)
	h.proxy = &httputil.ReverseProxy{
		Rewrite:      h.rewrite,
		Transport:    o.Upstream,
		ErrorHandler: h.upstreamError,
		ErrorLog:     slog.NewLogLogger(o.Logger.Handler(), slog.LevelWarn),
		BufferPool:   newBufferPool(),
	}
	h.loader, err = rulerepo.New(rulerepo.Options{
		Repositories: cfg.AccessRules.Repositories,
		Interval:     cfg.AccessRules.RefreshInterval.D(),
		Compile: func(source string, specs []*rule.Spec) ([]*rule.Rule, error) {
			return CompileRules(source, specs, cfg.AccessRules.MatchingStrategy, h.reg)
		},
		Publish: h.publish,
		Client:  outbound,
		Logger:  o.Logger,
	})
	if err != nil {
		return nil, err
	}
	if err := h.loader.Load(ctx); err != nil {
		return nil, err
	}
	return h, nil
}

// CompileRules compiles the specs of one source; every problem is reported.
func CompileRules(source string, specs []*rule.Spec, strategy string, reg pipeline.Registry) ([]*rule.Rule, error) {
	var errs rule.Errors
	out := make([]*rule.Rule, 0, len(specs))
	for i, s := range specs {
		r, err := rule.Compile(source, i, s, strategy, reg)
		if err != nil {
			var es rule.Errors
			if errors.As(err, &es) {
				errs = append(errs, es...)
				continue
			}
			return nil, err
		}
		out = append(out, r)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// publish swaps in a new rule set; requests in flight keep the one they
// started with.
func (h *Head) publish(set *rule.Set) {
	st := &state{set: set, rules: make(map[*rule.Rule]*ruleMetrics, set.Len())}
	for _, r := range set.Rules() {
		st.rules[r] = h.metrics.forRule(r.ID())
	}
	h.state.Store(st)
	h.metrics.rules.Set(float64(set.Len()))
}

// Run watches the repositories until ctx ends (a serve worker).
func (h *Head) Run(ctx context.Context) { h.loader.Run(ctx) }

// Rules returns the current rule set.
func (h *Head) Rules() *rule.Set { return h.state.Load().set }

// upstreamTransport is tuned for one proxy talking to few upstreams:
// enough idle connections per host that a busy upstream is not redialed.
func upstreamTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func outboundTransport() *http.Transport {
	t := upstreamTransport()
	t.Proxy = http.ProxyFromEnvironment
	t.MaxIdleConnsPerHost = 64
	t.ResponseHeaderTimeout = 15 * time.Second
	return t
}
