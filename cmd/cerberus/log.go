package main

import (
	"io"
	"log/slog"

	"github.com/cerberus-iam/cerberus/internal/config"
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
