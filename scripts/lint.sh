#!/usr/bin/env bash
# Static checks, as `make lint` and scripts/test.sh run them (before the Go
# tests): gofmt -l must list nothing, and golangci-lint (pinned, built once
# into the tools cache by scripts/tools.sh) must be clean with .golangci.yml:
# the layer rules (depguard), staticcheck, errcheck, govet, goimports.
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "lint: gofmt -l lists files that are not formatted (run gofmt -w):" >&2
  echo "$unformatted" >&2
  exit 1
fi
echo "lint: gofmt -l: clean"

lint=$(scripts/tools.sh golangci-lint)
"$lint" run --allow-parallel-runners ./...
echo "lint: golangci-lint $("$lint" version --short 2>/dev/null || true): clean"
