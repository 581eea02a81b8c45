#!/usr/bin/env bash
# Prints the path of a pinned build tool, building it first when it is not
# in the cache (~/.cache/ctl-tools/<tool>-<version>/, or $CTL_TOOLS_CACHE).
#   scripts/tools.sh goreleaser
#   scripts/tools.sh golangci-lint
#   scripts/tools.sh stern
set -euo pipefail
GORELEASER_VERSION=v2.15.1
GOLANGCI_LINT_VERSION=v2.15.0
# stern: make bench-logs runs ctl logs side by side with it.
STERN_VERSION=v1.33.0

cache="${CTL_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ctl-tools}"
case "${1:-}" in
  goreleaser)
    dir="$cache/goreleaser-$GORELEASER_VERSION"
    if [ ! -x "$dir/goreleaser" ]; then
      echo "tools: building goreleaser $GORELEASER_VERSION into $dir (once; a few minutes on 2 cores)" >&2
      mkdir -p "$dir.tmp"
      GOBIN="$dir.tmp" GOFLAGS=-trimpath go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION" >&2
      rm -rf "$dir" && mv "$dir.tmp" "$dir"
    fi
    echo "$dir/goreleaser"
    ;;
  golangci-lint)
    dir="$cache/golangci-lint-$GOLANGCI_LINT_VERSION"
    if [ ! -x "$dir/golangci-lint" ]; then
      echo "tools: building golangci-lint $GOLANGCI_LINT_VERSION into $dir (once; a few minutes on 2 cores)" >&2
      mkdir -p "$dir.tmp"
      GOBIN="$dir.tmp" GOFLAGS=-trimpath go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION" >&2
      rm -rf "$dir" && mv "$dir.tmp" "$dir"
    fi
    echo "$dir/golangci-lint"
    ;;
  stern)
    dir="$cache/stern-$STERN_VERSION"
    if [ ! -x "$dir/stern" ]; then
      echo "tools: building stern $STERN_VERSION into $dir (once)" >&2
      mkdir -p "$dir.tmp"
      GOBIN="$dir.tmp" GOFLAGS=-trimpath go install "github.com/stern/stern@$STERN_VERSION" >&2
      rm -rf "$dir" && mv "$dir.tmp" "$dir"
    fi
    echo "$dir/stern"
    ;;
  *)
    echo "usage: scripts/tools.sh goreleaser|golangci-lint|stern" >&2
    exit 2
    ;;
esac
