package password

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/cerberus-iam/cerberus/selfservice/text"
)

// MaxLength bounds what a password may be, so hashing stays cheap to
// refuse.
const MaxLength = 1024

//go:embed breached.txt
var breachedList []byte

// Options configure a Policy.
type Options struct {
	MinLength       int
	CheckSimilarity bool
	RangeAPI        *RangeAPI // nil: no online check
}

// Policy checks new passwords.
type Policy struct {
	o        Options
	breached map[string]struct{}
}

// New loads the bundled breach list.
func New(o Options) *Policy {
	p := &Policy{o: o, breached: make(map[string]struct{}, 28000)}
	sc := bufio.NewScanner(bytes.NewReader(breachedList))
	for sc.Scan() {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		p.breached[l] = struct{}{}
	}
	return p
}

// Check returns why password may not be used by an account with the given
// identifiers, or nil when it may.
func (p *Policy) Check(ctx context.Context, identifiers []string, password string) (*text.Message, error) {
	n := utf8.RuneCountInString(password)
	if n < p.o.MinLength {
		return text.NewValidationPasswordMinLength(p.o.MinLength, n), nil
	}
	if n > MaxLength {
		return text.NewValidationPasswordMaxLength(MaxLength, n), nil
	}
	if p.o.CheckSimilarity {
		for _, id := range identifiers {
			if tooSimilar(id, password) {
				return text.NewValidationPasswordSimilar(), nil
			}
		}
	}
	if _, ok := p.breached[strings.ToLower(password)]; ok {
		return text.NewValidationPasswordBreached(), nil
	}
	if p.o.RangeAPI != nil {
		bad, err := p.o.RangeAPI.Breached(ctx, password)
		if err != nil {
			return nil, err
		}
		if bad {
			return text.NewValidationPasswordBreached(), nil
		}
	}
	return nil, nil
}

// tooSimilar reports whether the password is mostly the identifier: their
// longest common substring covers half the password, or the identifier (or
// an e-mail's local part) appears in it whole.
func tooSimilar(identifier, password string) bool {
	id, pw := fold(identifier), fold(password)
	if id == "" {
		return false
	}
	if local, _, ok := strings.Cut(id, "@"); ok && len(local) >= 4 && strings.Contains(pw, local) {
		return true
	}
	if strings.Contains(pw, id) || strings.Contains(id, pw) {
		return true
	}
	l := longestCommonSubstring([]rune(id), []rune(pw))
	return l >= 4 && 2*l >= len([]rune(pw))
}

func fold(s string) string { return cases.Fold().String(norm.NFKC.String(s)) }

func longestCommonSubstring(a, b []rune) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	best := 0
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
				best = max(best, cur[j])
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}
