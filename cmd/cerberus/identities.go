package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

// adminClient talks to the admin API of a running Cerberus.
type adminClient struct {
	endpoint string
	http     *http.Client
}

func (f *adminFlags) client() *adminClient {
	return &adminClient{endpoint: strings.TrimSuffix(f.endpoint, "/"), http: &http.Client{Timeout: 5 * time.Minute}}
}

type adminFlags struct{ endpoint string }

func (f *adminFlags) register(cmd *cobra.Command) {
	def := os.Getenv("CERBERUS_ADMIN_URL")
	if def == "" {
		def = "http://127.0.0.1:4434"
	}
	cmd.PersistentFlags().StringVarP(&f.endpoint, "endpoint", "e", def, "admin API base URL (or CERBERUS_ADMIN_URL)")
}

// apiError is Ory's error JSON, printed as one line.
type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Status  string `json:"status"`
		Message string `json:"message"`
		Reason  string `json:"reason"`
	} `json:"error"`
}

func (e apiError) String() string {
	s := e.Error.Message
	if e.Error.Reason != "" {
		s = e.Error.Reason
	}
	return fmt.Sprintf("%d %s: %s", e.Error.Code, e.Error.Status, s)
}

// do sends a request and decodes a 2xx JSON answer into out (when not nil).
func (c *adminClient) do(method, path string, body []byte, out any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.endpoint+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("admin API at %s: %w", c.endpoint, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode >= 300 {
		var ae apiError
		if json.Unmarshal(b, &ae) == nil && ae.Error.Code != 0 {
			return nil, errors.New(ae.String())
		}
		return nil, fmt.Errorf("admin API answered %s", res.Status)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return nil, fmt.Errorf("admin API answer is not JSON: %w", err)
		}
	}
	return res.Header, nil
}

func newIdentitiesCmd() *cobra.Command {
	var f adminFlags
	cmd := &cobra.Command{
		Use:     "identities",
		Aliases: []string{"identity"},
		Short:   "Import, list, show and delete identities through the admin API",
		Long: `These commands talk to the admin API of a running Cerberus
(--endpoint, default http://127.0.0.1:4434, or CERBERUS_ADMIN_URL), so they
work against any instance you can reach, with the same validation as the API.`,
	}
	f.register(cmd)
	cmd.AddCommand(newIdentitiesImportCmd(&f), newIdentitiesListCmd(&f), newIdentitiesGetCmd(&f), newIdentitiesDeleteCmd(&f))
	return cmd
}

func newIdentitiesGetCmd(f *adminFlags) *cobra.Command {
	var include []string
	cmd := &cobra.Command{
		Use:   "get ID...",
		Short: "Print identities as JSON",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := f.client()
			q := url.Values{"include_credential": include}
			var out []json.RawMessage
			for _, id := range args {
				var raw json.RawMessage
				if _, err := c.do("GET", "/admin/identities/"+url.PathEscape(id)+"?"+q.Encode(), nil, &raw); err != nil {
					return fmt.Errorf("%s: %w", id, err)
				}
				out = append(out, raw)
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if len(out) == 1 {
				return enc.Encode(out[0])
			}
			return enc.Encode(out)
		},
	}
	cmd.Flags().StringSliceVar(&include, "include-credential", nil, "show the config of these credential types (password hashes are never shown)")
	return cmd
}

func newIdentitiesDeleteCmd(f *adminFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID...",
		Short: "Delete identities (their credentials and sessions go with them)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := f.client()
			failed := 0
			for _, id := range args {
				if _, err := c.do("DELETE", "/admin/identities/"+url.PathEscape(id), nil, nil); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", id, err)
					failed++
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Deleted %s\n", id)
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d identities could not be deleted", failed, len(args))
			}
			return nil
		},
	}
}

func newIdentitiesListCmd(f *adminFlags) *cobra.Command {
	var (
		pageSize   int
		format     string
		identifier string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List identities (all pages)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("--format must be table or json")
			}
			c := f.client()
			q := url.Values{"page_size": {fmt.Sprint(pageSize)}}
			if identifier != "" {
				q.Set("credentials_identifier", identifier)
			}
			next := "/admin/identities?" + q.Encode()
			var all []map[string]any
			for next != "" {
				var page []map[string]any
				h, err := c.do("GET", next, nil, &page)
				if err != nil {
					return err
				}
				all = append(all, page...)
				next = nextLink(h.Get("Link"))
			}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if all == nil {
					all = []map[string]any{}
				}
				return enc.Encode(all)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tSCHEMA\tSTATE\tIDENTIFIERS")
			for _, i := range all {
				fmt.Fprintf(w, "%v\t%v\t%v\t%s\n", i["id"], i["schema_id"], i["state"], identifiers(i))
			}
			w.Flush()
			fmt.Fprintf(cmd.ErrOrStderr(), "%d identit%s.\n", len(all), map[bool]string{true: "y", false: "ies"}[len(all) == 1])
			return nil
		},
	}
	cmd.Flags().IntVar(&pageSize, "page-size", 250, "identities fetched per request")
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	cmd.Flags().StringVar(&identifier, "identifier", "", "only the identity with this credential identifier")
	return cmd
}

func identifiers(i map[string]any) string {
	var out []string
	creds, _ := i["credentials"].(map[string]any)
	for _, c := range creds {
		cm, _ := c.(map[string]any)
		ids, _ := cm["identifiers"].([]any)
		for _, id := range ids {
			out = append(out, fmt.Sprint(id))
		}
	}
	return strings.Join(out, ",")
}

// nextLink extracts the rel="next" target of a Link header.
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if !strings.Contains(part, `rel="next"`) {
			continue
		}
		if i, j := strings.Index(part, "<"), strings.Index(part, ">"); i >= 0 && j > i {
			return part[i+1 : j]
		}
	}
	return ""
}

func newIdentitiesImportCmd(f *adminFlags) *cobra.Command {
	var batch int
	cmd := &cobra.Command{
		Use:   "import FILE|-",
		Short: "Create identities from a JSON array or JSON lines",
		Long: `Import reads identities in the admin API's create shape (schema_id,
traits, state, metadata_public, metadata_admin, verifiable_addresses,
credentials.password.config.password or .hashed_password, credentials.oidc)
from FILE, or standard input with "-", as one JSON array or one object per
line. It sends them in batches; a record that fails (bad traits, duplicate
identifier, unparseable hash) is reported with its position and the rest
continue. The exit status is non-zero if any record failed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in io.Reader = cmd.InOrStdin()
			if args[0] != "-" {
				fh, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer fh.Close()
				in = fh
			}
			records, err := readRecords(in)
			if err != nil {
				return err
			}
			return importRecords(cmd, f.client(), records, batch)
		},
	}
	cmd.Flags().IntVar(&batch, "batch-size", 200, "identities per request (at most 2000)")
	return cmd
}

// readRecords accepts a JSON array of objects or a stream of objects (JSON
// lines, or simply one after another).
func readRecords(r io.Reader) ([]json.RawMessage, error) {
	br := bufio.NewReader(r)
	for {
		b, err := br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errors.New("the input holds no identities")
			}
			return nil, err
		}
		if b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t' {
			_, _ = br.ReadByte()
			continue
		}
		break
	}
	d := json.NewDecoder(br)
	first, _ := br.Peek(1)
	if first[0] == '[' {
		var list []json.RawMessage
		if err := d.Decode(&list); err != nil {
			return nil, fmt.Errorf("the input is not a valid JSON array: %v", err)
		}
		return list, nil
	}
	var list []json.RawMessage
	for n := 1; ; n++ {
		var rec json.RawMessage
		err := d.Decode(&rec)
		if errors.Is(err, io.EOF) {
			return list, nil
		}
		if err != nil {
			return nil, fmt.Errorf("record %d is not valid JSON: %v", n, err)
		}
		list = append(list, rec)
	}
}

func importRecords(cmd *cobra.Command, c *adminClient, records []json.RawMessage, batch int) error {
	if batch < 1 || batch > 2000 {
		return fmt.Errorf("--batch-size must be between 1 and 2000")
	}
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	total, created, failed := len(records), 0, 0
	progress := total > batch
	for start := 0; start < total; start += batch {
		end := min(start+batch, total)
		type entry struct {
			Create json.RawMessage `json:"create"`
		}
		body := struct {
			Identities []entry `json:"identities"`
		}{}
		for _, r := range records[start:end] {
			body.Identities = append(body.Identities, entry{Create: r})
		}
		b, _ := json.Marshal(body)
		var res struct {
			Identities []struct {
				Action   string `json:"action"`
				Identity string `json:"identity"`
				RawError *struct {
					Code    int    `json:"code"`
					Status  string `json:"status"`
					Message string `json:"message"`
					Reason  string `json:"reason"`
				} `json:"error"`
			} `json:"identities"`
		}
		if _, err := c.do("PATCH", "/admin/identities", b, &res); err != nil {
			// The whole batch was refused (the endpoint is down, or the
			// batch as a whole is malformed): report each record.
			for k := start; k < end; k++ {
				fmt.Fprintf(errOut, "record %d: %v\n", k+1, err)
			}
			failed += end - start
			continue
		}
		for k, r := range res.Identities {
			if r.Action == "create" {
				created++
				continue
			}
			failed++
			msg := "refused"
			if e := r.RawError; e != nil {
				msg = e.Message
				if e.Reason != "" {
					msg = e.Reason
				}
				msg = fmt.Sprintf("%d %s: %s", e.Code, e.Status, msg)
			}
			fmt.Fprintf(errOut, "record %d: %s\n", start+k+1, msg)
		}
		if progress {
			fmt.Fprintf(errOut, "… %d/%d processed\n", end, total)
		}
	}
	fmt.Fprintf(out, "Imported %d of %d identities", created, total)
	if failed > 0 {
		fmt.Fprintf(out, "; %d failed.\n", failed)
		return fmt.Errorf("%d of %d records failed", failed, total)
	}
	fmt.Fprintln(out, ".")
	return nil
}
