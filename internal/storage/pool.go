package storage

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolOptions tune the pool; zero values take the defaults.
type PoolOptions struct {
	MaxConns        int32
	MinConns        int32
	MaxConnLifetime time.Duration
	MaxConnIdleTime time.Duration
	ConnectTimeout  time.Duration
	// Tracer, when set, traces queries (internal/tracing); nil costs
	// nothing.
	Tracer pgx.QueryTracer
}

// Open creates a pool for dsn and checks that the database answers. Errors
// are one line that names the cause (wrong password, unreachable host,
// unknown database) and never repeat the password.
func Open(ctx context.Context, dsn string, o PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("dsn is not a valid Postgres URL: %s", redactParseError(err))
	}
	cfg.MaxConns = o.MaxConns
	if cfg.MaxConns == 0 {
		// Two connections per CPU: every request needs at most one at a
		// time, and they are held for a query's round trip only. More do not
		// make a CPU-bound instance faster; measured on two CPUs with the
		// database on the same machine, 16 connections instead of 4 cut
		// whoami throughput by a quarter and multiplied its p99 by two (the
		// extra Postgres backends fight the server for the CPUs).
		cfg.MaxConns = int32(max(4, 2*runtime.GOMAXPROCS(0)))
	}
	cfg.MinConns = o.MinConns
	if o.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = o.MaxConnLifetime
	}
	if o.MaxConnIdleTime > 0 {
		cfg.MaxConnIdleTime = o.MaxConnIdleTime
	}
	if o.ConnectTimeout > 0 {
		cfg.ConnConfig.ConnectTimeout = o.ConnectTimeout
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "cerberus"
	cfg.ConnConfig.Tracer = o.Tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("opening database pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, cfg.ConnConfig.ConnectTimeout+time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, Describe(err, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	}
	return pool, nil
}

// Describe turns a connection error into one line a person can act on.
func Describe(err error, host string, port uint16, db string) error {
	where := fmt.Sprintf("%s:%d", host, port)
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return fmt.Errorf("database at %s refused the credentials in dsn (%s)", where, pe.Message)
		case "3D000":
			return fmt.Errorf("database %q does not exist at %s", db, where)
		}
		return fmt.Errorf("database at %s: %s (SQLSTATE %s)", where, pe.Message, pe.Code)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("database at %s did not answer in time", where)
	}
	msg := err.Error()
	if strings.Contains(msg, "connection refused") {
		return fmt.Errorf("database at %s is unreachable: connection refused", where)
	}
	if strings.Contains(msg, "no such host") {
		return fmt.Errorf("database host %q cannot be resolved", host)
	}
	return fmt.Errorf("database at %s is unreachable: %s", where, lastLine(msg))
}

func lastLine(s string) string {
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		return s[i+2:]
	}
	return s
}

// redactParseError keeps pgx's parse error but drops anything that may
// quote the password.
func redactParseError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		return "cannot parse connection string"
	}
	return msg
}
