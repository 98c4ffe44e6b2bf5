package identity

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
)

// publicView is the identity as the identity itself sees it: whoami and
// sessions embed it. No credentials, no admin metadata.
type publicView struct {
	ID                  uuid.UUID           `json:"id"`
	SchemaID            string              `json:"schema_id"`
	SchemaURL           string              `json:"schema_url,omitempty"`
	State               State               `json:"state"`
	StateChangedAt      *time.Time          `json:"state_changed_at,omitempty"`
	Traits              json.RawMessage     `json:"traits"`
	VerifiableAddresses []VerifiableAddress `json:"verifiable_addresses"`
	RecoveryAddresses   []RecoveryAddress   `json:"recovery_addresses"`
	MetadataPublic      json.RawMessage     `json:"metadata_public"`
	OrganizationID      *uuid.UUID          `json:"organization_id"`
	CreatedAt           time.Time           `json:"created_at"`
	UpdatedAt           time.Time           `json:"updated_at"`
}

// adminView adds what only operators see.
type adminView struct {
	publicView
	MetadataAdmin json.RawMessage                   `json:"metadata_admin"`
	Credentials   map[CredentialType]credentialView `json:"credentials,omitempty"`
}

type credentialView struct {
	Type        CredentialType  `json:"type"`
	Identifiers []string        `json:"identifiers"`
	Config      json.RawMessage `json:"config"`
	Version     int             `json:"version"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func (i *Identity) publicView(schemaURL string) publicView {
	v := publicView{
		ID: i.ID, SchemaID: i.SchemaID, SchemaURL: schemaURL, State: i.State, StateChangedAt: i.StateChangedAt,
		Traits: i.Traits, VerifiableAddresses: i.VerifiableAddresses, RecoveryAddresses: i.RecoveryAddresses,
		MetadataPublic: nullIfEmpty(i.MetadataPublic), OrganizationID: i.OrganizationID,
		CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt,
	}
	if len(v.Traits) == 0 {
		v.Traits = json.RawMessage("{}")
	}
	if v.VerifiableAddresses == nil {
		v.VerifiableAddresses = []VerifiableAddress{}
	}
	if v.RecoveryAddresses == nil {
		v.RecoveryAddresses = []RecoveryAddress{}
	}
	return v
}

// PublicJSON is the identity as whoami shows it to its owner.
func (i *Identity) PublicJSON(schemaURL string) ([]byte, error) {
	return json.Marshal(i.publicView(schemaURL))
}

// document is the stored whoami form: PublicJSON without schema_url, which
// depends on configuration and is spliced in when a session is rendered.
func (i *Identity) document() ([]byte, error) { return i.PublicJSON("") }

// AdminView is the JSON shape of the admin API. Every credential shows its
// type, identifiers, version and timestamps; its config only when its type
// is in include, and a password's hash never.
func (i *Identity) AdminView(schemaURL string, include []CredentialType) any {
	v := adminView{publicView: i.publicView(schemaURL), MetadataAdmin: nullIfEmpty(i.MetadataAdmin)}
	if len(i.Credentials) > 0 {
		v.Credentials = make(map[CredentialType]credentialView, len(i.Credentials))
		for t, c := range i.Credentials {
			cv := credentialView{Type: t, Identifiers: c.Identifiers, Config: json.RawMessage("{}"),
				Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
			if cv.Identifiers == nil {
				cv.Identifiers = []string{}
			}
			for _, want := range include {
				if want == t {
					cv.Config = declassify(t, c.Config)
				}
			}
			v.Credentials[t] = cv
		}
	}
	return v
}

// declassify strips secrets that never leave the process from a config.
func declassify(t CredentialType, cfg json.RawMessage) json.RawMessage {
	if len(cfg) == 0 {
		return json.RawMessage("{}")
	}
	if t != CredentialPassword {
		return cfg
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(cfg, &m) != nil {
		return json.RawMessage("{}")
	}
	delete(m, "hashed_password")
	b, _ := json.Marshal(m)
	return b
}

func nullIfEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// SchemaURL is where an identity's schema is served: the public base URL
// followed by /schemas/<base64url(id)>, as Kratos writes it.
func SchemaURL(publicBaseURL, schemaID string) string {
	return strings.TrimSuffix(publicBaseURL, "/") + "/schemas/" + base64.RawURLEncoding.EncodeToString([]byte(schemaID))
}
