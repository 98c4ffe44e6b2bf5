package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cerberus-iam/cerberus/internal/devpg"
	"github.com/cerberus-iam/cerberus/migrations"
)

type cluster struct {
	adminDSN string // maintenance database on the server
	template string // name of the migrated template database
	server   *devpg.Server
}

var shared = sync.OnceValues(setup)

// New returns a pool on a fresh, fully migrated database that is dropped
// when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := NewDSN(t)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewDSN returns the URL of a fresh, fully migrated database that is
// dropped when the test ends; for tests that start the real binary.
func NewDSN(t testing.TB) string {
	t.Helper()
	return newDatabase(t, true)
}

// NewEmptyDSN returns the URL of a fresh database with no migrations
// applied, for tests of migrating itself.
func NewEmptyDSN(t testing.TB) string {
	t.Helper()
	return newDatabase(t, false)
}

func newDatabase(t testing.TB, migrated bool) string {
	c, err := shared()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	ctx := context.Background()
	name := "t_" + randomHex(8)
	conn, err := pgx.Connect(ctx, c.adminDSN)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	tmpl := "template0"
	if migrated {
		tmpl = c.template
	}
	// Cloning fails while another session is connected to the template;
	// only a concurrent clone can be, briefly, so retry.
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s",
			pgx.Identifier{name}.Sanitize(), pgx.Identifier{tmpl}.Sanitize()))
		if err == nil || attempt == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("pgtest: creating database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, c.adminDSN)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	u, _ := url.Parse(c.adminDSN)
	u.Path = "/" + name
	return u.String()
}

// Server returns the managed server of this process, or nil when the tests
// use TEST_DATABASE_URL. Tests that stop and restart Postgres use it.
func Server(t testing.TB) *devpg.Server {
	c, err := shared()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return c.server
}

func setup() (*cluster, error) {
	ctx := context.Background()
	c := &cluster{}
	if dsn := os.Getenv("TEST_DATABASE_URL"); dsn != "" {
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, fmt.Errorf("TEST_DATABASE_URL: %w", err)
		}
		u.Path = "/postgres"
		c.adminDSN = u.String()
	} else {
		dir, err := processDir()
		if err != nil {
			return nil, err
		}
		srv, err := devpg.Start(ctx, devpg.Options{
			DataDir: dir, Ephemeral: true, MaxConnections: 300,
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		})
		if err != nil {
			return nil, err
		}
		c.server = srv
		c.adminDSN = srv.AdminDSN()
	}
	tmpl, err := migrationsHash()
	if err != nil {
		return nil, err
	}
	c.template = "cerberus_tmpl_" + tmpl
	if err := ensureTemplate(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// ensureTemplate creates and migrates the template once per server, under
// an advisory lock so parallel test processes sharing TEST_DATABASE_URL
// agree.
func ensureTemplate(ctx context.Context, c *cluster) error {
	conn, err := pgx.Connect(ctx, c.adminDSN)
	if err != nil {
		return fmt.Errorf("connecting to test server: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7201)"); err != nil {
		return err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7201)")
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, c.template).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	ident := pgx.Identifier{c.template}.Sanitize()
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)")
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0"); err != nil {
		return err
	}
	u, _ := url.Parse(c.adminDSN)
	u.Path = "/" + c.template
	pool, err := pgxpool.New(ctx, u.String())
	if err != nil {
		return err
	}
	m, err := migrations.New(pool, migrations.FS())
	if err != nil {
		pool.Close()
		return err
	}
	m.Log = slog.New(slog.DiscardHandler)
	_, err = m.Up(ctx)
	m.Close()
	pool.Close()
	if err != nil {
		return fmt.Errorf("migrating template: %w", err)
	}
	_, err = conn.Exec(ctx, "ALTER DATABASE "+ident+" WITH is_template true ALLOW_CONNECTIONS false")
	return err
}

func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS(), p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

// processDir returns a data directory for this process's server and
// removes those left by test processes that no longer run.
func processDir() (string, error) {
	base := filepath.Join(os.TempDir(), "cerberus-pgtest")
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", err
	}
	_ = os.Chmod(base, 0o755)
	entries, _ := os.ReadDir(base)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.RemoveAll(filepath.Join(base, e.Name()))
		}
	}
	dir := filepath.Join(base, strconv.Itoa(os.Getpid()))
	_ = os.RemoveAll(dir)
	return dir, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
