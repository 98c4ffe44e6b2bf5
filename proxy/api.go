package proxy

import (
	"net/http"
	"strconv"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/proxy/mutate"
	"github.com/cerberus-iam/cerberus/proxy/rule"
)

// MountProxy mounts the reverse proxy on the proxy listener's mux.
func (h *Head) MountProxy(mux *http.ServeMux) {
	mux.Handle("/", http.HandlerFunc(h.ServeProxy))
}

// MountAPI mounts the decision API, the rules API and the id_token key set
// on the api listener's mux.
func (h *Head) MountAPI(mux *http.ServeMux) {
	mux.Handle(decisionsPrefix, http.HandlerFunc(h.ServeDecision))
	mux.Handle(decisionsPrefix+"/", http.HandlerFunc(h.ServeDecision))
	rt := httpx.NewRouter(mux, nil)
	rt.Handle("GET /rules", h.listRules)
	rt.Handle("GET /rules/{id}", h.getRule)
	rt.Handle("GET /.well-known/jwks.json", h.publicKeys)
}

// listRules answers GET /rules?limit=&offset= (default 50, at most 500).
func (h *Head) listRules(w http.ResponseWriter, r *http.Request) error {
	limit, offset := 50, 0
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return httpx.ErrBadRequest.WithReason("limit must be a positive integer.")
		}
		limit = min(n, 500)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return httpx.ErrBadRequest.WithReason("offset must be a non-negative integer.")
		}
		offset = n
	}
	rules := h.Rules().Rules()
	out := make([]*rule.Spec, 0, limit)
	for i := offset; i < len(rules) && len(out) < limit; i++ {
		out = append(out, rules[i].Spec)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(len(rules)))
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// getRule answers GET /rules/{id}.
func (h *Head) getRule(w http.ResponseWriter, r *http.Request) error {
	rl, ok := h.Rules().Get(r.PathValue("id"))
	if !ok {
		return httpx.ErrNotFound.WithReason("No rule has the id %q.", r.PathValue("id"))
	}
	httpx.WriteJSON(w, http.StatusOK, rl.Spec)
	return nil
}

// publicKeys serves the public keys upstreams verify id_token tokens with:
// Cerberus's own (in process) and those of every jwks_url the loaded rules
// sign with.
func (h *Head) publicKeys(w http.ResponseWriter, r *http.Request) error {
	out := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	if h.local != nil {
		set, err := h.local.Set(r.Context())
		if err != nil {
			return err
		}
		out.Keys = append(out.Keys, set.Keys...)
	}
	seen := map[string]bool{}
	for _, rl := range h.Rules().Rules() {
		for _, m := range rl.Mutators {
			it, ok := m.(*mutate.IDToken)
			if !ok || it.JWKSURL() == "" || seen[it.JWKSURL()] {
				continue
			}
			seen[it.JWKSURL()] = true
			sets, err := h.jwks.Sets(r.Context(), []string{it.JWKSURL()}, h.cfg.AccessRules.RefreshInterval.D(), 5e9)
			if err != nil {
				return httpx.ErrInternal.WithCause(err)
			}
			for _, set := range sets {
				for _, k := range set.Keys {
					if p := k.Public(); p.Key != nil {
						out.Keys = append(out.Keys, p)
					}
				}
			}
		}
	}
	w.Header().Set("Cache-Control", "max-age=60")
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
