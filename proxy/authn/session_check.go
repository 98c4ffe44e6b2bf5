package authn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/cerberus-iam/cerberus/proxy/pipeline"
)

// SessionCheckConfig is what cookie_session and bearer_token share.
type SessionCheckConfig struct {
	// CheckSessionURL is a remote session endpoint; empty means in process.
	CheckSessionURL string `json:"check_session_url"`
	// PreserveQuery keeps the check URL's own query (default true); false
	// sends the request's query instead.
	PreserveQuery *bool `json:"preserve_query"`
	// PreservePath keeps the check URL's own path; false sends the
	// request's path instead (Oathkeeper's default; Kratos needs true).
	PreservePath bool `json:"preserve_path"`
	// PreserveHost sends the request's host as X-Forwarded-Host.
	PreserveHost bool `json:"preserve_host"`
	// ForceMethod is the check's method (default: the request's).
	ForceMethod        string            `json:"force_method"`
	ForwardHTTPHeaders []string          `json:"forward_http_headers"`
	AdditionalHeaders  map[string]string `json:"additional_headers"`
	// SubjectFrom and ExtraFrom are GJSON paths into the session JSON.
	SubjectFrom string `json:"subject_from"`
	ExtraFrom   string `json:"extra_from"`
}

// maxSessionBody bounds what is read from a session endpoint.
const maxSessionBody = 1 << 20

// sessionCheck is the compiled, shared part.
type sessionCheck struct {
	remote      *url.URL // nil: in process
	preserveQ   bool
	cfg         SessionCheckConfig
	forward     []string // canonical header names copied to the remote check
	subjectFrom string
	extraFrom   string
	d           *Deps
}

// newSessionCheck resolves the config. always is the header the
// authenticator always forwards (Cookie or Authorization); remote defaults
// are Oathkeeper's, in-process defaults read Kratos's whoami shape.
func newSessionCheck(c SessionCheckConfig, d *Deps, always, remoteSubject string) (*sessionCheck, error) {
	sc := &sessionCheck{cfg: c, d: d, preserveQ: c.PreserveQuery == nil || *c.PreserveQuery}
	if c.CheckSessionURL != "" {
		u, err := url.Parse(c.CheckSessionURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("config.check_session_url: %q is not an http(s) URL", c.CheckSessionURL)
		}
		sc.remote = u
		sc.subjectFrom, sc.extraFrom = remoteSubject, "extra"
	} else {
		if d.Sessions == nil {
			return nil, errors.New("config.check_session_url: required: this Cerberus has no in-process session source, so set check_session_url to a session endpoint (such as Kratos's /sessions/whoami)")
		}
		sc.subjectFrom, sc.extraFrom = "identity.id", "@this"
	}
	if c.SubjectFrom != "" {
		sc.subjectFrom = c.SubjectFrom
	}
	if c.ExtraFrom != "" {
		sc.extraFrom = c.ExtraFrom
	}
	for _, h := range append(append([]string{}, c.ForwardHTTPHeaders...), always) {
		sc.forward = append(sc.forward, http.CanonicalHeaderKey(h))
	}
	return sc, nil
}

// check returns the session JSON from the remote endpoint.
func (sc *sessionCheck) remoteCheck(r *http.Request) ([]byte, error) {
	u := *sc.remote
	if !sc.cfg.PreservePath {
		u.Path, u.RawPath = r.URL.Path, r.URL.RawPath
	}
	if !sc.preserveQ {
		u.RawQuery = r.URL.RawQuery
	}
	method := sc.cfg.ForceMethod
	if method == "" {
		method = r.Method
	}
	req, err := http.NewRequestWithContext(r.Context(), method, u.String(), nil)
	if err != nil {
		return nil, pipeline.Internal("The session check URL is invalid.", err)
	}
	for _, h := range sc.forward {
		if v, ok := r.Header[h]; ok {
			req.Header[h] = v
		}
	}
	for k, v := range sc.cfg.AdditionalHeaders {
		req.Header.Set(k, v)
	}
	if sc.cfg.PreserveHost {
		req.Header.Set("X-Forwarded-Host", r.URL.Host)
	}
	res, err := sc.d.Client.Do(req)
	if err != nil {
		return nil, pipeline.Internal("The session check endpoint could not be reached.", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxSessionBody))
		return nil, pipeline.ErrUnauthorized.WithReason("The session check endpoint answered %d.", res.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxSessionBody+1))
	if err != nil {
		return nil, pipeline.Internal("The session check response could not be read.", err)
	}
	if len(body) > maxSessionBody {
		return nil, pipeline.Internal("The session check response is too large.", nil)
	}
	return body, nil
}

// localCheck looks the session up in process.
func (sc *sessionCheck) localCheck(r *http.Request, cred SessionCredential) ([]byte, error) {
	body, err := sc.d.Sessions.Whoami(r.Context(), cred)
	if errors.Is(err, ErrNoSession) {
		return nil, pipeline.ErrUnauthorized.WithReason("The session is missing, expired or revoked.")
	}
	if err != nil {
		return nil, pipeline.Internal("The session could not be looked up.", err)
	}
	return body, nil
}

// authenticate checks the session remotely (forwarding the request's
// cookies or token) or in process (with cred), and fills s.
func (sc *sessionCheck) authenticate(r *http.Request, cred SessionCredential, s *pipeline.Session) error {
	var body []byte
	var err error
	if sc.remote != nil {
		body, err = sc.remoteCheck(r)
	} else {
		body, err = sc.localCheck(r, cred)
	}
	if err != nil {
		return err
	}
	return sc.fill(body, s)
}

// fill sets the subject and extra from the session JSON.
func (sc *sessionCheck) fill(body []byte, s *pipeline.Session) error {
	subj := gjson.GetBytes(body, sc.subjectFrom)
	switch subj.Type {
	case gjson.String:
		s.Subject = subj.Str
	case gjson.Null:
		s.Subject = ""
	default:
		return pipeline.ErrForbidden.WithReason("The configured subject_from path %q does not name a string in the session.", sc.subjectFrom)
	}
	raw := gjson.GetBytes(body, sc.extraFrom)
	s.Extra = nil
	if raw.Exists() && raw.Type != gjson.Null {
		if !raw.IsObject() {
			return pipeline.ErrForbidden.WithReason("The configured extra_from path %q does not name an object in the session.", sc.extraFrom)
		}
		var extra map[string]any
		if err := json.Unmarshal([]byte(raw.Raw), &extra); err != nil {
			return pipeline.ErrForbidden.WithReason("The session's extra_from value is not valid JSON.")
		}
		s.Extra = extra
	}
	return nil
}

func hasPrefix(token, prefix string) bool { return strings.HasPrefix(token, prefix) }
