package selfservice

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/hook"
)

// The hooks Cerberus runs.
const (
	hookSession                = "session"
	hookRevokeActiveSessions   = "revoke_active_sessions"
	hookRequireVerifiedAddress = "require_verified_address"
	hookWebHook                = "web_hook"
)

// afterConfig reads flows.<kind>.after.
type afterConfig struct{ c config.AfterHooks }

func newAfter(c config.AfterHooks) *afterConfig { return &afterConfig{c: c} }

func (a *afterConfig) method(m string) *config.MethodHooks {
	switch m {
	case "password":
		return a.c.Password
	case "profile":
		return a.c.Profile
	}
	return nil
}

// hooks are the flow's hooks for every method, then the method's own.
func (a *afterConfig) hooks(method string) []config.Hook {
	out := append([]config.Hook{}, a.c.Hooks...)
	if m := a.method(method); m != nil {
		out = append(out, m.Hooks...)
	}
	return out
}

// returnURL is the method's after URL, else the flow's.
func (a *afterConfig) returnURL(method string) string {
	if m := a.method(method); m != nil && m.DefaultBrowserReturnURL != "" {
		return m.DefaultBrowserReturnURL
	}
	return a.c.DefaultBrowserReturnURL
}

func hasHook(hooks []config.Hook, name string) bool {
	for _, h := range hooks {
		if h.Hook == name {
			return true
		}
	}
	return false
}

// runParsingHooks runs the web hooks whose answer counts, before anything
// is saved. Their field messages go on the flow (ok is false then);
// identity patches go to apply.
func (h *Handler) runParsingHooks(r *http.Request, f *flow.Flow, hooks []config.Hook, i *identity.Identity,
	apply func(*hook.IdentityPatch)) (ok bool, err error) {
	for _, hk := range hooks {
		if hk.Hook != hookWebHook || hk.Config == nil || !hook.Parses(hk.Config) || h.o.WebHooks == nil {
			continue
		}
		res, err := h.o.WebHooks.Run(r.Context(), hk.Config, h.hookContext(r, f, i, nil))
		if err != nil {
			return false, httpx.NewError(http.StatusBadGateway, "A web hook of this flow failed.").
				WithReason("The flow could not be completed because a web hook did not answer as expected.").WithCause(err)
		}
		if res.Identity != nil && apply != nil {
			apply(res.Identity)
		}
		for _, m := range res.Messages {
			f.UI.AddFieldMessage(m.Field, m.Message)
		}
	}
	return !f.UI.HasErrors(), nil
}

// runPostHooks runs the hooks that follow a completed flow: revoking other
// sessions and the web hooks whose answer does not count.
func (h *Handler) runPostHooks(r *http.Request, f *flow.Flow, hooks []config.Hook, i *identity.Identity, s *session.Session) error {
	for _, hk := range hooks {
		switch hk.Hook {
		case hookRevokeActiveSessions:
			if i == nil {
				continue
			}
			var keep [16]byte
			if s != nil {
				keep = s.ID
			}
			if _, err := h.o.Sessions.RevokeAll(r.Context(), i.ID, keep); err != nil {
				return err
			}
		case hookWebHook:
			if hk.Config != nil && !hook.Parses(hk.Config) && h.o.WebHooks != nil {
				_, _ = h.o.WebHooks.Run(r.Context(), hk.Config, h.hookContext(r, f, i, s))
			}
		}
	}
	return nil
}

// hookHeaders are the request headers a web hook template sees (Kratos's
// allow-list: nothing that carries credentials).
var hookHeaders = []string{"Accept", "Accept-Encoding", "Accept-Language", "Content-Length", "Content-Type", "Origin",
	"Priority", "Referer", "Sec-Ch-Ua", "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Sec-Fetch-Dest", "Sec-Fetch-Mode",
	"Sec-Fetch-Site", "Sec-Fetch-User", "True-Client-Ip", "User-Agent"}

// hookContext is the ctx a web hook template sees.
func (h *Handler) hookContext(r *http.Request, f *flow.Flow, i *identity.Identity, s *session.Session) map[string]any {
	headers := map[string][]string{}
	for _, k := range hookHeaders {
		if v := r.Header.Values(k); len(v) > 0 {
			headers[k] = v
		}
	}
	cookies := map[string]string{}
	for _, c := range r.Cookies() {
		// Session and CSRF cookies are credentials: never handed out.
		if c.Name != h.o.Sessions.CookieName() && c.Name != h.o.CSRF.CookieName() {
			cookies[c.Name] = c.Value
		}
	}
	doc := map[string]any{
		"flow": map[string]any{"id": f.ID, "type": f.Type, "kind": f.Kind, "request_url": f.RequestURL,
			"return_to": f.ReturnTo, "active": f.Active, "expires_at": f.ExpiresAt, "issued_at": f.IssuedAt},
		"request_headers": headers, "request_method": r.Method, "request_url": h.publicURL(r.URL.Path[1:], r.URL.Query()),
		"request_cookies": cookies,
	}
	if i != nil {
		if b, err := i.PublicJSON(h.o.Identities.SchemaURL(i.SchemaID)); err == nil {
			doc["identity"] = json.RawMessage(b)
		}
	}
	if s != nil {
		doc["session"] = json.RawMessage(h.o.Sessions.JSON(s, false, false))
	}
	return doc
}

// logHookError keeps a post-persist hook's failure out of the answer.
func logHookError(ctx context.Context, err error) {
	if err != nil {
		slog.WarnContext(ctx, "after hook failed", "error", err)
	}
}
