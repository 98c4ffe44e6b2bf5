# Cerberus — the two commands a person needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/cerberus
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/cerberus-iam/cerberus/internal/buildinfo.version=$(VERSION)
# Test artifacts (screenshots, logs) land here; `make test` prints the path.
ARTIFACTS ?= $(CURDIR)/.artifacts

.PHONY: all build run test lint deps fmt

all: build

## build: compile the static binary into bin/cerberus
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/cerberus

## run: start Cerberus in dev mode (managed Postgres, demo config) and print its URLs
run: build
	./$(BIN) serve --dev --config deploy/examples/dev.yaml

## deps: install what the tests need when missing (PostgreSQL server, Chromium, nginx, buildah)
deps:
	@./scripts/install-test-deps.sh

## test: every test, against real Postgres
test: deps
	@mkdir -p $(ARTIFACTS)
	CERBERUS_TEST_ARTIFACTS=$(ARTIFACTS) $(GO) test -count=1 -timeout 20m ./...
	@echo "Test artifacts: $(ARTIFACTS)"

## lint: gofmt check and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')
