package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// MergeConfig merges a rule's handler config over the global one, as
// Oathkeeper does: objects merge key by key (recursively), anything else
// (lists included) is replaced. Either may be empty or null.
func MergeConfig(global, local json.RawMessage) (map[string]any, error) {
	out := map[string]any{}
	for _, raw := range []json.RawMessage{global, local} {
		if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			continue
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			return nil, fmt.Errorf("config must be an object: %w", err)
		}
		mergeInto(out, m)
	}
	return out, nil
}

func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeInto(dm, sm)
				continue
			}
			c := map[string]any{}
			mergeInto(c, sm)
			dst[k] = c
			continue
		}
		dst[k] = v
	}
}

// DecodeConfig decodes a merged config into a typed struct. The schema has
// already refused unknown keys and wrong types.
func DecodeConfig(m map[string]any, v any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Duration is a config duration string ("1s", "15m").
type Duration time.Duration

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("must be a duration string such as \"1s\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration", s)
	}
	*d = Duration(v)
	return nil
}

// Or returns d, or def when d is unset.
func (d Duration) Or(def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return time.Duration(d)
}

// Retry is Oathkeeper's retry object.
type Retry struct {
	GiveUpAfter Duration `json:"give_up_after"`
	MaxDelay    Duration `json:"max_delay"`
}

// TokenFrom says where a bearer token is read from; the zero value means
// the Authorization header's Bearer token.
type TokenFrom struct {
	Header         string `json:"header,omitempty"`
	QueryParameter string `json:"query_parameter,omitempty"`
	Cookie         string `json:"cookie,omitempty"`
}
