package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cerberus-iam/cerberus/oauth2/client"
)

func newClientsCmd() *cobra.Command {
	var af hydraAdmin
	cmd := &cobra.Command{
		Use:   "clients",
		Short: "Manage OAuth2 clients through the admin API",
		Long: `The clients commands talk to a running Cerberus's admin API (--endpoint,
default $CERBERUS_ADMIN_URL or http://127.0.0.1:4434). Their flags are
hydra's ("hydra create oauth2-client ..." becomes "cerberus clients
create ..."), and so is the output: a KEY VALUE listing, or the client's JSON
with --format json. A client's secret is shown only when it is created (or
changed with --secret).`,
		PersistentPreRunE: func(*cobra.Command, []string) error { return af.checkFormat() },
	}
	af.register(cmd)
	cmd.AddCommand(newClientsCreateCmd(&af), newClientsUpdateCmd(&af), newClientsGetCmd(&af),
		newClientsListCmd(&af), newClientsDeleteCmd(&af))
	return cmd
}

// clientFlags are hydra's create/update oauth2-client flags.
type clientFlags struct {
	file, id, name, secret                                       string
	redirectURIs, grantTypes, responseTypes, scopes, audience    []string
	authMethod, jwksURI, owner, metadata                         string
	contacts, corsOrigins, requestURIs, postLogout               []string
	policyURI, tosURI, clientURI, logoURI                        string
	subjectType, sectorURI, requestObjectAlg                     string
	frontURI, backURI                                            string
	frontSession, backSession, skipConsent, skipLogoutConsent    bool
	accessTokenStrategy, idTokenAlg, accessTokenAlg, userinfoAlg string
}

func (f *clientFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.file, "file", "", "read the client from a JSON file (- for stdin); other flags are ignored")
	fs.StringVar(&f.id, "id", "", "the client id (default: a random UUID)")
	fs.StringVarP(&f.name, "name", "n", "", "the client's name")
	fs.StringVar(&f.secret, "secret", "", "the client secret (default: generated and shown once)")
	fs.StringSliceVarP(&f.redirectURIs, "redirect-uri", "c", []string{}, "allowed redirect URIs (exact match)")
	fs.StringSliceVarP(&f.grantTypes, "grant-type", "g", []string{"authorization_code"}, "allowed grant types")
	fs.StringSliceVarP(&f.responseTypes, "response-type", "r", []string{"code"}, "allowed response types")
	fs.StringSliceVarP(&f.scopes, "scope", "a", []string{}, "scopes the client may request")
	fs.StringSliceVar(&f.audience, "audience", []string{}, "audiences the client may request")
	fs.StringVar(&f.authMethod, "token-endpoint-auth-method", "client_secret_basic", "client_secret_basic, client_secret_post, private_key_jwt or none")
	fs.StringVar(&f.jwksURI, "jwks-uri", "", "where the client's public keys are (private_key_jwt)")
	fs.StringVar(&f.owner, "owner", "", "the client's owner")
	fs.StringVar(&f.metadata, "metadata", "{}", "free JSON metadata")
	fs.StringSliceVar(&f.contacts, "contact", []string{}, "contacts of the people responsible for the client")
	fs.StringVar(&f.policyURI, "policy-uri", "", "privacy policy URL")
	fs.StringVar(&f.tosURI, "tos-uri", "", "terms of service URL")
	fs.StringVar(&f.clientURI, "client-uri", "", "the client's home page")
	fs.StringVar(&f.logoURI, "logo-uri", "", "the client's logo")
	fs.StringSliceVar(&f.corsOrigins, "allowed-cors-origin", []string{}, "origins allowed to call the token endpoint from a browser")
	fs.StringVar(&f.subjectType, "subject-type", "public", "subject identifier type (public)")
	fs.StringVar(&f.sectorURI, "sector-identifier-uri", "", "sector identifier URI")
	fs.StringSliceVar(&f.requestURIs, "request-uri", []string{}, "pre-registered request_uri values")
	fs.StringVar(&f.requestObjectAlg, "request-object-signing-alg", "RS256", "algorithm of request objects")
	fs.StringSliceVar(&f.postLogout, "post-logout-callback", []string{}, "allowed post_logout_redirect_uri values")
	fs.StringVar(&f.frontURI, "frontchannel-logout-callback", "", "front-channel logout URL")
	fs.BoolVar(&f.frontSession, "frontchannel-logout-session-required", false, "send iss and sid to the front-channel logout URL")
	fs.StringVar(&f.backURI, "backchannel-logout-callback", "", "back-channel logout URL")
	fs.BoolVar(&f.backSession, "backchannel-logout-session-required", false, "include sid in back-channel logout tokens")
	fs.BoolVar(&f.skipConsent, "skip-consent", false, "skip the consent screen (first-party clients)")
	fs.BoolVar(&f.skipLogoutConsent, "skip-logout-consent", false, "skip the logout confirmation")
	fs.StringVar(&f.accessTokenStrategy, "access-token-strategy", "", "jwt or opaque (default: oauth2.strategies.access_token)")
	fs.StringVar(&f.idTokenAlg, "id-token-signed-response-alg", "", "ID token algorithm: RS256, ES256 or EdDSA")
	fs.StringVar(&f.accessTokenAlg, "access-token-signed-response-alg", "", "JWT access token algorithm: RS256, ES256 or EdDSA")
	fs.StringVar(&f.userinfoAlg, "userinfo-signed-response-alg", "", "sign /userinfo responses with this algorithm")
}

// apply sets the fields whose flags were given (all of them when all).
func (f *clientFlags) apply(fs *pflag.FlagSet, c *client.Client, all bool) error {
	set := func(name string) bool { return all || fs.Changed(name) }
	strs := map[string]*string{
		"id": &c.ID, "name": &c.Name, "secret": &c.Secret, "token-endpoint-auth-method": &c.TokenEndpointAuthMethod,
		"jwks-uri": &c.JWKSURI, "owner": &c.Owner, "policy-uri": &c.PolicyURI, "tos-uri": &c.TOSURI,
		"client-uri": &c.ClientURI, "logo-uri": &c.LogoURI, "subject-type": &c.SubjectType,
		"sector-identifier-uri": &c.SectorIdentifierURI, "request-object-signing-alg": &c.RequestObjectSigningAlg,
		"frontchannel-logout-callback": &c.FrontchannelLogoutURI, "backchannel-logout-callback": &c.BackchannelLogoutURI,
		"access-token-strategy": &c.AccessTokenStrategy, "id-token-signed-response-alg": &c.IDTokenSignedResponseAlg,
		"access-token-signed-response-alg": &c.AccessTokenSignedResponseAlg, "userinfo-signed-response-alg": &c.UserinfoSignedResponseAlg,
	}
	vals := map[string]string{
		"id": f.id, "name": f.name, "secret": f.secret, "token-endpoint-auth-method": f.authMethod,
		"jwks-uri": f.jwksURI, "owner": f.owner, "policy-uri": f.policyURI, "tos-uri": f.tosURI,
		"client-uri": f.clientURI, "logo-uri": f.logoURI, "subject-type": f.subjectType,
		"sector-identifier-uri": f.sectorURI, "request-object-signing-alg": f.requestObjectAlg,
		"frontchannel-logout-callback": f.frontURI, "backchannel-logout-callback": f.backURI,
		"access-token-strategy": f.accessTokenStrategy, "id-token-signed-response-alg": f.idTokenAlg,
		"access-token-signed-response-alg": f.accessTokenAlg, "userinfo-signed-response-alg": f.userinfoAlg,
	}
	for name, p := range strs {
		if set(name) {
			*p = vals[name]
		}
	}
	lists := map[string][2]*[]string{
		"redirect-uri": {&c.RedirectURIs, &f.redirectURIs}, "grant-type": {&c.GrantTypes, &f.grantTypes},
		"response-type": {&c.ResponseTypes, &f.responseTypes}, "audience": {&c.Audience, &f.audience},
		"contact": {&c.Contacts, &f.contacts}, "allowed-cors-origin": {&c.AllowedCORSOrigins, &f.corsOrigins},
		"request-uri": {&c.RequestURIs, &f.requestURIs}, "post-logout-callback": {&c.PostLogoutRedirectURIs, &f.postLogout},
	}
	for name, p := range lists {
		if set(name) {
			*p[0] = *p[1]
		}
	}
	if set("scope") {
		c.Scope = strings.Join(f.scopes, " ")
	}
	bools := map[string][2]*bool{
		"frontchannel-logout-session-required": {&c.FrontchannelLogoutSessionRequired, &f.frontSession},
		"backchannel-logout-session-required":  {&c.BackchannelLogoutSessionRequired, &f.backSession},
		"skip-consent":                         {&c.SkipConsent, &f.skipConsent},
	}
	for name, p := range bools {
		if set(name) {
			*p[0] = *p[1]
		}
	}
	if set("skip-logout-consent") {
		v := f.skipLogoutConsent
		c.SkipLogoutConsent = &v
	}
	if set("metadata") {
		if !json.Valid([]byte(f.metadata)) {
			return fmt.Errorf("--metadata must be JSON")
		}
		c.Metadata = json.RawMessage(f.metadata)
	}
	return nil
}

func readClientFile(path string, stdin io.Reader) (*client.Client, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	var c client.Client
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s is not a client JSON document: %w", path, err)
	}
	return &c, nil
}

func newClientsCreateCmd(af *hydraAdmin) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:   "create [flags]",
		Short: "Create an OAuth2 client and print it, with its secret",
		Example: `  cerberus clients create --name frontend-backend-client --audience backend-service \
    --grant-type authorization_code,refresh_token --response-type code \
    --redirect-uri http://localhost:8000/oauth-redirect --scope offline_access,openid \
    --skip-consent --skip-logout-consent --token-endpoint-auth-method client_secret_post`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := &client.Client{}
			if f.file != "" {
				var err error
				if c, err = readClientFile(f.file, cmd.InOrStdin()); err != nil {
					return err
				}
			} else if err := f.apply(cmd.Flags(), c, true); err != nil {
				return err
			}
			var out client.Client
			if _, err := af.call(cmd.Context(), "POST", "/admin/clients", c, &out); err != nil {
				return err
			}
			return af.printClient(cmd.OutOrStdout(), &out)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func newClientsUpdateCmd(af *hydraAdmin) *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:   "update CLIENT_ID [flags]",
		Short: "Change an OAuth2 client: the flags given replace those fields, the rest is kept",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "/admin/clients/" + url.PathEscape(args[0])
			var c client.Client
			if f.file != "" {
				fc, err := readClientFile(f.file, cmd.InOrStdin())
				if err != nil {
					return err
				}
				c = *fc
			} else {
				if _, err := af.call(cmd.Context(), "GET", path, nil, &c); err != nil {
					return err
				}
				if err := f.apply(cmd.Flags(), &c, false); err != nil {
					return err
				}
			}
			c.ID = args[0]
			var out client.Client
			if _, err := af.call(cmd.Context(), "PUT", path, &c, &out); err != nil {
				return err
			}
			return af.printClient(cmd.OutOrStdout(), &out)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func newClientsGetCmd(af *hydraAdmin) *cobra.Command {
	return &cobra.Command{
		Use:   "get CLIENT_ID...",
		Short: "Show OAuth2 clients",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var cs []*client.Client
			for _, id := range args {
				var c client.Client
				if _, err := af.call(cmd.Context(), "GET", "/admin/clients/"+url.PathEscape(id), nil, &c); err != nil {
					return err
				}
				cs = append(cs, &c)
			}
			if len(cs) == 1 {
				return af.printClient(cmd.OutOrStdout(), cs[0])
			}
			return af.printClients(cmd.OutOrStdout(), cs, "")
		},
	}
}

func newClientsListCmd(af *hydraAdmin) *cobra.Command {
	var (
		pageSize  int
		pageToken string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List OAuth2 clients, a page at a time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := url.Values{"page_size": {fmt.Sprint(pageSize)}}
			if pageToken != "" {
				q.Set("page_token", pageToken)
			}
			var cs []*client.Client
			h, err := af.call(cmd.Context(), "GET", "/admin/clients?"+q.Encode(), nil, &cs)
			if err != nil {
				return err
			}
			return af.printClients(cmd.OutOrStdout(), cs, nextPageToken(h.Get("Link")))
		},
	}
	cmd.Flags().IntVar(&pageSize, "page-size", 100, "clients per page")
	cmd.Flags().StringVar(&pageToken, "page-token", "", "the page to show (from the previous page)")
	return cmd
}

func newClientsDeleteCmd(af *hydraAdmin) *cobra.Command {
	return &cobra.Command{
		Use:   "delete CLIENT_ID...",
		Short: "Delete OAuth2 clients and every token issued to them",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, id := range args {
				if _, err := af.call(cmd.Context(), "DELETE", "/admin/clients/"+url.PathEscape(id), nil, nil); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), id)
			}
			return nil
		},
	}
}

// nextPageToken extracts page_token from a Link rel="next" header.
func nextPageToken(link string) string {
	for _, part := range strings.Split(link, ",") {
		if !strings.Contains(part, `rel="next"`) {
			continue
		}
		start, end := strings.Index(part, "<"), strings.Index(part, ">")
		if start < 0 || end < start {
			continue
		}
		if u, err := url.Parse(part[start+1 : end]); err == nil {
			return u.Query().Get("page_token")
		}
	}
	return ""
}

var clientColumns = []string{"CLIENT ID", "CLIENT SECRET", "GRANT TYPES", "RESPONSE TYPES", "SCOPE", "AUDIENCE", "REDIRECT URIS"}

func clientRow(c *client.Client) []string {
	return []string{c.ID, c.Secret, strings.Join(c.GrantTypes, ", "), strings.Join(c.ResponseTypes, ", "),
		c.Scope, strings.Join(c.Audience, ","), strings.Join(c.RedirectURIs, ", ")}
}

// printClient prints one client as hydra does: KEY VALUE lines, or JSON.
func (af *hydraAdmin) printClient(w io.Writer, c *client.Client) error {
	if af.format != "default" {
		return af.printJSON(w, c)
	}
	tw := tabwriter.NewWriter(w, 0, 8, 1, '\t', 0)
	for i, v := range clientRow(c) {
		fmt.Fprintf(tw, "%s\t%s\n", clientColumns[i], v)
	}
	return tw.Flush()
}

// printClients prints a table (one client per row), or a JSON array.
func (af *hydraAdmin) printClients(w io.Writer, cs []*client.Client, next string) error {
	if af.format != "default" {
		if cs == nil {
			cs = []*client.Client{}
		}
		return af.printJSON(w, cs)
	}
	tw := tabwriter.NewWriter(w, 0, 8, 1, '\t', 0)
	fmt.Fprintln(tw, strings.Join(clientColumns, "\t"))
	for _, c := range cs {
		fmt.Fprintln(tw, strings.Join(clientRow(c), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if next != "" {
		fmt.Fprintf(w, "\nNEXT PAGE TOKEN\t%s\n", next)
	}
	return nil
}

// boolValueArgs rewrites "--flag true" / "--flag false" for the clients
// commands' boolean flags into "--flag=true": hydra's documented commands
// (and the configs people paste) spell them with a separate value, which
// pflag would otherwise take as a stray argument.
func boolValueArgs(args []string) []string {
	if len(args) == 0 || args[0] != "clients" {
		return args
	}
	boolFlags := map[string]bool{
		"--skip-consent": true, "--skip-logout-consent": true,
		"--frontchannel-logout-session-required": true, "--backchannel-logout-session-required": true,
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if boolFlags[a] && i+1 < len(args) && (args[i+1] == "true" || args[i+1] == "false") {
			out = append(out, a+"="+args[i+1])
			i++
			continue
		}
		out = append(out, a)
	}
	return out
}
