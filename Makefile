# ctl — see README.md. The two set-up commands: `make demo` and `make test`.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
PKG     := github.com/ctlops/ctl/internal/build
LDFLAGS := -s -w -X $(PKG).Version=$(VERSION) -X $(PKG).Commit=$(COMMIT) -X $(PKG).Date=$(DATE)
GO      ?= go

.PHONY: all build demo test lint deps bench bench-audit bench-exec bench-status bench-doctor bench-ssh bench-db bench-logs bench-live-audit bench-run fuzz docs completions snapshot release-check clean

all: build

build: ## build bin/ctl
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/ ./cmd/ctl

deps: ## install what the tests and the demo need (Debian packages; idempotent)
	scripts/test-deps.sh

demo: deps build ## build ctl and show its main job on the embedded local environment
	scripts/demo.sh

test: ## install test dependencies, start the test Postgres, run the linters and every test
	scripts/test.sh

lint: ## gofmt -l and golangci-lint (pinned v2.15.0, built once into ~/.cache/ctl-tools): layer rules, staticcheck, errcheck, goimports
	scripts/lint.sh

bench: build ## start-up figures: ctl vs kubectl, side by side
	$(GO) run ./scripts/startbench -ctl bin/ctl
	$(GO) test -run '^$$' -bench . -benchtime 100x ./cmd/ctl/

bench-audit: build ## ctl audit vs manage.py check --deploy, side by side
	$(GO) run ./scripts/bench-audit

bench-exec: build ## ctl exec vs kubectl exec on the sandbox, side by side
	scripts/bench-exec.sh

bench-doctor: ## ctl doctor on ten environments (one unreachable) on the sandbox: wall time vs the slowest check
	$(GO) test -run '^$$' -bench DoctorTenEnvironments -benchtime 5x ./checks/doctor/

bench-db: ## ctl db dump vs plain pg_dump -Fc through the same ssh tunnel, side by side, at ~30 MB and ~300 MB: throughput and ctl's peak RSS (needs the rig: scripts/pg-rig.sh)
	$(GO) test -run '^$$' -bench BenchmarkDBDump -benchtime 1x -count 1 -timeout 30m ./cmd/db/

fuzz: ## fuzz every target for FUZZTIME (default 10s)
	scripts/fuzz.sh

docs: ## regenerate docs/reference and docs/man from the command tree
	$(GO) run ./cmd/gen-docs --doc-path docs/reference --man-path docs/man

completions: ## write the bash, zsh and fish completion scripts into completions/
	scripts/completions.sh completions

snapshot: ## local release build of every platform into dist/ (pinned goreleaser, built once into ~/.cache)
	$$(scripts/tools.sh goreleaser) release --snapshot --clean

release-check: ## what CI checks: goreleaser check, a 2-platform snapshot, archive/package contents, installed ctl runs
	scripts/release-check.sh

clean:
	rm -rf bin dist completions

# ---- Kubernetes sandbox: a real control plane on 127.0.0.1 (docs/sandbox.md) ----
SANDBOX_STATE ?= /tmp/ctl-sandbox

.PHONY: sandbox-build sandbox-up sandbox-down sandbox-demo

sandbox-build: ## build etcd, kube-apiserver, controller-manager, scheduler, kwok into ~/.cache (~15 min cold, then a no-op)
	scripts/sandbox/build.sh

sandbox-up: sandbox-build ## start the sandbox in SANDBOX_STATE; then: . $(SANDBOX_STATE)/env
	scripts/sandbox/up.sh $(SANDBOX_STATE)

sandbox-down: ## stop the sandbox and delete SANDBOX_STATE
	scripts/sandbox/down.sh $(SANDBOX_STATE) --purge

sandbox-demo: sandbox-build build ## the sandbox with myapp in myapp-qa and myapp-prod, ctl status and exec on it
	scripts/sandbox/demo.sh $(SANDBOX_STATE)

bench-status: build ## ctl status at 1,000 environments × 3 Deployments × 2 pods on the sandbox (creates and deletes them)
	$(GO) run ./scripts/bench-status -ctl bin/ctl -n 1000

bench-logs: build ## ctl logs -f vs stern (scripts/tools.sh stern) on the sandbox: throughput of 20 fast pods, first line after Ready, RSS at 50 pods
	$(GO) run ./scripts/bench-logs -ctl bin/ctl -stern "$$(scripts/tools.sh stern)"

bench-live-audit: ## ctl audit ENV, three layers on the sandbox (gunicorn over TLS for HTTP): wall time per layer and HTTP requests against the 2 s / 20 requests budget
	scripts/bench-live-audit.sh

bench-run: build ## ctl run vs kubectl run --rm -i (median of 10) and crash-loop detection of ctl restart vs kubectl rollout status, on the sandbox
	$(GO) run ./scripts/bench-run -ctl bin/ctl -kubectl /usr/bin/kubectl

bench-ssh: ## ctl exec --all on 4 real sshd hosts (loopback) vs 4 serial --host runs, with and without ControlMaster
	$(GO) test -run '^$$' -bench BenchmarkSSHExec -benchtime 3x -count 1 ./targets/ssh/
