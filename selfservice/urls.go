package selfservice

import (
	"net/url"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// publicURL resolves a path against the public base URL.
func (h *Handler) publicURL(path string, q url.Values) string {
	u := *h.public
	u.Path = h.public.Path + path
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	} else {
		u.RawQuery = ""
	}
	return u.String()
}

// uiURL is the page that renders a flow of kind: flows.<kind>.ui_url, or
// the built-in page.
func (h *Handler) uiURL(k flow.Kind) string {
	if configured := h.flowKeys(k).uiURL; configured != "" {
		return configured
	}
	return h.publicURL(string(k), nil)
}

// flowUIURL is the UI URL of a flow with ?flow=<id>.
func (h *Handler) flowUIURL(f *flow.Flow) string {
	return withQuery(h.uiURL(f.Kind), "flow", f.ID.String())
}

// errorUIURL is the error page with ?id=<id>.
func (h *Handler) errorUIURL(id uuid.UUID) string {
	base := h.cfg.Flows.Error.UIURL
	if base == "" {
		base = h.publicURL("error", nil)
	}
	return withQuery(base, "id", id.String())
}

// actionURL is where a flow's form posts.
func (h *Handler) actionURL(f *flow.Flow) string {
	return h.publicURL("self-service/"+string(f.Kind), url.Values{"flow": {f.ID.String()}})
}

// browserStartURL starts a new browser flow of kind.
func (h *Handler) browserStartURL(k flow.Kind, q url.Values) string {
	return h.publicURL("self-service/"+string(k)+"/browser", q)
}

// defaultReturnURL is selfservice.default_browser_return_url, or the
// built-in welcome page.
func (h *Handler) defaultReturnURL() string {
	if h.cfg.DefaultBrowserReturnURL != "" {
		return h.cfg.DefaultBrowserReturnURL
	}
	return h.publicURL("welcome", nil)
}

// afterReturnURL is where a browser goes after kind succeeded with method:
// the flow's return_to, else flows.<kind>.after.<method>, else
// flows.<kind>.after, else the default.
func (h *Handler) afterReturnURL(f *flow.Flow, method string) string {
	if f.ReturnTo != "" {
		return f.ReturnTo
	}
	var after *afterConfig
	switch f.Kind {
	case flow.Login:
		after = newAfter(h.cfg.Flows.Login.After)
	case flow.Registration:
		after = newAfter(h.cfg.Flows.Registration.After)
	case flow.Settings:
		after = newAfter(h.cfg.Flows.Settings.After)
	}
	if u := after.returnURL(method); u != "" {
		return u
	}
	return h.defaultReturnURL()
}

func withQuery(base, key, value string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
