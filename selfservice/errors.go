package selfservice

import (
	"net/http"
	"time"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
)

// The errors with Kratos ids the flows answer with.
var (
	errFlowNotFound = httpx.ErrNotFound.WithReason("The flow does not exist or is not of this type; start a new one.")

	errRegistrationDisabled = httpx.NewError(http.StatusBadRequest, "registration flow disabled").
				WithID("self_service_flow_disabled").
				WithReason("Registration is not allowed because it was disabled.")

	errSessionAlreadyAvailable = httpx.NewError(http.StatusBadRequest, "A valid session was detected and thus login is not possible. Did you forget to set `?refresh=true`?").
					WithID("session_already_available").
					WithReason("Unable to sign in because a valid session exists already.")

	errNoSession = httpx.NewError(http.StatusUnauthorized, "No valid session credentials found in the request.").
			WithID("session_inactive").
			WithReason("No active session was found in this request.")

	errIdentityMismatch = httpx.NewError(http.StatusForbidden, "The flow was started by someone else.").
				WithID("security_identity_mismatch").
				WithReason("The requested flow belongs to another identity; start a new one.")

	errAPIFlowFromBrowser = httpx.ErrBadRequest.
				WithReason("API flows are for native apps; a browser (a request with an Origin header or Cerberus cookies) must use a browser flow.")

	errLoginChallengeUnsupported = httpx.ErrBadRequest.
					WithReason("login_challenge was given, but no OAuth2 provider is configured.")
)

// errFlowExpired is Kratos's 410 with the id of a new flow to use.
func errFlowExpired(old *flow.Flow, replacement *flow.Flow, now time.Time) *httpx.Error {
	since := now.Sub(old.ExpiresAt)
	return httpx.NewError(http.StatusGone, "self-service flow expired").
		WithID("self_service_flow_expired").
		WithReason("The self-service flow expired %.2f minutes ago, initialize a new one.", since.Minutes()).
		WithExtra("use_flow_id", replacement.ID.String()).
		WithExtra("expired_at", old.ExpiresAt).
		WithExtra("since", since.Nanoseconds())
}

// errRefreshRequired asks for a fresh sign-in before a settings change.
func errRefreshRequired(loginURL string) *httpx.Error {
	return httpx.NewError(http.StatusForbidden, "The login session is too old and thus not allowed to update these fields. Please re-authenticate.").
		WithID("session_refresh_required").
		WithReason("A fresh sign-in is needed before changing these settings.").
		WithExtra("redirect_browser_to", loginURL)
}
