package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cerberus-iam/cerberus/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	root.SetArgs(boolValueArgs(os.Args[1:]))
	if err := root.ExecuteContext(ctx); err != nil {
		printError(err)
		stop()
		os.Exit(1)
	}
}

// printError writes err for a person: config problems one per line, other
// errors as one line.
func printError(err error) {
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Fprintf(os.Stderr, "Error: invalid configuration (%d problem%s):\n", len(ce.Problems), plural(len(ce.Problems)))
		for _, p := range ce.Problems {
			fmt.Fprintf(os.Stderr, "  %s\n", p)
		}
		return
	}
	fmt.Fprintf(os.Stderr, "Error: %v\n", err)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "cerberus",
		Short: "Identity, OAuth2/OpenID Connect and an identity-aware proxy in one binary",
		Long: `Cerberus is one self-hosted binary, backed by Postgres, that does what teams
assemble from Ory Kratos (identities and self-service login), Ory Hydra
(OAuth2 and OpenID Connect) and Ory Oathkeeper (identity-aware proxy and
decision API), with the login pages built in.

Start it with "cerberus serve --config cerberus.yaml", or try it with
"cerberus serve --dev --config deploy/examples/dev.yaml", which runs a
private Postgres from the machine's own PostgreSQL binaries.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.AddCommand(newServeCmd(), newMigrateCmd(), newConfigCmd(), newRulesCmd(), newIdentitiesCmd(), newVersionCmd(), newClientsCmd(), newKeysCmd())
	return root
}
