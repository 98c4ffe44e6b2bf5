// Package deploy holds what runs Cerberus outside a developer's machine,
// and the tests that keep it honest. It has no Go code of its own:
//
//   - Dockerfile, image/: the container image (FROM scratch: the static
//     binary, CA certificates, user 65532). `make image` builds it with
//     buildah; image_test.go builds it the same way into a private store and
//     checks the entrypoint, the user, the ports, the files, and that the
//     binary inside answers `version`.
//   - docker-compose.yml, compose/: Postgres, Cerberus (--migrate) and
//     Mailpit for one machine; compose_test.go checks that the mounted config
//     and every environment variable the file sets mean something to
//     `cerberus config validate`.
//   - kubernetes/: a kustomize base (Deployment with a migrate init
//     container, Service, PodDisruptionBudget, ServiceAccount, the config as
//     a generated ConfigMap, secrets from a Secret) and an overlay running
//     Postgres with CloudNativePG; kubernetes_test.go renders both with the
//     kustomize library, follows the references between the objects and
//     validates the embedded config with the pod's environment.
//   - examples/: configs for `make run` and for trying features.
//
// Neighbours: cmd/cerberus (the binary every file here runs), the Makefile
// (image, image-context), scripts/install-test-deps.sh (buildah).
package deploy
