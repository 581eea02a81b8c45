#!/usr/bin/env bash
# Times `ctl audit ENV` with its three layers on the sandbox
# (BenchmarkLiveAudit in cmd/audit): static with the values of a Secret
# read through the API, manage.py check --deploy through the exec, and the
# HTTP probes of the example project served by Debian's gunicorn over TLS
# on 127.0.0.1. Budget: 2 s for the whole run, 20 HTTP requests.
#
# Needs the sandbox (CTL_SANDBOX_ENV, scripts/sandbox/up.sh) and the
# PostgreSQL rig (CTL_TEST_PG_DSN, scripts/pg-rig.sh); starts neither.
#
#   scripts/bench-live-audit.sh [RUNS]     (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
if [ -z "${CTL_SANDBOX_ENV:-}" ] || [ -z "${CTL_TEST_PG_DSN:-}" ]; then
  echo "bench-live-audit: needs CTL_SANDBOX_ENV (scripts/sandbox/up.sh DIR) and the pg rig's env (scripts/pg-rig.sh start DIR)" >&2
  exit 2
fi
export CI=true # a missing component fails instead of skipping
go test -run '^$' -bench '^BenchmarkLiveAudit$' -benchtime "${runs}x" -count 1 ./cmd/audit/ 2>&1 |
  grep -E '^(live audit|BenchmarkLiveAudit|ok|FAIL|---|\s+live_bench)' || true
