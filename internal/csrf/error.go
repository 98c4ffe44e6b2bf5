package csrf

import (
	"net/http"

	"github.com/cerberus-iam/cerberus/internal/httpx"
)

// ErrViolation is the error every failed check is a copy of.
var ErrViolation = httpx.NewError(http.StatusForbidden, "the request was rejected to protect you from Cross-Site-Request-Forgery").
	WithID("security_csrf_violation").
	WithReason("Please retry the flow and optionally clear your cookies. The request was rejected to protect you from Cross-Site-Request-Forgery (CSRF) which could cause account takeover, leaking personal information, and other serious security issues.")

func violation(hint, reason string) error {
	return ErrViolation.WithDetail("hint", hint).WithDetail("reject_reason", reason)
}
