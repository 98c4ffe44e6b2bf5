package selfservice

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/csrf"
	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/flow"
	"github.com/cerberus-iam/cerberus/selfservice/hook"
	"github.com/cerberus-iam/cerberus/selfservice/password"
	"github.com/cerberus-iam/cerberus/selfservice/returnto"
)

// Options build a Handler.
type Options struct {
	// PublicURL is the public listener's base URL.
	PublicURL string
	Config    config.SelfService
	// BuiltinUI says the built-in pages are served on the public listener;
	// unset ui_urls then point at them.
	BuiltinUI bool

	Flows      flow.Store
	Errors     flow.ErrorStore
	Identities Identities
	Sessions   Sessions
	CSRF       *csrf.Protector
	Passwords  *password.Policy
	// Throttle may be nil (throttling off).
	Throttle Throttle
	// OAuth2 may be nil (login_challenge is then refused).
	OAuth2 OAuth2Login
	// Courier and Codes send and redeem recovery and verification codes
	// and links; both nil when neither flow nor the admin recovery API is
	// to be served.
	Courier Mailer
	Codes   Codes
	// WebHooks run web_hook hooks; nil when none are configured.
	WebHooks *hook.Runner
	Now      func() time.Time
	Rand     io.Reader
}

// Handler serves the self-service flows.
type Handler struct {
	o        Options
	cfg      config.SelfService
	public   *url.URL
	returnTo *returnto.Policy
	now      func() time.Time
	rand     io.Reader
	// fields caches form.Fields per schema id.
	fields sync.Map
	// sendTimes evens out recovery and verification answers for known
	// and unknown addresses (mail_timing.go).
	sendTimes sendTimer
}

// New validates the options and returns a Handler.
func New(o Options) (*Handler, error) {
	if o.Flows == nil || o.Errors == nil || o.Identities == nil || o.Sessions == nil || o.CSRF == nil || o.Passwords == nil {
		return nil, errors.New("selfservice: flows, errors, identities, sessions, csrf and passwords are required")
	}
	if err := CheckConfig(o.Config); err != nil {
		return nil, err
	}
	pub, err := url.Parse(o.PublicURL)
	if err != nil || !pub.IsAbs() {
		return nil, fmt.Errorf("selfservice: public base URL %q is not absolute", o.PublicURL)
	}
	if !strings.HasSuffix(pub.Path, "/") {
		pub.Path += "/"
	}
	h := &Handler{o: o, cfg: o.Config, public: pub, now: o.Now, rand: o.Rand}
	if h.now == nil {
		h.now = time.Now
	}
	if h.rand == nil {
		h.rand = rand.Reader
	}
	def := h.defaultReturnURL()
	allowed := append([]string{def, pub.String()}, o.Config.AllowedReturnURLs...)
	if h.returnTo, err = returnto.New(def, allowed...); err != nil {
		return nil, fmt.Errorf("selfservice.allowed_return_urls: %w", err)
	}
	if err := h.validateMail(); err != nil {
		return nil, err
	}
	return h, nil
}

// Mount registers the routes on the public mux.
func (h *Handler) Mount(mux *http.ServeMux) {
	rt := httpx.NewRouter(mux, h.writeAPIError)
	for _, k := range []flow.Kind{flow.Login, flow.Registration, flow.Settings, flow.Recovery, flow.Verification} {
		rt.Handle("GET /self-service/"+string(k)+"/browser", h.initBrowser(k))
		rt.Handle("GET /self-service/"+string(k)+"/api", h.initAPI(k))
		rt.Handle("GET /self-service/"+string(k)+"/flows", h.fetch(k))
		rt.Handle("POST /self-service/"+string(k), h.submit(k))
	}
	rt.Handle("GET /self-service/recovery", h.redeemGET(flow.Recovery))
	rt.Handle("GET /self-service/verification", h.redeemGET(flow.Verification))
	rt.Handle("GET /self-service/logout/browser", h.createLogoutURL)
	rt.Handle("GET /self-service/logout", h.logoutBrowser)
	rt.Handle("DELETE /self-service/logout/api", h.logoutAPI)
	rt.Handle("GET /self-service/errors", h.getError)
}

func (h *Handler) newID() uuid.UUID {
	id, err := uuid.NewRandomFromReader(h.rand)
	if err != nil {
		return uuid.New()
	}
	return id
}

// timestamp is now at the precision Postgres keeps.
func (h *Handler) timestamp() time.Time { return h.now().UTC().Truncate(time.Microsecond) }
