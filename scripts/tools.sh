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

# tool NAME VERSION MODULE: builds MODULE@VERSION once into
# $cache/NAME-VERSION/ (a temp dir renamed when complete) and prints the path.
tool() {
  local name=$1 version=$2 module=$3
  local dir="$cache/$name-$version"
  if [ ! -x "$dir/$name" ]; then
    echo "tools: building $name $version into $dir (once; a few minutes on 2 cores)" >&2
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    GOBIN="$dir.tmp" GOFLAGS=-trimpath go install "$module@$version" >&2
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir/$name"
}

case "${1:-}" in
  goreleaser) tool goreleaser "$GORELEASER_VERSION" github.com/goreleaser/goreleaser/v2 ;;
  golangci-lint) tool golangci-lint "$GOLANGCI_LINT_VERSION" github.com/golangci/golangci-lint/v2/cmd/golangci-lint ;;
  stern) tool stern "$STERN_VERSION" github.com/stern/stern ;;
  *)
    echo "usage: scripts/tools.sh goreleaser|golangci-lint|stern" >&2
    exit 2
    ;;
esac
