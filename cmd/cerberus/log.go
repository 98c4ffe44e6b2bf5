package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/tracing"
)

// newLogger builds the process logger. Nothing Cerberus logs carries
// secrets, tokens or passwords: request lines omit query strings and
// errors are logged by their user-safe message plus an internal cause.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	switch c.Level {
	case "trace", "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error", "fatal", "panic":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// warnAboutLogSettings says what Ory's log keys do here: Ory's
// leak_sensitive_values logs headers, cookies and query strings when true;
// Cerberus never logs them, so the setting changes nothing.
func warnAboutLogSettings(c config.Log, log *slog.Logger) {
	if c.LeakSensitiveValues {
		log.Warn("log.leak_sensitive_values is true, but Cerberus never logs secrets, tokens, cookies or query strings: the setting changes nothing")
	}
}

// flushTraces sends the spans still queued before the process exits.
func flushTraces(tp *tracing.Provider, log *slog.Logger) {
	if tp == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tp.Shutdown(ctx); err != nil {
		log.Warn("tracing: spans were lost at shutdown", "error", err)
		return
	}
	log.Info("tracing: spans flushed")
}
