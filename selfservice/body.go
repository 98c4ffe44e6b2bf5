package selfservice

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/cerberus-iam/cerberus/internal/httpx"
	"github.com/cerberus-iam/cerberus/selfservice/form"
)

// maxSubmitBytes bounds a flow submission: a few fields and the traits.
// Anything larger is refused before it is parsed.
const maxSubmitBytes = 64 << 10

// submission is a flow's posted body, form-encoded or JSON.
type submission struct {
	form url.Values
	json map[string]any
}

func parseSubmission(w http.ResponseWriter, r *http.Request) (*submission, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxSubmitBytes)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		s := &submission{}
		if err := httpx.DecodeJSON(r, &s.json, false); err != nil {
			return nil, err
		}
		if s.json == nil {
			return nil, httpx.ErrBadRequest.WithReason("The request body must be a JSON object.")
		}
		return s, nil
	case "application/x-www-form-urlencoded", "multipart/form-data", "":
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if asMaxBytes(err, &mbe) {
				return nil, httpx.AsError(mbe)
			}
			return nil, httpx.ErrBadRequest.WithReason("The form could not be read.").WithCause(err)
		}
		return &submission{form: r.PostForm}, nil
	}
	_, _ = io.Copy(io.Discard, r.Body)
	return nil, httpx.ErrUnsupportedMedia.WithReason("Send the form as application/x-www-form-urlencoded or application/json.")
}

func asMaxBytes(err error, target **http.MaxBytesError) bool {
	for e := err; e != nil; {
		if m, ok := e.(*http.MaxBytesError); ok {
			*target = m
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// str returns a string field ("" when absent or not a string).
func (s *submission) str(key string) string {
	if s.form != nil {
		return s.form.Get(key)
	}
	v, _ := s.json[key].(string)
	return v
}

// traits returns the posted traits object.
func (s *submission) traits(fields []form.Field) map[string]any {
	if s.form != nil {
		return form.ParseForm(fields, s.form)
	}
	t, _ := s.json["traits"].(map[string]any)
	if t == nil {
		t = map[string]any{}
	}
	return t
}

// rawTraits returns the posted traits as JSON.
func (s *submission) rawTraits(fields []form.Field) (json.RawMessage, map[string]any) {
	t := s.traits(fields)
	b, _ := json.Marshal(t)
	return b, t
}

// transientPayload is passed to web hooks untouched.
func (s *submission) transientPayload() any {
	if s.json != nil {
		return s.json["transient_payload"]
	}
	if v := s.form.Get("transient_payload"); v != "" {
		var x any
		if json.Unmarshal([]byte(v), &x) == nil {
			return x
		}
	}
	return nil
}
