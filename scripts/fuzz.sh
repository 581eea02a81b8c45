#!/usr/bin/env bash
# Runs every Go fuzz target for FUZZTIME (default 10s) each. New crashers
# land in the package's testdata/fuzz and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-10s}"
status=0
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^.*func (Fuzz[A-Za-z0-9_]+)\(.*/\1/' <<<"$line")
  pkg="$(dirname "$file")"
  echo "fuzz: $pkg $name ($FUZZTIME)"
  log="/tmp/ctl-fuzz-$name.log"
  # Interesting inputs are minimized for at most FUZZMINIMIZE executions:
  # the default (60 s each) stalls the run on a large seed.
  if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime="${FUZZMINIMIZE:-50x}" "$pkg" >"$log" 2>&1; then
    if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"; then
      # cmd/go reports its own deadline when -fuzztime ends while a worker is
      # mid-input ; no input failed, so it is not a finding.
      echo "fuzz: $name: stopped at the deadline, no failing input"
      continue
    fi
    cat "$log"
    status=1
  else
    grep -E 'execs:' "/tmp/ctl-fuzz-$name.log" | tail -n 1 || true
  fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . | sort)
exit $status
