package deploy

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/cerberus-iam/cerberus/internal/config"
)

// changesConfig reports whether the environment variable kv (NAME=value)
// is one Cerberus reads on top of the config file at path. Cerberus ignores
// variables that match no key (so PATH and friends do no harm), which means
// a misspelt one in a deployment file would be dropped without a word; this
// catches that. The variable is loaded with its value and with a different
// one: a known key either decodes differently or fails validation, an
// unknown one does neither.
func changesConfig(t *testing.T, path, kv string) bool {
	t.Helper()
	name, value, _ := strings.Cut(kv, "=")
	a, errA := config.Load(config.Options{Files: []string{path}, Environ: []string{kv}})
	b, errB := config.Load(config.Options{Files: []string{path}, Environ: []string{name + "=" + otherValue(value)}})
	if errA != nil {
		t.Errorf("%s: %v", name, errA)
		return true
	}
	return errB != nil || !reflect.DeepEqual(a, b)
}

// otherValue returns a value of the same kind that differs from v.
func otherValue(v string) string {
	if n, err := strconv.Atoi(v); err == nil {
		return strconv.Itoa(n + 1)
	}
	if b, err := strconv.ParseBool(v); err == nil {
		return strconv.FormatBool(!b)
	}
	return v + "0"
}
