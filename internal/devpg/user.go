package devpg

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// runAs is the account the server runs as: nil for the current user, or
// the postgres user's credentials when we are root.
type runAs struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32
}

func (r *runAs) sysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if r != nil {
		a.Credential = &syscall.Credential{Uid: r.uid, Gid: r.gid, Groups: r.groups}
	}
	return a
}

// chown gives path to the server's account (no-op when not root).
func (r *runAs) chown(path string) error {
	if r == nil {
		return nil
	}
	return os.Chown(path, int(r.uid), int(r.gid))
}

// serverAccount picks who runs postgres: ourselves, or "postgres" when root.
func serverAccount() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("cerberus runs as root and PostgreSQL refuses to; there is no \"postgres\" user to run it as " +
			"(installing the postgresql package creates one), so run Cerberus as another user or set dsn")
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	r := &runAs{name: u.Username, uid: uint32(uid), gid: uint32(gid)}
	if ids, err := u.GroupIds(); err == nil {
		for _, g := range ids {
			if n, err := strconv.ParseUint(g, 10, 32); err == nil {
				r.groups = append(r.groups, uint32(n))
			}
		}
	}
	return r, nil
}

// checkReachable verifies the server account can enter every directory on
// the way to dir, and says which one blocks it and why.
func (r *runAs) checkReachable(dir string) error {
	if r == nil {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	var chain []string
	for p := abs; ; p = filepath.Dir(p) {
		chain = append([]string{p}, chain...)
		if p == filepath.Dir(p) {
			break
		}
	}
	for _, p := range chain {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("data directory %s: %w", abs, err)
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if !ok {
			continue
		}
		if !r.canEnter(sys.Uid, sys.Gid, st.Mode().Perm()) {
			return fmt.Errorf("data directory %s is out of reach of the %q user that PostgreSQL runs as "+
				"(Cerberus runs as root): it cannot enter %s (mode %s, owner uid %d). Choose a data directory it can "+
				"reach (dev.data_dir or --data-dir, e.g. /var/tmp/cerberus) or allow it in with `chmod o+x %s`",
				abs, r.name, p, st.Mode(), sys.Uid, p)
		}
	}
	return nil
}

func (r *runAs) canEnter(uid, gid uint32, mode os.FileMode) bool {
	switch {
	case uid == r.uid:
		return mode&0o100 != 0
	case r.inGroup(gid):
		return mode&0o010 != 0
	default:
		return mode&0o001 != 0
	}
}

func (r *runAs) inGroup(gid uint32) bool {
	if gid == r.gid {
		return true
	}
	for _, g := range r.groups {
		if g == gid {
			return true
		}
	}
	return false
}
