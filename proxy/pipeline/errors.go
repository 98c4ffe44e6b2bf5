package pipeline

import (
	"errors"
	"net/http"
	"strings"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// ErrNotResponsible is returned by an authenticator when the request
// carries no credentials it handles, so the next authenticator is tried.
var ErrNotResponsible = errors.New("authenticator not responsible for this request")

// The errors a pipeline produces, with Oathkeeper's (verbose) messages. The
// json error handler replaces the message with the generic one for the
// status unless it is verbose.
var (
	ErrUnauthorized           = httpx.NewError(http.StatusUnauthorized, "Access credentials are invalid")
	ErrForbidden              = httpx.NewError(http.StatusForbidden, "Access credentials are not sufficient to access this resource")
	ErrMatchesNoRule          = httpx.NewError(http.StatusNotFound, "Requested url does not match any rules")
	ErrMatchesMoreThanOneRule = httpx.NewError(http.StatusInternalServerError, "Expected exactly one rule but found multiple rules")
	ErrRuleFeatureDisabled    = httpx.NewError(http.StatusInternalServerError, "The matched rule uses a feature which is not enabled in the server configuration")
	ErrUpstreamUnavailable    = httpx.NewError(http.StatusBadGateway, "The upstream service is not available")
	ErrUpstreamTimeout        = httpx.NewError(http.StatusGatewayTimeout, "The upstream service is timing out")
	ErrBadRequest             = httpx.NewError(http.StatusBadRequest, "The request is malformed or contains invalid data")
)

// Internal wraps an unexpected failure as a 500 whose cause only the log
// sees; reason is user-safe and shown by verbose error handlers.
func Internal(reason string, cause error) *httpx.Error {
	e := httpx.ErrInternal.WithCause(cause)
	if reason != "" {
		e = e.WithReason("%s", reason)
	}
	return e
}

// Kind names an error the way `when.error` conditions do: the lower-cased
// status text with underscores ("unauthorized", "not_found",
// "internal_server_error").
func Kind(code int) string {
	t := strings.ToLower(http.StatusText(code))
	t = strings.ReplaceAll(t, "'", "")
	return strings.ReplaceAll(t, " ", "_")
}
