package selfservice

import (
	"net/http"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// beforeHooks are flows.<kind>.before.hooks.
func (h *Handler) beforeHooks(k flow.Kind) []config.Hook {
	if b := h.flowKeys(k).before; b != nil {
		return b.Hooks
	}
	return nil
}

// runBeforeHooks runs the web hooks of flows.<kind>.before when a flow
// starts. A parsing hook that answers with messages refuses the flow.
func (h *Handler) runBeforeHooks(r *http.Request, f *flow.Flow) error {
	hooks := h.beforeHooks(f.Kind)
	if len(hooks) == 0 {
		return nil
	}
	ok, err := h.runParsingHooks(r, f, hooks, nil, nil)
	if err != nil {
		return err
	}
	if !ok {
		var texts []string
		for _, m := range f.UI.Messages {
			texts = append(texts, m.Text)
		}
		for _, n := range f.UI.Nodes {
			for _, m := range n.Messages {
				texts = append(texts, m.Text)
			}
		}
		return httpx.ErrForbidden.WithReason("%s", strings.Join(texts, " "))
	}
	return h.runPostHooks(r, f, hooks, nil, nil)
}
