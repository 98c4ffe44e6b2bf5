package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cerberus-iam/cerberus/internal/storage"
	"github.com/cerberus-iam/cerberus/migrations"
)

func newMigrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply or inspect database migrations",
		Long: `Cerberus keeps its schema in versioned migrations embedded in the binary.
"serve" refuses to start on a database that is behind unless it is given
--migrate. Several instances may migrate at once: one applies, the others
wait for it and find nothing left to do.

The database comes from dsn in --config, or the DSN environment variable.`,
	}
	cmd.AddCommand(newMigrateUpCmd(), newMigrateStatusCmd())
	return cmd
}

func newMigrateUpCmd() *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Apply every pending migration",
		Long: `Up applies every pending migration, each in its own transaction, so an
interrupted run leaves the schema at the last complete version. When
another instance is migrating at the same moment, up waits for it and then
applies whatever is left (usually nothing).

The database comes from dsn in --config, or the DSN environment variable.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, closeDB, err := openMigrator(cmd.Context(), &flags)
			if err != nil {
				return err
			}
			defer closeDB()
			n, err := m.Up(cmd.Context())
			if err != nil {
				return migrateError(cmd.Context(), err)
			}
			if n == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "The database is up to date.")
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "Applied %d migration%s.\n", n, plural(n))
			}
			return nil
		},
	}
	flags.register(cmd)
	return cmd
}

func newMigrateStatusCmd() *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Use:   "status",
		Short: "List migrations and whether each is applied",
		Long: `Status lists every migration this binary knows, with the time it was
applied or "pending". The database comes from dsn in --config, or the DSN
environment variable.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, closeDB, err := openMigrator(cmd.Context(), &flags)
			if err != nil {
				return err
			}
			defer closeDB()
			st, err := m.Status(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VERSION\tMIGRATION\tAPPLIED AT")
			pending := 0
			for _, s := range st {
				at := "pending"
				if s.Applied {
					at = s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
				} else {
					pending++
				}
				fmt.Fprintf(w, "%d\t%s\t%s\n", s.Version, s.Name, at)
			}
			w.Flush()
			fmt.Fprintf(cmd.OutOrStdout(), "%d pending.\n", pending)
			return nil
		},
	}
	flags.register(cmd)
	return cmd
}

func openMigrator(ctx context.Context, flags *configFlags) (*migrations.Migrator, func(), error) {
	c, err := flags.load()
	if err != nil {
		return nil, nil, err
	}
	if c.DSN == "" {
		return nil, nil, fmt.Errorf("no database: set dsn in --config or the DSN environment variable")
	}
	pool, err := storage.Open(ctx, c.DSN, poolOptions(c))
	if err != nil {
		return nil, nil, err
	}
	m, err := migrations.New(pool, migrations.FS())
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return m, func() { m.Close(); pool.Close() }, nil
}

// migrateError explains an interrupted migration: each migration runs in a
// transaction, so the schema is at the last whole version.
func migrateError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return fmt.Errorf("migration interrupted; the running migration was rolled back and the schema is at the last complete version")
	}
	return err
}
