package config

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration written in config as a Go duration string
// ("90s", "1h30m"), the form Ory's configs use.
type Duration time.Duration

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string. Numbers are refused: a bare 30
// would be nanoseconds, which is never what a person meant.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("must be a duration string such as \"30s\" or \"1h\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as \"30s\" or \"1h\"", s)
	}
	*d = Duration(v)
	return nil
}
