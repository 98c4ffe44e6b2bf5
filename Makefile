# Cerberus — the two commands a person needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/cerberus
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/cerberus-iam/cerberus/internal/buildinfo.version=$(VERSION)
# Test artifacts (screenshots, logs) land here; `make test` prints the path.
ARTIFACTS ?= $(CURDIR)/.artifacts

.PHONY: all build run test lint deps fmt generate image image-context bench

all: build

## build: compile the static binary into bin/cerberus
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/cerberus

## run: start Cerberus in dev mode (managed Postgres, demo config, an echo upstream behind the proxy, Mailpit for its mail), create the OAuth2 demo client with the CLI and print its URLs
# Mailpit (pinned in go.mod as a go tool) catches the demo's mail: the first
# build takes a few minutes, later ones come from the build cache.
MAILPIT_SMTP ?= 127.0.0.1:1025
MAILPIT_UI   ?= 127.0.0.1:8025
run: build
	@./scripts/install-test-deps.sh --only postgresql
	@$(GO) build -o bin/echo ./deploy/examples/echo
	@echo "Building Mailpit (the demo's mail catcher; the first build takes a few minutes)..."
	@$(GO) build -o bin/mailpit github.com/axllent/mailpit
	@./bin/echo & echo=$$!; \
	./bin/mailpit --smtp $(MAILPIT_SMTP) --listen $(MAILPIT_UI) --disable-version-check --quiet & mailpit=$$!; \
	./$(BIN) serve --dev --config deploy/examples/dev.yaml & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server; kill $$echo $$mailpit 2>/dev/null' EXIT INT TERM; \
	echo "Mailpit: verification and recovery mails land at http://$(MAILPIT_UI)/ (SMTP $(MAILPIT_SMTP))"; \
	scripts/demo-client.sh ./$(BIN) || true; \
	wait $$server

## deps: install what the tests need when missing (PostgreSQL server, Chromium, nginx, buildah, wrk)
deps:
	@./scripts/install-test-deps.sh buildah wrk chromium nginx

## test: lint, then every test, against real Postgres
test: deps lint
	@mkdir -p $(ARTIFACTS)
	CERBERUS_TEST_ARTIFACTS=$(ARTIFACTS) $(GO) test -count=1 -timeout 20m ./...
	@echo "Test artifacts: $(ARTIFACTS)"

## generate: regenerate the templ pages (ui/*_templ.go; committed)
generate:
	$(GO) tool templ generate -path ui

## lint: gofmt check and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Container image (deploy/Dockerfile), built without a Docker daemon and
# without network by Debian's buildah, as root. What makes it work here:
#   --storage-driver vfs  plain directory copies: no overlayfs or fuse, which
#                         sandboxes and CI containers often lack
#   --isolation chroot    no OCI runtime (runc/crun) is needed; the Dockerfile
#                         has no RUN step, so nothing executes during the build
#   --pull=never          FROM scratch: nothing to pull, and never try
# `--network none` is refused by buildah together with --isolation chroot; it
# is moot anyway, as no step runs a process. --timestamp pins every file time
# and the creation date to the last commit, so the same commit gives the same
# layer. The result is tagged $(IMAGE):$(VERSION) and :latest in buildah's
# store and written, with both tags, to $(IMAGE_ARCHIVE) for `docker load -i`
# or `podman load -i` (deploy/docker-compose.yml uses $(IMAGE):latest).
IMAGE             ?= localhost/cerberus
IMAGE_DIR         ?= bin/image
IMAGE_ARCHIVE     ?= bin/cerberus-image.tar
BUILDAH           ?= buildah --storage-driver vfs
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
CA_BUNDLE         := /etc/ssl/certs/ca-certificates.crt

## image-context: lay out the image's file system in $(IMAGE_DIR)/rootfs (for docker build)
image-context: build
	@./scripts/install-test-deps.sh --only ca-certificates
	@[ -s $(CA_BUNDLE) ] || { echo "make image: $(CA_BUNDLE) is missing and the ca-certificates package could not be installed" >&2; exit 1; }
	rm -rf $(IMAGE_DIR)
	mkdir -p $(IMAGE_DIR)/rootfs/etc/ssl/certs $(IMAGE_DIR)/rootfs/usr/local/bin $(IMAGE_DIR)/rootfs/tmp
	chmod 1777 $(IMAGE_DIR)/rootfs/tmp
	install -m 0644 deploy/image/etc/passwd deploy/image/etc/group $(IMAGE_DIR)/rootfs/etc/
	install -m 0644 $(CA_BUNDLE) $(IMAGE_DIR)/rootfs/etc/ssl/certs/ca-certificates.crt
	install -m 0755 $(BIN) $(IMAGE_DIR)/rootfs/usr/local/bin/cerberus

## image: build the container image with buildah (root, no daemon, no network)
image: image-context
	@./scripts/install-test-deps.sh --only buildah
	@command -v buildah >/dev/null 2>&1 || { echo "make image: buildah is missing and scripts/install-test-deps.sh could not install it (Debian/Ubuntu: apt-get install buildah)" >&2; exit 1; }
	$(BUILDAH) bud --isolation chroot --pull=never --timestamp $(SOURCE_DATE_EPOCH) \
		--build-arg VERSION=$(VERSION) -f deploy/Dockerfile \
		-t $(IMAGE):$(VERSION) -t $(IMAGE):latest $(IMAGE_DIR)
	rm -f $(IMAGE_ARCHIVE)
	$(BUILDAH) push --quiet $(IMAGE):$(VERSION) docker-archive:$(IMAGE_ARCHIVE):$(IMAGE):latest
	@echo "Image $(IMAGE):$(VERSION) built; archive $(IMAGE_ARCHIVE) (docker load -i $(IMAGE_ARCHIVE))"

## bench: measure a fresh `cerberus serve` with wrk (BENCH_DURATION=3s BENCH_RUN=regexp; see bench/doc.go)
bench: build
	@./scripts/install-test-deps.sh --only postgresql wrk
	@command -v wrk >/dev/null 2>&1 || { echo "make bench: wrk is missing and scripts/install-test-deps.sh could not install it (Debian/Ubuntu: apt-get install wrk)" >&2; exit 1; }
	$(GO) run ./bench
