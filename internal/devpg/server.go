package devpg

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options configure a managed server.
type Options struct {
	// DataDir holds the cluster (DataDir/pgdata), its password and log.
	DataDir string
	// Database is created on first start (default "cerberus").
	Database string
	// Ephemeral trades durability for speed (fsync off): for tests only.
	Ephemeral bool
	// MaxConnections overrides the server's max_connections.
	MaxConnections int
	// Port to listen on; 0 picks a free loopback port.
	Port int
	// Logger receives progress messages; slog.Default() when nil.
	Logger *slog.Logger
}

// Server is a running managed PostgreSQL.
type Server struct {
	dsn     string
	port    int
	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error
	logPath string
	stop    sync.Once
}

// DSN is the connection URL of the server's database.
func (s *Server) DSN() string { return s.dsn }

// AdminDSN is the connection URL of the "postgres" maintenance database.
func (s *Server) AdminDSN() string {
	u, _ := url.Parse(s.dsn)
	u.Path = "/postgres"
	return u.String()
}

// Port is the loopback port the server listens on.
func (s *Server) Port() int { return s.port }

const superuser = "cerberus"

// Start initialises the cluster when needed and starts the server. The
// returned server runs until Stop or until ctx is done.
func Start(ctx context.Context, o Options) (*Server, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	if o.Database == "" {
		o.Database = "cerberus"
	}
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, err
	}
	dataDir, err := filepath.Abs(o.DataDir)
	if err != nil {
		return nil, err
	}
	// Directories we create must let the server account pass when it is
	// not us; existing ones are checked, never loosened.
	mode := os.FileMode(0o700)
	if acct != nil {
		mode = 0o711
	}
	if err := MkdirAll(dataDir, mode); err != nil {
		return nil, fmt.Errorf("data directory %s cannot be created: %w", dataDir, unwrapPath(err))
	}
	if acct != nil {
		// The server account only needs to pass through; the cluster below
		// is its own.
		if err := os.Chmod(dataDir, 0o711); err != nil {
			return nil, fmt.Errorf("data directory %s: %w", dataDir, unwrapPath(err))
		}
	}
	if err := writable(dataDir); err != nil {
		return nil, err
	}
	if err := acct.checkReachable(dataDir); err != nil {
		return nil, err
	}
	pgdata := filepath.Join(dataDir, "pgdata")
	password, err := ensureCluster(ctx, bin, pgdata, dataDir, acct, log)
	if err != nil {
		return nil, err
	}

	port := o.Port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	logPath := filepath.Join(dataDir, "postgres.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dataDir, unwrapPath(err))
	}
	defer logFile.Close()

	// Cerberus talks to its private server over a Unix socket in the
	// cluster directory (a loopback TCP round trip costs noticeably more
	// kernel time per query); TCP on loopback stays open for psql and
	// friends. Socket paths are limited to 107 bytes, so a deep data
	// directory falls back to TCP.
	socketDir := ""
	if len(filepath.Join(pgdata, ".s.PGSQL."+strconv.Itoa(port)+".lock")) <= 107 {
		socketDir = pgdata
	}
	args := []string{"-D", pgdata, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + socketDir,
		"-c", "logging_collector=off", "-c", "log_min_messages=warning",
	}
	if o.Ephemeral {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	if o.MaxConnections > 0 {
		args = append(args, "-c", "max_connections="+strconv.Itoa(o.MaxConnections))
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = acct.sysProcAttr()
	// If Cerberus dies without stopping it, the server shuts down too.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGINT
	s := &Server{port: port, cmd: cmd, done: make(chan struct{}), logPath: logPath}
	if err := startPinned(cmd, s); err != nil {
		return nil, fmt.Errorf("starting postgres: %w", err)
	}

	dsn := &url.URL{
		Scheme: "postgres", User: url.UserPassword(superuser, password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Path: "/" + o.Database,
		RawQuery: "sslmode=disable",
	}
	if socketDir != "" {
		dsn.Host = ""
		dsn.RawQuery = url.Values{"host": {socketDir}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}.Encode()
	}
	s.dsn = dsn.String()
	if err := s.waitReady(ctx); err != nil {
		s.Stop(context.Background())
		return nil, err
	}
	if err := s.ensureDatabase(ctx, o.Database); err != nil {
		s.Stop(context.Background())
		return nil, err
	}
	log.Info("managed postgres is running", "data_dir", dataDir, "port", port, "binaries", bin)
	return s, nil
}

// startPinned starts cmd from a goroutine locked to its OS thread, and keeps
// that thread alive until the process exits: Linux delivers the parent-death
// signal when the *thread* that forked exits, and the Go runtime may retire
// idle threads.
func startPinned(cmd *exec.Cmd, s *Server) error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	return <-started
}

func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	admin := s.AdminDSN()
	for {
		select {
		case <-s.done:
			return fmt.Errorf("postgres exited during start-up: %s", s.logTail())
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, admin)
		cancel()
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not accept connections within 60s: %s", s.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) ensureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, s.AdminDSN())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

// Stop shuts the server down with a fast shutdown (open transactions are
// rolled back, data is flushed) and waits for it, escalating if it hangs.
func (s *Server) Stop(ctx context.Context) error {
	var err error
	s.stop.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Signal(syscall.SIGQUIT)
			<-s.done
		case <-ctx.Done():
			_ = s.cmd.Process.Signal(syscall.SIGQUIT)
			<-s.done
		}
		var ee *exec.ExitError
		if s.waitErr != nil && !errors.As(s.waitErr, &ee) {
			err = s.waitErr
		}
	})
	return err
}

// Done is closed when the server process has exited.
func (s *Server) Done() <-chan struct{} { return s.done }

func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	tail := strings.Join(lines, " | ")
	if tail == "" {
		return "no output (see " + s.logPath + ")"
	}
	return tail
}

// ensureCluster runs initdb once and returns the superuser password.
func ensureCluster(ctx context.Context, bin, pgdata, dataDir string, acct *runAs, log *slog.Logger) (string, error) {
	pwPath := filepath.Join(dataDir, "password")
	if _, err := os.Stat(filepath.Join(pgdata, "PG_VERSION")); err == nil {
		pw, err := os.ReadFile(pwPath)
		if err != nil {
			return "", fmt.Errorf("data directory %s has a cluster but its password file is unreadable: %w", dataDir, unwrapPath(err))
		}
		if err := checkMajor(bin, pgdata); err != nil {
			return "", err
		}
		return strings.TrimSpace(string(pw)), nil
	}
	// A half-initialised directory from an interrupted run is started over.
	_ = os.RemoveAll(pgdata)
	if err := os.Mkdir(pgdata, 0o700); err != nil {
		return "", fmt.Errorf("data directory %s: %w", dataDir, unwrapPath(err))
	}
	if err := acct.chown(pgdata); err != nil {
		return "", fmt.Errorf("data directory %s: cannot hand %s to the postgres user: %w", dataDir, pgdata, unwrapPath(err))
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	password := hex.EncodeToString(raw[:])
	// initdb reads the password from a file the server account can read;
	// it lives beside pgdata only for the duration of initdb (initdb wants
	// an empty directory).
	tmpPw := filepath.Join(dataDir, "initdb-password")
	if err := os.WriteFile(tmpPw, []byte(password+"\n"), 0o600); err != nil {
		return "", err
	}
	if err := acct.chown(tmpPw); err != nil {
		return "", err
	}
	log.Info("initialising managed postgres cluster", "data_dir", pgdata)
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", pgdata, "-U", superuser, "--pwfile", tmpPw, "--auth", "scram-sha-256",
		"-E", "UTF8", "--locale", "C", "--no-instructions")
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = acct.sysProcAttr()
	err := cmd.Run()
	_ = os.Remove(tmpPw)
	if err != nil {
		return "", fmt.Errorf("initdb failed in %s: %s", pgdata, lastLines(out.String(), 3))
	}
	if err := os.WriteFile(pwPath, []byte(password+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("data directory %s: %w", dataDir, unwrapPath(err))
	}
	return password, nil
}

// checkMajor refuses a cluster made by another major version: postgres
// would refuse it anyway, with a less helpful message.
func checkMajor(bin, pgdata string) error {
	b, err := os.ReadFile(filepath.Join(pgdata, "PG_VERSION"))
	if err != nil {
		return nil
	}
	have := strings.TrimSpace(string(b))
	out, err := exec.Command(filepath.Join(bin, "postgres"), "--version").Output()
	if err != nil {
		return nil
	}
	fields := strings.Fields(string(out))
	if len(fields) == 0 {
		return nil
	}
	major, _, _ := strings.Cut(fields[len(fields)-1], ".")
	if major != have {
		return fmt.Errorf("the managed cluster in %s was made by PostgreSQL %s but the server found is %s; "+
			"remove the directory to start afresh, or install PostgreSQL %s", pgdata, have, major, have)
	}
	return nil
}

// MkdirAll creates dir and any missing parents with exactly mode (the umask
// does not apply), leaving existing directories untouched.
func MkdirAll(dir string, mode os.FileMode) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	var missing []string
	for p := abs; ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil {
			break
		}
		missing = append(missing, p)
		if p == filepath.Dir(p) {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], mode); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		if err := os.Chmod(missing[i], mode); err != nil {
			return err
		}
	}
	return nil
}

func writable(dir string) error {
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
