package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/internal/server"
)

// configFlags are the flags every command that reads configuration takes.
type configFlags struct {
	files []string
}

func (f *configFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&f.files, "config", "c", nil,
		"configuration file (YAML or JSON); repeat to merge several, later files win")
}

func (f *configFlags) load() (*config.Config, error) {
	return config.Load(config.Options{Files: f.files, Environ: os.Environ()})
}

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with configuration files",
	}
	cmd.AddCommand(newConfigValidateCmd())
	return cmd
}

func newConfigValidateCmd() *cobra.Command {
	var (
		flags configFlags
		dev   bool
	)
	cmd := &cobra.Command{
		Use:   "validate --config FILE",
		Short: "Check a configuration file (and environment overrides) without starting",
		Long: `Validate loads the configuration exactly as "serve" would: the files, merged
in order, then environment variable overrides, checked against the
configuration schema. Every problem is listed with its key path. Without
--dev, dsn and secrets are required, as "serve" requires them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(flags.files) == 0 {
				return fmt.Errorf("--config is required")
			}
			c, err := flags.load()
			if err != nil {
				return err
			}
			if !dev {
				if err := c.RequireServe(); err != nil {
					return err
				}
			}
			if err := server.Validate(c.Serve); err != nil {
				return err
			}
			if err := validateHeads(c); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "The configuration is valid.")
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().BoolVar(&dev, "dev", false, "validate for serve --dev: dsn and secrets may be omitted")
	return cmd
}
