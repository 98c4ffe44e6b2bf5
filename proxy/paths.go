package proxy

import "path/filepath"

func absSlash(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		p = a
	}
	return filepath.ToSlash(p)
}
