package buildinfo

import (
	"runtime/debug"
	"sync"
)

// version is set with -ldflags "-X github.com/cerberus-iam/cerberus/internal/buildinfo.version=...".
var version string

// Version returns the binary's version string.
var Version = sync.OnceValue(func() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += "+" + rev + dirty
	}
	return v
})
