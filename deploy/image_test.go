package deploy

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/x509"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// imageConfig is the part of `buildah inspect --type image` the test reads:
// the OCI image config (image-spec "config" object).
type imageConfig struct {
	OCIv1 struct {
		Config struct {
			User         string
			ExposedPorts map[string]struct{}
			Entrypoint   []string
			Cmd          []string
			Labels       map[string]string
		} `json:"config"`
	}
}

// TestImage builds the image exactly as `make image` does (the test runs
// that target, with the binary, build context, archive and buildah store
// redirected into a temporary directory) and checks what a container
// runtime would see.
func TestImage(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("the image test needs root: it builds the image with buildah and vfs storage as `make image` does " +
			"(run `make test` as root, as CI does)")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("the image test runs `make image`, and make is not installed")
	}
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	buildah := []string{"buildah", "--storage-driver", "vfs",
		"--root", filepath.Join(store, "root"), "--runroot", filepath.Join(store, "run")}
	const (
		image   = "localhost/cerberus-imagetest"
		version = "v0.0.0-imagetest"
	)
	archive := filepath.Join(dir, "image.tar")

	start := time.Now()
	run(t, "..", "make", "--no-print-directory", "image",
		"BIN="+filepath.Join(dir, "cerberus"), "VERSION="+version, "IMAGE="+image,
		"IMAGE_DIR="+filepath.Join(dir, "context"), "IMAGE_ARCHIVE="+archive,
		"BUILDAH="+strings.Join(buildah, " "))
	t.Logf("make image took %s", time.Since(start).Round(time.Millisecond))
	if _, err := exec.LookPath("buildah"); err != nil {
		t.Fatal("buildah is not installed, and `make image` (scripts/install-test-deps.sh) could not install it")
	}
	bah := func(t *testing.T, args ...string) string {
		t.Helper()
		return run(t, "", buildah[0], append(slices.Clone(buildah[1:]), args...)...)
	}

	t.Run("config", func(t *testing.T) {
		var got imageConfig
		if err := json.Unmarshal([]byte(bah(t, "inspect", "--type", "image", image+":"+version)), &got); err != nil {
			t.Fatal(err)
		}
		c := got.OCIv1.Config
		if want := []string{"/usr/local/bin/cerberus"}; !slices.Equal(c.Entrypoint, want) {
			t.Errorf("entrypoint = %q, want %q", c.Entrypoint, want)
		}
		if want := []string{"serve"}; !slices.Equal(c.Cmd, want) {
			t.Errorf("cmd = %q, want %q", c.Cmd, want)
		}
		// Numeric and non-zero: Kubernetes' runAsNonRoot can only verify a
		// numeric user, and 0 would be root.
		uid, gid, ok := strings.Cut(c.User, ":")
		if u, err := strconv.Atoi(uid); err != nil || u == 0 || !ok {
			t.Errorf("user = %q, want a numeric non-root uid:gid", c.User)
		}
		if g, err := strconv.Atoi(gid); err != nil || g == 0 {
			t.Errorf("user = %q, want a numeric non-root gid", c.User)
		}
		var ports []string
		for p := range c.ExposedPorts {
			ports = append(ports, p)
		}
		slices.Sort(ports)
		if want := []string{"4433/tcp", "4434/tcp", "4455/tcp", "4456/tcp"}; !slices.Equal(ports, want) {
			t.Errorf("exposed ports = %q, want %q", ports, want)
		}
		if v := c.Labels["org.opencontainers.image.version"]; v != version {
			t.Errorf("version label = %q, want %q", v, version)
		}
	})

	ctr := strings.TrimSpace(bah(t, "from", "--pull=never", image+":"+version))
	t.Cleanup(func() { _ = exec.Command(buildah[0], append(buildah[1:], "rm", ctr)...).Run() })
	rootfs := strings.TrimSpace(bah(t, "mount", ctr))

	t.Run("files", func(t *testing.T) {
		passwd, err := os.ReadFile(filepath.Join(rootfs, "etc/passwd"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(passwd, []byte(":x:65532:65532:")) {
			t.Errorf("/etc/passwd has no entry for the image user 65532:\n%s", passwd)
		}
		group, err := os.ReadFile(filepath.Join(rootfs, "etc/group"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(group, []byte(":x:65532:")) {
			t.Errorf("/etc/group has no entry for the image group 65532:\n%s", group)
		}
		// The CA bundle is what outbound TLS (OIDC providers, SMTP, remote
		// JWKS) verifies against; Go reads exactly this path on Linux.
		pem, err := os.ReadFile(filepath.Join(rootfs, "etc/ssl/certs/ca-certificates.crt"))
		if err != nil {
			t.Fatal(err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			t.Error("/etc/ssl/certs/ca-certificates.crt holds no certificate")
		}
		fi, err := os.Stat(filepath.Join(rootfs, "tmp"))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&os.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
			t.Errorf("/tmp mode = %s, want sticky and world-writable", fi.Mode())
		}
	})

	t.Run("binary", func(t *testing.T) {
		bin := filepath.Join(rootfs, "usr/local/bin/cerberus")
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		// A scratch image has no dynamic loader: an interpreter entry
		// means CGO crept in and the binary would not start there.
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Fatal("the binary in the image is dynamically linked (has PT_INTERP); build it with CGO_ENABLED=0")
			}
		}
		extracted := filepath.Join(t.TempDir(), "cerberus")
		copyFile(t, bin, extracted)
		if out := run(t, "", extracted, "version"); !strings.Contains(out, version) {
			t.Errorf("extracted binary: `cerberus version` = %q, want it to name %s", out, version)
		}
		// Inside the image's own (otherwise empty) root and as its user:
		// chroot isolation needs no OCI runtime.
		if out := bah(t, "run", "--isolation", "chroot", ctr, "--", "/usr/local/bin/cerberus", "version"); !strings.Contains(out, version) {
			t.Errorf("in the image: `cerberus version` = %q, want it to name %s", out, version)
		}
	})

	t.Run("archive", func(t *testing.T) {
		tags := archiveTags(t, archive)
		slices.Sort(tags)
		if want := []string{image + ":latest", image + ":" + version}; !slices.Equal(tags, want) {
			t.Errorf("%s tags = %q, want %q", archive, tags, want)
		}
	})
}

// run executes name with args in dir and returns stdout, failing the test
// with the combined output when the command fails. make's job-server
// variables from an enclosing `make test` are dropped: their descriptors
// are not inherited by this process.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// archiveTags reads the RepoTags of a docker-archive (docker save format).
func archiveTags(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			t.Fatalf("%s has no manifest.json", path)
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Name != "manifest.json" {
			continue
		}
		var m []struct{ RepoTags []string }
		if err := json.NewDecoder(tr).Decode(&m); err != nil {
			t.Fatal(err)
		}
		var tags []string
		for _, e := range m {
			tags = append(tags, e.RepoTags...)
		}
		return tags
	}
}
