package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// createBody is Kratos's createIdentityBody. Unknown fields (an "id", a
// typo) are refused rather than ignored.
type createBody struct {
	SchemaID            string                       `json:"schema_id"`
	Traits              json.RawMessage              `json:"traits"`
	State               identity.State               `json:"state"`
	MetadataPublic      json.RawMessage              `json:"metadata_public"`
	MetadataAdmin       json.RawMessage              `json:"metadata_admin"`
	VerifiableAddresses []identity.VerifiableAddress `json:"verifiable_addresses"`
	RecoveryAddresses   []identity.RecoveryAddress   `json:"recovery_addresses"`
	Credentials         *credentialsBody             `json:"credentials"`
	OrganizationID      *uuid.UUID                   `json:"organization_id"`
}

// credentialsBody is Kratos's identityWithCredentials.
type credentialsBody struct {
	Password *struct {
		Config struct {
			Password                 string `json:"password"`
			HashedPassword           string `json:"hashed_password"`
			UsePasswordMigrationHook bool   `json:"use_password_migration_hook"`
		} `json:"config"`
	} `json:"password"`
	OIDC *struct {
		Config struct {
			Providers []identity.OIDCProvider `json:"providers"`
		} `json:"config"`
	} `json:"oidc"`
}

// inputs turns the credentials body into service inputs.
func (c *credentialsBody) inputs() (*identity.PasswordInput, []identity.OIDCProvider, error) {
	if c == nil {
		return nil, nil, nil
	}
	var pw *identity.PasswordInput
	if c.Password != nil {
		cfg := c.Password.Config
		if cfg.UsePasswordMigrationHook {
			return nil, nil, httpx.ErrBadRequest.WithReason("credentials.password.config.use_password_migration_hook: password migration hooks are not supported by this version; import the hash as hashed_password.")
		}
		pw = &identity.PasswordInput{Password: cfg.Password, HashedPassword: cfg.HashedPassword}
	}
	var oidc []identity.OIDCProvider
	if c.OIDC != nil {
		oidc = c.OIDC.Config.Providers
	}
	return pw, oidc, nil
}

func (b *createBody) params() (identity.CreateParams, error) {
	pw, oidc, err := b.Credentials.inputs()
	if err != nil {
		return identity.CreateParams{}, err
	}
	return identity.CreateParams{
		SchemaID: b.SchemaID, Traits: b.Traits, State: b.State,
		MetadataPublic: nullToEmpty(b.MetadataPublic), MetadataAdmin: nullToEmpty(b.MetadataAdmin),
		VerifiableAddresses: b.VerifiableAddresses, RecoveryAddresses: b.RecoveryAddresses,
		Password: pw, OIDC: oidc, OrganizationID: b.OrganizationID,
	}, nil
}

// decodeStrict decodes one JSON value, refusing unknown fields.
func decodeStrict(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return httpx.JSONDecodeError(err)
	}
	if d.More() {
		return httpx.ErrBadRequest.WithReason("The request body must hold a single JSON value.")
	}
	return nil
}

func nullToEmpty(b json.RawMessage) json.RawMessage {
	if strings.TrimSpace(string(b)) == "null" {
		return nil
	}
	return b
}

// includeCredentials reads ?include_credential=password&include_credential=oidc.
func includeCredentials(r *http.Request) []identity.CredentialType {
	var out []identity.CredentialType
	for _, v := range r.URL.Query()["include_credential"] {
		for _, t := range strings.Split(v, ",") {
			if t != "" {
				out = append(out, identity.CredentialType(t))
			}
		}
	}
	return out
}

func (h *Handler) view(i *identity.Identity, include []identity.CredentialType) any {
	return i.AdminView(h.Identities.SchemaURL(i.SchemaID), include)
}
