package selfservice

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/identity"
	"github.com/cerberus-iam/cerberus/identity/schema"
	"github.com/cerberus-iam/cerberus/identity/session"
	"github.com/cerberus-iam/cerberus/selfservice/code"
	"github.com/cerberus-iam/cerberus/selfservice/courier"
)

// Identities is what the flows need from the identity head
// (identity.Service).
type Identities interface {
	Create(ctx context.Context, p identity.CreateParams) (*identity.Identity, error)
	Get(ctx context.Context, id uuid.UUID) (*identity.Identity, error)
	Update(ctx context.Context, id uuid.UUID, fn func(*identity.Identity) error) (*identity.Identity, error)
	// VerifyPassword does the same hashing work whether or not the
	// identifier exists.
	VerifyPassword(ctx context.Context, identifier, password string) (*identity.Identity, error)
	SetPassword(ctx context.Context, id uuid.UUID, password string) (*identity.Identity, error)
	Schemas() *schema.Registry
	SchemaURL(schemaID string) string
	// Address lookups and verification state, for recovery and
	// verification.
	FindByRecoveryAddress(ctx context.Context, via, value string) (*identity.Identity, error)
	FindByVerifiableAddress(ctx context.Context, via, value string) (*identity.Identity, error)
	SetAddressStatus(ctx context.Context, id uuid.UUID, via, value string, status identity.VerifiableAddressStatus) (*identity.Identity, error)
}

// Mailer queues e-mail (courier.Courier).
type Mailer interface {
	Send(ctx context.Context, to string, tt courier.TemplateType, data *courier.TemplateData) (uuid.UUID, error)
}

// Codes keeps the one-time codes and links of recovery and verification
// (code.Store).
type Codes interface {
	Issue(ctx context.Context, c *code.Code) (string, error)
	UseLink(ctx context.Context, p code.Purpose, flowID uuid.UUID, token string, now time.Time) (*code.Code, error)
	UseCode(ctx context.Context, p code.Purpose, flowID uuid.UUID, secret string, now time.Time, maxAttempts int) (*code.Code, error)
	Revoke(ctx context.Context, flowID uuid.UUID, now time.Time) error
}

// Sessions is what the flows need from the session manager
// (session.Manager).
type Sessions interface {
	Issue(ctx context.Context, p session.IssueParams) (*session.Session, string, error)
	ByToken(ctx context.Context, token string) (*session.Session, error)
	FromRequest(ctx context.Context, r *http.Request) (*session.Session, error)
	TokenFromRequest(r *http.Request) (token, source string)
	SetCookie(w http.ResponseWriter, token string, expiresAt time.Time)
	ClearCookie(w http.ResponseWriter)
	CookieName() string
	Revoke(ctx context.Context, id uuid.UUID) error
	RevokeAll(ctx context.Context, identityID, keep uuid.UUID) (int, error)
	RevokeOwned(ctx context.Context, identityID, id uuid.UUID) error
	RevokeByToken(ctx context.Context, token string) error
	NewLogoutToken(ctx context.Context, id uuid.UUID) (string, error)
	RevokeByLogoutToken(ctx context.Context, identityID uuid.UUID, token string) (uuid.UUID, error)
	List(ctx context.Context, p session.ListParams) ([]*session.Session, bool, error)
	JSON(s *session.Session, withIdentity, withDevices bool) []byte
}

// Throttle pauses password sign-in after repeated failures
// (selfservice/throttle).
type Throttle interface {
	Check(ctx context.Context, identifier, ip string) (time.Duration, error)
	Fail(ctx context.Context, identifier, ip string) error
	Succeed(ctx context.Context, identifier string) error
}

// OAuth2Login is the in-process bridge to the OAuth2 head's login requests
// (Hydra's login challenge). cmd/cerberus adapts the OAuth2 provider to it.
type OAuth2Login interface {
	// LoginRequest looks up a pending login request by its challenge. An
	// unknown, expired or already handled challenge is an error the
	// browser sees on the error page.
	LoginRequest(ctx context.Context, challenge string) (*OAuth2LoginRequest, error)
	// AcceptLogin accepts the request for the authenticated person and
	// returns the URL the browser continues at (back to the authorization
	// endpoint).
	AcceptLogin(ctx context.Context, challenge string, a OAuth2LoginAcceptance) (redirectTo string, err error)
}

// OAuth2LoginRequest is what the login flow needs to know about a pending
// OAuth2 login request.
type OAuth2LoginRequest struct {
	// Skip is true when the OAuth2 head already knows the subject (it
	// remembered a previous login) and no login form is needed.
	Skip bool
	// Subject is the remembered subject when Skip is true.
	Subject string
	// ClientID and ClientName name the application asking.
	ClientID   string
	ClientName string
}

// OAuth2LoginAcceptance is a completed login handed to the OAuth2 head.
type OAuth2LoginAcceptance struct {
	// Subject is the identity id.
	Subject string
	// SessionID is the Cerberus session the login created or used (the
	// identity provider session id of OIDC front/back-channel logout).
	SessionID string
	// AuthenticatedAt is when the person proved who they are.
	AuthenticatedAt time.Time
	// AMR lists the methods used ("pwd").
	AMR []string
	// Remember asks the OAuth2 head to remember the subject for
	// RememberFor (0: as long as the session lives).
	Remember    bool
	RememberFor time.Duration
}

// Interface guards
var (
	_ Identities = (*identity.Service)(nil)
	_ Sessions   = (*session.Manager)(nil)
	_ Mailer     = (*courier.Courier)(nil)
	_ Codes      = (*code.Store)(nil)
)
