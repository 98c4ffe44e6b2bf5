package identity

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// State is an identity's lifecycle state.
type State string

// Identity states. Inactive identities cannot log in and their sessions are
// refused.
const (
	StateActive   State = "active"
	StateInactive State = "inactive"
)

// AAL is an authenticator assurance level.
type AAL string

// Assurance levels (NIST SP 800-63B as Kratos uses them).
const (
	AAL0 AAL = "aal0"
	AAL1 AAL = "aal1"
	AAL2 AAL = "aal2"
	AAL3 AAL = "aal3"
)

// Identity is a person or machine with traits described by an identity
// schema, credentials to prove who they are, and addresses to reach them.
type Identity struct {
	ID             uuid.UUID  `json:"id"`
	SchemaID       string     `json:"schema_id"`
	State          State      `json:"state"`
	StateChangedAt *time.Time `json:"state_changed_at,omitempty"`
	// Traits is the JSON object validated by the identity schema.
	Traits              json.RawMessage     `json:"traits"`
	VerifiableAddresses []VerifiableAddress `json:"verifiable_addresses"`
	RecoveryAddresses   []RecoveryAddress   `json:"recovery_addresses"`
	// MetadataPublic is visible to the identity itself (whoami);
	// MetadataAdmin only to the admin API.
	MetadataPublic json.RawMessage `json:"metadata_public"`
	MetadataAdmin  json.RawMessage `json:"metadata_admin,omitempty"`
	OrganizationID *uuid.UUID      `json:"organization_id"`
	// Credentials by type. Configs hold secrets (password hashes); see
	// AdminJSON for what leaves the process.
	Credentials map[CredentialType]*Credential `json:"-"`
	// AvailableAAL is derived from the credentials on every write.
	AvailableAAL AAL       `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// VerifiableAddressStatus tracks an address through verification.
type VerifiableAddressStatus string

// Verification states.
const (
	AddressPending   VerifiableAddressStatus = "pending"
	AddressSent      VerifiableAddressStatus = "sent"
	AddressCompleted VerifiableAddressStatus = "completed"
)

// VerifiableAddress is an address the identity can prove it controls.
type VerifiableAddress struct {
	ID         uuid.UUID               `json:"id"`
	Value      string                  `json:"value"`
	Verified   bool                    `json:"verified"`
	Via        string                  `json:"via"`
	Status     VerifiableAddressStatus `json:"status"`
	VerifiedAt *time.Time              `json:"verified_at,omitempty"`
	CreatedAt  time.Time               `json:"created_at"`
	UpdatedAt  time.Time               `json:"updated_at"`
}

// RecoveryAddress is an address account recovery may send to.
type RecoveryAddress struct {
	ID        uuid.UUID `json:"id"`
	Value     string    `json:"value"`
	Via       string    `json:"via"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// IsActive reports whether the identity may log in and use sessions.
func (i *Identity) IsActive() bool { return i.State == StateActive }

// Credential returns the credential of type t, or nil.
func (i *Identity) Credential(t CredentialType) *Credential {
	if i.Credentials == nil {
		return nil
	}
	return i.Credentials[t]
}

// SetCredential adds or replaces the credential of c.Type.
func (i *Identity) SetCredential(c *Credential) {
	if i.Credentials == nil {
		i.Credentials = map[CredentialType]*Credential{}
	}
	i.Credentials[c.Type] = c
}
