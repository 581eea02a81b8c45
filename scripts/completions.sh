#!/usr/bin/env bash
# Writes ctl's shell completion scripts into DIR (default: completions/),
# for the release archives and packages. The front answers `completion`
# itself, so this builds only cmd/ctl.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-completions}"
mkdir -p "$dir"
go run ./cmd/ctl completion bash >"$dir/ctl.bash"
go run ./cmd/ctl completion zsh >"$dir/_ctl"
go run ./cmd/ctl completion fish >"$dir/ctl.fish"
