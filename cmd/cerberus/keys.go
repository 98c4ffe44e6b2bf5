package main

import (
	"fmt"
	"net/url"
	"text/tabwriter"

	"github.com/go-jose/go-jose/v3"
	"github.com/spf13/cobra"

	"github.com/cerberus-iam/cerberus/oauth2/jwk"
)

func newKeysCmd() *cobra.Command {
	var af hydraAdmin
	cmd := &cobra.Command{
		Use:               "keys",
		Short:             "Manage the OAuth2 signing keys through the admin API",
		PersistentPreRunE: func(*cobra.Command, []string) error { return af.checkFormat() },
	}
	af.register(cmd)
	cmd.AddCommand(newKeysRotateCmd(&af), newKeysGetCmd(&af))
	return cmd
}

func newKeysRotateCmd(af *hydraAdmin) *cobra.Command {
	var set, alg string
	cmd := &cobra.Command{
		Use:   "rotate",
		Short: "Create new signing keys; they sign from now on",
		Long: `Rotate creates a new key in each key set (or only --set) for --alg (default
oauth2.keys.algorithm). It signs every token from now on,
on every instance. The keys it replaces stay in the JWKS until every token
they signed has expired, so nothing in flight stops verifying.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sets := jwk.Sets
			if set != "" {
				sets = []string{set}
			}
			var all []jose.JSONWebKey
			for _, s := range sets {
				var out jose.JSONWebKeySet
				if _, err := af.call(cmd.Context(), "POST", "/admin/keys/"+url.PathEscape(s), map[string]string{"alg": alg, "use": "sig"}, &out); err != nil {
					return err
				}
				all = append(all, out.Keys...)
			}
			if af.format != "default" {
				return af.printJSON(cmd.OutOrStdout(), jose.JSONWebKeySet{Keys: all})
			}
			return printKeys(cmd, sets, all)
		},
	}
	cmd.Flags().StringVar(&set, "set", "", "rotate only this set ("+jwk.IDTokenSet+" or "+jwk.AccessTokenSet+")")
	cmd.Flags().StringVar(&alg, "alg", "", "algorithm of the new keys: RS256, ES256 or EdDSA (default oauth2.keys.algorithm)")
	return cmd
}

func newKeysGetCmd(af *hydraAdmin) *cobra.Command {
	return &cobra.Command{
		Use:   "get SET...",
		Short: "Show the public keys of key sets",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var all []jose.JSONWebKey
			var sets []string
			for _, s := range args {
				var out jose.JSONWebKeySet
				if _, err := af.call(cmd.Context(), "GET", "/admin/keys/"+url.PathEscape(s), nil, &out); err != nil {
					return err
				}
				for range out.Keys {
					sets = append(sets, s)
				}
				all = append(all, out.Keys...)
			}
			if af.format != "default" {
				return af.printJSON(cmd.OutOrStdout(), jose.JSONWebKeySet{Keys: all})
			}
			return printKeys(cmd, sets, all)
		},
	}
}

func printKeys(cmd *cobra.Command, sets []string, keys []jose.JSONWebKey) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 8, 1, '\t', 0)
	fmt.Fprintln(tw, "SET ID\tKEY ID\tALGORITHM\tUSE")
	for i, k := range keys {
		s := ""
		if i < len(sets) {
			s = sets[i]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s, k.KeyID, k.Algorithm, k.Use)
	}
	return tw.Flush()
}
