#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it: install what the tests
# need (idempotent), start a throwaway PostgreSQL on 127.0.0.1, run every Go
# test with the race detector, then a bounded fuzzing pass.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-deps.sh

rig=$(mktemp -d /tmp/ctl-test.XXXXXX)
chmod 755 "$rig" # the server runs as user postgres when we are root
cleanup() {
  scripts/pg-rig.sh stop "$rig/pg" --purge >/dev/null 2>&1 || true
  rm -rf "$rig"
}
trap cleanup EXIT
scripts/pg-rig.sh start "$rig/pg"
set -a
# shellcheck disable=SC1091
. "$rig/pg/env"
set +a

export CI="${CI:-}"
go test -race -count=1 -timeout 30m ./...

FUZZTIME="${FUZZTIME:-10s}" scripts/fuzz.sh
