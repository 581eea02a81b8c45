#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it:
#   1. install what the tests need from Debian (idempotent),
#   2. build the Kubernetes sandbox's control plane (cached by version under
#      ~/.cache/ctl-sandbox: ~15 min the first time on 2 cores, <1 s after),
#   3. start a throwaway PostgreSQL and the sandbox, both on 127.0.0.1,
#   4. run the static checks (scripts/lint.sh: gofmt -l, golangci-lint with the
#      layer rules), every Go test with the race detector, then a bounded fuzzing pass
#      and the packaging check (goreleaser snapshot, archive contents),
#   5. stop both, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/test-deps.sh

# Static checks first: a formatting slip or a layer violation fails in
# seconds, before the long run (the linter is built once into the cache).
scripts/lint.sh

t0=$(date +%s)
scripts/sandbox/build.sh >/dev/null
echo "sandbox: control plane binaries ready ($(( $(date +%s) - t0 ))s)"

rig=$(mktemp -d /tmp/ctl-test.XXXXXX)
chmod 755 "$rig" # the server runs as user postgres when we are root
cleanup() {
  scripts/sandbox/down.sh "$rig/sandbox" --purge >/dev/null 2>&1 || true
  scripts/pg-rig.sh stop "$rig/pg" --purge >/dev/null 2>&1 || true
  rm -rf "$rig"
}
trap cleanup EXIT
scripts/pg-rig.sh start "$rig/pg"
set -a
# shellcheck disable=SC1091
. "$rig/pg/env"
set +a
scripts/sandbox/up.sh "$rig/sandbox" >"$rig/sandbox-up.log" 2>&1 || { cat "$rig/sandbox-up.log"; exit 1; }
tail -n 1 "$rig/sandbox-up.log"
export CTL_SANDBOX_ENV="$rig/sandbox/env"

# ctl, built once for every test package that runs it.
go build -o "$rig/bin/" ./cmd/ctl
export CTL_TEST_BIN_DIR="$rig/bin"

export CI="${CI:-}"
log="$rig/go-test.log"
status=0
go test -race -count=1 -timeout 40m ./... 2>&1 | tee "$log" || status=$?

fuzz=0
[ "$status" -ne 0 ] || FUZZTIME="${FUZZTIME:-10s}" scripts/fuzz.sh || fuzz=$?

# Packaging: goreleaser check, a snapshot, archive and package contents.
release=0
[ "$status" -ne 0 ] || scripts/release-check.sh || release=$?

# One closing line for whoever reads the end of the log: test packages.
passed=$(grep -c '^ok ' "$log" || true)
failed=$(grep -c '^FAIL[[:space:]]' "$log" || true)
echo "packages: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$fuzz" -eq 0 ] && [ "$release" -eq 0 ]
