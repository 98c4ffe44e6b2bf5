package flow

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/selfservice/node"
)

// Kind is which flow this is.
type Kind string

// The flow kinds this version implements.
const (
	Login        Kind = "login"
	Registration Kind = "registration"
	Settings     Kind = "settings"
	Recovery     Kind = "recovery"
	Verification Kind = "verification"
)

// Type is who drives the flow: a browser (cookies, CSRF, redirects) or an
// API client (JSON, session tokens).
type Type string

// The flow types.
const (
	Browser Type = "browser"
	API     Type = "api"
)

// States Kratos reports.
const (
	StateChooseMethod = "choose_method"
	StatePassed       = "passed_challenge"
	StateShowForm     = "show_form"
	StateSuccess      = "success"
	// StateSentEmail: a recovery or verification code or link was sent.
	StateSentEmail = "sent_email"
)

// Flow is one login, registration or settings attempt.
type Flow struct {
	ID         uuid.UUID
	Kind       Kind
	Type       Type
	State      string
	RequestURL string
	ReturnTo   string
	UI         *node.Container
	// CSRFToken is the browser's anti-CSRF token when the flow was made;
	// a browser flow may only be used by that browser. Only its hash is
	// stored.
	CSRFToken string
	// CSRFTokenHash is the SHA-256 of CSRFToken as loaded from the store.
	CSRFTokenHash []byte
	// IdentityID is the identity a settings flow edits, or whom a refresh
	// login re-authenticates.
	IdentityID *uuid.UUID
	// SessionID is the session a settings flow belongs to.
	SessionID *uuid.UUID
	// Refresh is a login that re-authenticates an existing session.
	Refresh      bool
	RequestedAAL string
	// OAuth2LoginChallenge ties a login or registration to an OAuth2
	// authorization request waiting for it.
	OAuth2LoginChallenge string
	// Active is the method last used to submit.
	Active    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	// UsedAt is when a login or registration completed; a used flow
	// cannot be submitted again.
	UsedAt *time.Time
	// ContinueWith is what a client should do next (Kratos's
	// continue_with), set on the answer that completes a flow; it is not
	// stored, as it may carry a session token.
	ContinueWith []any
}

// OwnedBy reports whether csrfToken (the requesting browser's canonical
// token) is the one the flow was made with.
func (f *Flow) OwnedBy(csrfToken string) bool {
	if csrfToken == "" || len(f.CSRFTokenHash) != sha256.Size {
		return false
	}
	h := sha256.Sum256([]byte(csrfToken))
	return subtle.ConstantTimeCompare(h[:], f.CSRFTokenHash) == 1
}

// Expired reports whether the flow has expired at now.
func (f *Flow) Expired(now time.Time) bool { return !now.Before(f.ExpiresAt) }

// Store keeps flows.
type Store interface {
	CreateFlow(ctx context.Context, f *Flow) error
	// GetFlow returns storage.ErrNotFound for an unknown id.
	GetFlow(ctx context.Context, id uuid.UUID) (*Flow, error)
	// UpdateFlow saves the state, return_to, active method and form.
	UpdateFlow(ctx context.Context, f *Flow) error
	// MarkFlowUsed claims a flow for completion; it returns ErrUsed when
	// another request already did.
	MarkFlowUsed(ctx context.Context, id uuid.UUID, at time.Time) error
}

// ErrUsed means the flow has already been completed.
var ErrUsed = errors.New("flow: already completed")
