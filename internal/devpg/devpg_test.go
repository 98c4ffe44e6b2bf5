package devpg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestStartReuseStop(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(reachableTempDir(t), "nested", "data")

	srv, err := Start(ctx, Options{DataDir: dir, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, srv.DSN(), `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives restarts')`)
	if err := srv.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.Done():
	default:
		t.Fatal("Stop returned while postgres still runs")
	}
	if _, err := pgx.Connect(ctx, srv.DSN()); err == nil {
		t.Fatal("server still accepts connections after Stop")
	}

	// A second start reuses the cluster (and its password) with the data.
	again, err := Start(ctx, Options{DataDir: dir, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop(ctx)
	conn, err := pgx.Connect(ctx, again.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, `SELECT v FROM kept`).Scan(&v); err != nil || v != "survives restarts" {
		t.Fatalf("data not reused: %q %v", v, err)
	}
	// The password is required: the cluster is not open to anyone local.
	if _, err := pgx.Connect(ctx, strings.Replace(again.DSN(), "cerberus:", "cerberus:wrong", 1)); err == nil {
		t.Fatal("wrong password accepted")
	}
}

func TestNoBinariesSaysWhatToDo(t *testing.T) {
	_, err := findBinaries("", nil)
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("got %v", err)
	}
	for _, hint := range []string{"apt-get install postgresql", "dsn", "DSN"} {
		if !strings.Contains(err.Error(), hint) {
			t.Errorf("error does not mention %q: %v", hint, err)
		}
	}
}

func TestUnreachableDataDirNamesTheDirectory(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs postgres as another user; as any other user the data directory is its own")
	}
	locked := filepath.Join(reachableTempDir(t), "locked")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{DataDir: filepath.Join(locked, "pg")})
	if err == nil {
		t.Fatal("started in a directory the postgres user cannot reach")
	}
	for _, want := range []string{"cannot enter " + locked, "postgres", "chmod o+x " + locked} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
}

func TestDataDirNotWritable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "file-not-dir")
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{DataDir: filepath.Join(dir, "pg")})
	if err == nil || !strings.Contains(err.Error(), "cannot be created") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("got %v", err)
	}
}

func execSQL(t *testing.T, dsn, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

// reachableTempDir is a t.TempDir the postgres user can pass through
// (t.TempDir makes 0700 directories, which a root-run test would refuse).
func reachableTempDir(t *testing.T) string {
	d := t.TempDir()
	for _, p := range []string{d, filepath.Dir(d)} {
		if err := os.Chmod(p, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	return d
}
