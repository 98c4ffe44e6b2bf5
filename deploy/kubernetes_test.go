package deploy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/cerberus-iam/cerberus/internal/testbin"
)

// object is a rendered Kubernetes object, with the fields the checks read.
type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Data map[string]string `json:"data"`
	Spec struct {
		// Service
		Ports []struct {
			Name       string `json:"name"`
			Port       int    `json:"port"`
			TargetPort string `json:"targetPort"`
		} `json:"ports"`
		// Deployment
		Template struct {
			Spec podSpec `json:"spec"`
		} `json:"template"`
		// Cluster (CloudNativePG)
		Bootstrap struct {
			Initdb struct {
				Database, Owner string
			} `json:"initdb"`
		} `json:"bootstrap"`
	} `json:"spec"`
}

type podSpec struct {
	SecurityContext struct {
		RunAsNonRoot bool `json:"runAsNonRoot"`
		RunAsUser    int  `json:"runAsUser"`
	} `json:"securityContext"`
	InitContainers []container `json:"initContainers"`
	Containers     []container `json:"containers"`
	Volumes        []struct {
		Name      string `json:"name"`
		ConfigMap *struct {
			Name string `json:"name"`
		} `json:"configMap"`
	} `json:"volumes"`
}

// probe is an HTTP probe on a named port.
type probe struct {
	HTTPGet struct {
		Path string `json:"path"`
		Port string `json:"port"`
	} `json:"httpGet"`
}

type container struct {
	Name  string   `json:"name"`
	Image string   `json:"image"`
	Args  []string `json:"args"`
	Env   []struct {
		Name      string `json:"name"`
		Value     string `json:"value"`
		ValueFrom *struct {
			SecretKeyRef *struct{ Name, Key string } `json:"secretKeyRef"`
		} `json:"valueFrom"`
	} `json:"env"`
	Ports []struct {
		Name          string `json:"name"`
		ContainerPort int    `json:"containerPort"`
	} `json:"ports"`
	ReadinessProbe *probe `json:"readinessProbe"`
	LivenessProbe  *probe `json:"livenessProbe"`
	VolumeMounts   []struct {
		Name      string `json:"name"`
		MountPath string `json:"mountPath"`
	} `json:"volumeMounts"`
}

// TestKubernetes renders the base and every overlay with kustomize (the
// library kubectl embeds) and checks what a cluster would be handed: the
// probes, ports and volumes line up, secrets come from Secrets, the
// migration runs before the server, and the embedded config passes
// `cerberus config validate` with the environment the pod gets.
func TestKubernetes(t *testing.T) {
	for _, dir := range []string{"kubernetes/base", "kubernetes/overlays/cloudnative-pg"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			objs := render(t, dir)
			dep := find(t, objs, "Deployment", "cerberus")
			pod := dep.Spec.Template.Spec
			checkPod(t, pod)
			checkService(t, find(t, objs, "Service", "cerberus"), pod.Containers[0])
			checkConfig(t, objs, pod)

			if strings.Contains(dir, "cloudnative-pg") {
				cluster := find(t, objs, "Cluster", "cerberus-db")
				if cluster.APIVersion != "postgresql.cnpg.io/v1" || cluster.Spec.Bootstrap.Initdb.Database == "" {
					t.Errorf("Cluster: apiVersion %q, initdb %+v", cluster.APIVersion, cluster.Spec.Bootstrap.Initdb)
				}
				// CloudNativePG writes the application's connection URL to
				// the Secret <cluster>-app, key uri.
				for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
					if ref := secretRef(c, "DSN"); ref != "cerberus-db-app/uri" {
						t.Errorf("%s: DSN from %q, want the Cluster's cerberus-db-app/uri", c.Name, ref)
					}
				}
			}
		})
	}
}

func render(t *testing.T, dir string) []object {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	res, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out, err := res.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	var objs []object
	for _, doc := range strings.Split(string(out), "\n---\n") {
		var o object
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			t.Fatalf("rendered %s: %v", dir, err)
		}
		objs = append(objs, o)
	}
	return objs
}

func find(t *testing.T, objs []object, kind, namePrefix string) object {
	t.Helper()
	for _, o := range objs {
		if o.Kind == kind && strings.HasPrefix(o.Metadata.Name, namePrefix) {
			return o
		}
	}
	t.Fatalf("no %s %s among the rendered objects", kind, namePrefix)
	return object{}
}

func checkPod(t *testing.T, pod podSpec) {
	t.Helper()
	if !pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser != 65532 {
		t.Errorf("pod security context %+v, want runAsNonRoot as the image's user 65532", pod.SecurityContext)
	}
	if len(pod.Containers) != 1 || len(pod.InitContainers) != 1 {
		t.Fatalf("want one init container (migrate) and one container (serve), got %d and %d",
			len(pod.InitContainers), len(pod.Containers))
	}
	migrate, serve := pod.InitContainers[0], pod.Containers[0]
	if !slices.Equal(migrate.Args[:2], []string{"migrate", "up"}) || serve.Args[0] != "serve" {
		t.Errorf("init container runs %q, container runs %q; want migrate up, then serve", migrate.Args, serve.Args)
	}
	if migrate.Image != serve.Image {
		t.Errorf("migrate runs %s but serve runs %s", migrate.Image, serve.Image)
	}
	for _, c := range []container{migrate, serve} {
		if secretRef(c, "DSN") == "" {
			t.Errorf("%s: DSN does not come from a Secret", c.Name)
		}
	}
	for _, name := range []string{"SECRETS_SYSTEM_0", "SECRETS_COOKIE_0"} {
		if secretRef(serve, name) == "" {
			t.Errorf("serve: %s does not come from a Secret", name)
		}
	}
	ports := map[string]int{}
	for _, p := range serve.Ports {
		ports[p.Name] = p.ContainerPort
	}
	want := map[string]int{"public": 4433, "admin": 4434, "proxy": 4455, "api": 4456}
	for name, port := range want {
		if ports[name] != port {
			t.Errorf("container port %s = %d, want %d", name, ports[name], port)
		}
	}
	for path, p := range map[string]*probe{"/health/ready": serve.ReadinessProbe, "/health/alive": serve.LivenessProbe} {
		if p == nil || p.HTTPGet.Path != path || want[p.HTTPGet.Port] == 0 {
			t.Errorf("probe for %s: %+v, want it on a named listener port", path, p)
		}
	}
}

func checkService(t *testing.T, svc object, serve container) {
	t.Helper()
	named := map[string]bool{}
	for _, p := range serve.Ports {
		named[p.Name] = true
	}
	var got []string
	for _, p := range svc.Spec.Ports {
		got = append(got, p.Name)
		if !named[p.TargetPort] {
			t.Errorf("Service port %s targets %q, which the container does not name", p.Name, p.TargetPort)
		}
	}
	slices.Sort(got)
	if want := []string{"admin", "api", "proxy", "public"}; !slices.Equal(got, want) {
		t.Errorf("Service ports %q, want %q", got, want)
	}
}

// checkConfig finds the config file the containers are told to read, in
// the ConfigMap mounted there, and validates it with the pod's environment
// (Secret values replaced by test values).
func checkConfig(t *testing.T, objs []object, pod podSpec) {
	t.Helper()
	serve := pod.Containers[0]
	path := flagValue(serve.Args, "--config")
	var cmName string
	for _, m := range serve.VolumeMounts {
		if strings.HasPrefix(path, strings.TrimSuffix(m.MountPath, "/")+"/") {
			for _, v := range pod.Volumes {
				if v.Name == m.Name && v.ConfigMap != nil {
					cmName = v.ConfigMap.Name
				}
			}
		}
	}
	if cmName == "" {
		t.Fatalf("no ConfigMap volume is mounted where --config %s points", path)
	}
	var cm object
	for _, o := range objs {
		if o.Kind == "ConfigMap" && o.Metadata.Name == cmName {
			cm = o
		}
	}
	content, ok := cm.Data[filepath.Base(path)]
	if !ok {
		t.Fatalf("ConfigMap %s has no key %s (the generated name must match the volume's)", cmName, filepath.Base(path))
	}
	file := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, e := range serve.Env {
		v := e.Value
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			v = "k8s-test-secret-value-0123456789abcdef"
			if e.Name == "DSN" {
				v = "postgres://cerberus:secret@cerberus-db-rw:5432/cerberus"
			}
		}
		kv := e.Name + "=" + v
		if !changesConfig(t, file, kv) {
			t.Errorf("the Deployment sets %s, which matches no configuration key", e.Name)
		}
		env = append(env, kv)
	}
	out, code := testbin.Run(t, context.Background(), env, "config", "validate", "--config", file)
	if code != 0 {
		t.Errorf("cerberus config validate with the ConfigMap and the pod's environment: exit %d\n%s", code, out)
	}
}

// secretRef returns "secret/key" when env var name comes from a Secret.
func secretRef(c container, name string) string {
	for _, e := range c.Env {
		if e.Name == name && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			return e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		}
	}
	return ""
}
