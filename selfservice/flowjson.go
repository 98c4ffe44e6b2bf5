package selfservice

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/node"
)

// flowDoc is a flow as Kratos serialises it. Fields that belong to one
// kind only are pointers, left out for the others.
type flowDoc struct {
	ID                   string          `json:"id"`
	Type                 flow.Type       `json:"type"`
	ExpiresAt            time.Time       `json:"expires_at"`
	IssuedAt             time.Time       `json:"issued_at"`
	RequestURL           string          `json:"request_url"`
	ReturnTo             string          `json:"return_to,omitempty"`
	Active               string          `json:"active,omitempty"`
	State                string          `json:"state"`
	UI                   *node.Container `json:"ui"`
	Refresh              *bool           `json:"refresh,omitempty"`
	RequestedAAL         string          `json:"requested_aal,omitempty"`
	OAuth2LoginChallenge string          `json:"oauth2_login_challenge,omitempty"`
	Identity             json.RawMessage `json:"identity,omitempty"`
	ContinueWith         []any           `json:"continue_with,omitempty"`
	CreatedAt            *time.Time      `json:"created_at,omitempty"`
	UpdatedAt            *time.Time      `json:"updated_at,omitempty"`
}

// flowJSON renders f for this request: the CSRF field of a browser flow
// gets this browser's token (the stored form never holds it), a settings
// flow embeds its identity.
func (h *Handler) flowJSON(w http.ResponseWriter, r *http.Request, f *flow.Flow) ([]byte, error) {
	if err := h.fillCSRF(w, r, f); err != nil {
		return nil, err
	}
	d := flowDoc{ID: f.ID.String(), Type: f.Type, ExpiresAt: f.ExpiresAt, IssuedAt: f.IssuedAt, RequestURL: f.RequestURL,
		ReturnTo: f.ReturnTo, Active: f.Active, State: f.State, UI: f.UI}
	switch f.Kind {
	case flow.Login:
		refresh := f.Refresh
		d.Refresh, d.RequestedAAL, d.OAuth2LoginChallenge = &refresh, f.RequestedAAL, f.OAuth2LoginChallenge
		d.CreatedAt, d.UpdatedAt = &f.CreatedAt, &f.UpdatedAt
	case flow.Registration:
		d.OAuth2LoginChallenge = f.OAuth2LoginChallenge
	case flow.Settings:
		if f.IdentityID != nil {
			i, err := h.o.Identities.Get(r.Context(), *f.IdentityID)
			if err != nil {
				return nil, err
			}
			doc, err := i.PublicJSON(h.o.Identities.SchemaURL(i.SchemaID))
			if err != nil {
				return nil, err
			}
			d.Identity = doc
		}
		d.ContinueWith = []any{}
	case flow.Recovery, flow.Verification:
		d.ContinueWith = f.ContinueWith
		if d.ContinueWith == nil {
			d.ContinueWith = []any{}
		}
	}
	return json.Marshal(d)
}

// fillCSRF puts this browser's token into a browser flow's csrf_token
// field.
func (h *Handler) fillCSRF(w http.ResponseWriter, r *http.Request, f *flow.Flow) error {
	if f.Type != flow.Browser {
		return nil
	}
	tok, err := h.o.CSRF.Token(w, r)
	if err != nil {
		return err
	}
	f.UI.SetValue("csrf_token", tok)
	return nil
}
