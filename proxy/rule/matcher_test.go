package rule

import (
	"strings"
	"testing"
)

func TestMatchers(t *testing.T) {
	cases := []struct {
		name, strategy, pattern, url string
		match                        bool
		groups                       []string
	}{
		{"seed 004 http<s?>", "regexp", "http<s?>://echo.example.com</?.*>", "https://echo.example.com/a/b", true, []string{"s", "/a/b"}},
		{"seed 004 plain http", "regexp", "http<s?>://echo.example.com</?.*>", "http://echo.example.com", true, []string{"", ""}},
		{"seed 001 host prefix is literal", "regexp", "http://vmagent.localhost</?.*>", "http://vmagentXlocalhost/", false, nil},
		{"dots outside <> are literal", "regexp", "http://a.b/<.*>", "http://aXb/", false, nil},
		{"whole URL must match", "regexp", "http://a/b", "http://a/b/c", false, nil},
		{"prefix attack", "regexp", "http://a/<[0-9]+>", "http://a/1/../admin", false, nil},
		{"nested class", "regexp", "http://a/<[<>]>", "http://a/<", true, []string{"<"}},
		{"capture groups", "regexp", "http://a/users/<[0-9]+>/posts/<[a-z]+>", "http://a/users/42/posts/abc", true, []string{"42", "abc"}},
		{"glob segment", "glob", "http://a/<*>", "http://a/x", true, []string{}},
		{"glob one segment only", "glob", "http://a/<*>", "http://a/x/y", false, nil},
		{"glob any depth", "glob", "http://a/<**>", "http://a/x/y", true, []string{}},
		{"glob host label", "glob", "https://<*>.example.com/", "https://api.example.com/", true, []string{}},
		{"glob host label not across dots", "glob", "https://<*>.example.com/", "https://a.b.example.com/", false, nil},
		{"glob literal outside", "glob", "http://a/*", "http://a/x", false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := CompileMatcher(c.strategy, c.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Match(c.url); got != c.match {
				t.Fatalf("Match(%q) = %v", c.url, got)
			}
			if c.match {
				if got := m.Captures(c.url); strings.Join(got, "|") != strings.Join(c.groups, "|") || len(got) != len(c.groups) {
					t.Errorf("Captures = %q, want %q", got, c.groups)
				}
			}
		})
	}
}

func TestMatcherRefusesBadPatterns(t *testing.T) {
	for _, p := range []string{"http://a/<(>", "http://a/<.*", "http://a/>", "http://a/<(?!x).*>", "http://a/<a{1001}>"} {
		if _, err := CompileMatcher("regexp", p); err == nil {
			t.Errorf("%q compiled", p)
		}
	}
	if _, err := CompileMatcher("glob", "http://a/<[>"); err == nil {
		t.Error("bad glob compiled")
	}
	if _, err := CompileMatcher("prefix", "http://a/"); err == nil {
		t.Error("unknown strategy accepted")
	}
}

// A very long URL is matched in linear time and does not crash.
func TestMatcherLongURL(t *testing.T) {
	m, err := CompileMatcher("regexp", "http://a/<(a|aa)*>b")
	if err != nil {
		t.Fatal(err)
	}
	long := "http://a/" + strings.Repeat("a", 1<<16)
	if m.Match(long) {
		t.Fatal("matched without the trailing b")
	}
}

func FuzzMatcher(f *testing.F) {
	f.Add("regexp", "http<s?>://echo.example.com</?.*>", "https://echo.example.com/x")
	f.Add("glob", "http://a/<**>", "http://a/b/c")
	f.Add("regexp", "http://a/<[0-9]+>/<.*>", "http://a/1/%2F..")
	f.Fuzz(func(t *testing.T, strategy, pattern, url string) {
		if strategy != "glob" {
			strategy = "regexp"
		}
		m, err := CompileMatcher(strategy, pattern)
		if err != nil {
			return
		}
		ok := m.Match(url)
		if g := m.Captures(url); ok && g == nil {
			t.Fatal("a match must have a (possibly empty) capture list")
		}
		// A pattern without <...> is a literal: it matches exactly itself.
		if !strings.ContainsAny(pattern, "<>") {
			if ok != (url == pattern) {
				t.Fatalf("literal %q vs %q: match=%v", pattern, url, ok)
			}
		}
	})
}
