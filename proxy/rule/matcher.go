package rule

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/gobwas/glob"
)

// Matching strategies (access_rules.matching_strategy).
const (
	StrategyRegexp = "regexp"
	StrategyGlob   = "glob"
)

// Matcher tests "scheme://host/path" strings against a compiled match.url.
type Matcher interface {
	Match(s string) bool
	// Captures returns the <...> groups of a match, or nil.
	Captures(s string) []string
}

// CompileMatcher compiles a match.url pattern. Regexp patterns use Go's RE2
// syntax inside <...> (so matching time is linear in the URL, whatever the
// pattern); the text outside the delimiters is literal. The whole URL must
// match.
func CompileMatcher(strategy, pattern string) (Matcher, error) {
	// No URL holds control characters, and the glob library mishandles NUL.
	if i := strings.IndexFunc(pattern, func(r rune) bool { return r < 0x20 || r == 0x7f }); i >= 0 {
		return nil, fmt.Errorf("must not contain control characters (found %q at byte %d)", pattern[i], i)
	}
	idx, err := delimiters(pattern)
	if err != nil {
		return nil, err
	}
	switch strategy {
	case StrategyGlob:
		return compileGlob(pattern, idx)
	case StrategyRegexp, "":
		return compileRegexp(pattern, idx)
	}
	return nil, fmt.Errorf("unknown matching strategy %q", strategy)
}

// delimiters returns the start and end (exclusive) offsets of the top-level
// <...> groups. Groups nest, so a character class such as <[<>]> works.
func delimiters(s string) ([]int, error) {
	var idx []int
	level, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			if level == 0 {
				start = i
			}
			level++
		case '>':
			level--
			if level == 0 {
				idx = append(idx, start, i+1)
			}
			if level < 0 {
				return nil, fmt.Errorf("unbalanced '>' at byte %d", i)
			}
		}
	}
	if level != 0 {
		return nil, errors.New("unbalanced '<': a <...> group is not closed")
	}
	return idx, nil
}

type regexpMatcher struct {
	re     *regexp.Regexp
	prefix string // literal start every match has, checked first
}

func compileRegexp(pattern string, idx []int) (Matcher, error) {
	var b strings.Builder
	b.WriteByte('^')
	end := 0
	for i := 0; i < len(idx); i += 2 {
		b.WriteString(regexp.QuoteMeta(pattern[end:idx[i]]))
		inner := pattern[idx[i]+1 : idx[i+1]-1]
		if _, err := regexp.Compile(inner); err != nil {
			return nil, fmt.Errorf("<%s> is not a valid regular expression (RE2 syntax): %s", inner, reason(err))
		}
		b.WriteString("(" + inner + ")")
		end = idx[i+1]
	}
	b.WriteString(regexp.QuoteMeta(pattern[end:]))
	b.WriteByte('$')
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("is not a valid pattern: %s", reason(err))
	}
	prefix, _ := re.LiteralPrefix()
	return &regexpMatcher{re: re, prefix: prefix}, nil
}

func reason(err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("%s: `%s`", se.Code, se.Expr)
	}
	return err.Error()
}

func (m *regexpMatcher) Match(s string) bool {
	return strings.HasPrefix(s, m.prefix) && m.re.MatchString(s)
}

func (m *regexpMatcher) Captures(s string) []string {
	sub := m.re.FindStringSubmatch(s)
	if len(sub) < 2 {
		return []string{}
	}
	return sub[1:]
}

type globMatcher struct{ g glob.Glob }

// compileGlob: the text outside <...> is literal, the text inside is a glob
// (separators '.' and '/': * stays within a host label or path segment, **
// crosses them).
func compileGlob(pattern string, idx []int) (Matcher, error) {
	var b strings.Builder
	end := 0
	for i := 0; i < len(idx); i += 2 {
		b.WriteString(glob.QuoteMeta(pattern[end:idx[i]]))
		b.WriteString(pattern[idx[i]+1 : idx[i+1]-1])
		end = idx[i+1]
	}
	b.WriteString(glob.QuoteMeta(pattern[end:]))
	g, err := glob.Compile(b.String(), '.', '/')
	if err != nil {
		return nil, fmt.Errorf("is not a valid glob: %v", err)
	}
	return globMatcher{g: g}, nil
}

func (m globMatcher) Match(s string) bool { return m.g.Match(s) }

// Captures is always empty: globs have no groups.
func (m globMatcher) Captures(string) []string { return []string{} }
