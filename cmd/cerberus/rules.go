package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cerberus-iam/cerberus/internal/config"
	"github.com/cerberus-iam/cerberus/proxy"
)

func newRulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Work with access rule files (the proxy's rules, in Oathkeeper's format)",
	}
	cmd.AddCommand(newRulesValidateCmd())
	return cmd
}

func newRulesValidateCmd() *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Use:   "validate [--config FILE] RULES...",
		Short: "Check rule files (JSON or YAML) or directories of them",
		Long: `Validate parses and compiles access rules exactly as serve loads them:
the format, every match.url pattern, handler names and configs (merged over
the global ones), duplicate ids and rules that match the same URL. Every
problem is listed with its file, rule id and field.

With --config, handlers must be enabled there and their global config is
merged in; without it, every handler counts as enabled.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var c *config.Config
			if len(flags.files) > 0 {
				var err error
				if c, err = flags.load(); err != nil {
					return err
				}
			}
			n, err := proxy.ValidateFiles(cmd.Context(), c, validationSources(), args)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d rule%s valid.\n", n, plural(n))
			return nil
		},
	}
	flags.register(cmd)
	return cmd
}
