#!/usr/bin/env bash
# `make bench-exec`: ctl exec vs kubectl exec on the sandbox, side by side.
# Uses the sandbox named by CTL_SANDBOX_ENV, else starts (and stops) one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CTL_SANDBOX_ENV:-}" ]; then
  scripts/sandbox/build.sh >/dev/null
  state=$(mktemp -d /tmp/ctl-bench-exec.XXXXXX)
  trap 'scripts/sandbox/down.sh "$state" --purge >/dev/null 2>&1 || true' EXIT
  scripts/sandbox/up.sh "$state" >/dev/null
  export CTL_SANDBOX_ENV=$state/env
fi
go run ./scripts/bench-exec -ctl bin/ctl "$@"
