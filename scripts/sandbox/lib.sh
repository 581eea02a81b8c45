# shellcheck shell=bash
# Shared by the sandbox scripts (sourced, not run). Pins the versions and
# knows where things live; see docs/sandbox.md.

SBX_K8S_VERSION=v1.37.2  # kube-apiserver, kube-controller-manager, kube-scheduler
SBX_ETCD_VERSION=v3.7.0  # what k8s 1.37 requires; Debian's 3.4 breaks client-go >= 0.35 watches
SBX_KWOK_VERSION=v0.8.0  # fake node and pod lifecycle
SBX_BINS="etcd kube-apiserver kube-controller-manager kube-scheduler kwok"

# shellcheck disable=SC2034 # used by the scripts that source this
SBX_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Debian's python: a pyenv shim on PATH can take seconds to start.
SBX_PY=/usr/bin/python3
[ -x "$SBX_PY" ] || SBX_PY=python3
SBX_DEFAULT_STATE=${CTL_SANDBOX_STATE:-/tmp/ctl-sandbox}

# Directory of one version set's build: binaries in bin/, a stamp in
# bin/.complete. CTL_SANDBOX_BIN points at a ready-made bin dir instead.
sbx_version_dir() {
  local gov
  gov=$(go env GOVERSION) || return 1
  echo "${CTL_SANDBOX_CACHE:-$HOME/.cache/ctl-sandbox}/k8s-$SBX_K8S_VERSION-etcd-$SBX_ETCD_VERSION-kwok-$SBX_KWOK_VERSION-$gov"
}

sbx_bin_dir() {
  if [ -n "${CTL_SANDBOX_BIN:-}" ]; then
    echo "$CTL_SANDBOX_BIN"
  else
    echo "$(sbx_version_dir)/bin"
  fi
}

# True when every binary is there (and, in the cache, the build finished).
sbx_bins_ready() {
  local bin=$1 b
  for b in $SBX_BINS; do [ -x "$bin/$b" ] || return 1; done
  [ -n "${CTL_SANDBOX_BIN:-}" ] || [ -f "$bin/.complete" ]
}

# Where the kwok module (its stage and CRD YAML) is in the module cache.
sbx_kwok_dir() {
  local d
  d=$(cd / && GOFLAGS='' go mod download -json "sigs.k8s.io/kwok@$SBX_KWOK_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [ -n "$d" ] && [ -d "$d/kustomize" ] || return 1
  echo "$d"
}

# Absolute state dir, refusing names the scripts would mangle.
sbx_state_dir() {
  local s=${1:-$SBX_DEFAULT_STATE}
  # shellcheck disable=SC1003
  case "$s" in
    *[[:space:]]* | *"'"* | *'"'* | *'\'* | *'$'*) echo "state dir must not contain spaces or quotes: $s" >&2; return 1 ;;
  esac
  mkdir -p "$s" && (cd "$s" && pwd)
}

sbx_now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# Milliseconds as seconds with one decimal.
sbx_secs() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# Reads STATE/sandbox.vars (written by up.sh): SBX_API, SBX_PKI, ports.
sbx_load_state() {
  local s=$1
  [ -f "$s/sandbox.vars" ] || { echo "no sandbox in $s (run scripts/sandbox/up.sh $s)" >&2; return 1; }
  # shellcheck disable=SC1091
  . "$s/sandbox.vars"
}

# sbx_api METHOD PATH [curl args...]: the API server as the admin user.
# Prints the response body; fails (printing the body to stderr) unless 2xx.
sbx_api() {
  local method=$1 path=$2 out code
  shift 2
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' --max-time 20 \
    --cacert "$SBX_PKI/ca.crt" --cert "$SBX_PKI/admin.crt" --key "$SBX_PKI/admin.key" \
    -X "$method" "$@" "$SBX_API$path") || code=000
  if [ "${code:0:1}" != 2 ]; then
    echo "$method $path: HTTP $code: $(head -c 600 "$out")" >&2
    rm -f "$out"
    return 1
  fi
  cat "$out"
  rm -f "$out"
}

# sbx_apply PATH < YAML: server-side apply (create or update) of one object
# at its own API path, e.g. /api/v1/namespaces/demo/secrets/db. Quiet.
sbx_apply() {
  sbx_api PATCH "$1?fieldManager=ctl-sandbox&force=true" \
    -H 'Content-Type: application/apply-patch+yaml' --data-binary @- >/dev/null
}

# sbx_pods_ready NS SELECTOR: how many pods matching SELECTOR are Ready.
sbx_pods_ready() {
  sbx_api GET "/api/v1/namespaces/$1/pods?labelSelector=$2" | "$SBX_PY" -c '
import json, sys
pods = json.load(sys.stdin)["items"]
print(sum(1 for p in pods if p["metadata"].get("deletionTimestamp") is None and any(
    c["type"] == "Ready" and c["status"] == "True" for c in p.get("status", {}).get("conditions", []))))'
}

# sbx_start STATE NAME CMD...: CMD in the background, in its own session
# and process group (PID = PGID), output to STATE/logs/NAME.log, PID in
# STATE/run/NAME.pid.
sbx_start() {
  local s=$1 name=$2
  shift 2
  setsid "$@" >"$s/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$s/run/$name.pid"
}

# sbx_alive STATE NAME: the recorded process runs and is this sandbox's
# (its command line names STATE/: PIDs get reused). For processes another
# run started (up.sh's "already running" check, down.sh).
sbx_alive() {
  local pid
  pid=$(cat "$1/run/$2.pid" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$1/"
}

# sbx_running STATE NAME: the process this shell started with sbx_start
# still runs (and is not a zombie). It must not ask, as sbx_alive does,
# that the command line names STATE/: until the forked child has exec'd
# setsid and the component, its command line is this script's, and a
# component still starting would be reported dead (up.sh then stopped a
# fakekubelet that was about to serve).
sbx_running() {
  local pid st
  pid=$(cat "$1/run/$2.pid" 2>/dev/null) || return 1
  st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "${st%% *}" != Z ]
}

# sbx_waitfor STATE NAME WHAT TIMEOUT CMD...: poll CMD every 0.1 s until it
# succeeds; return 1 with a message on stderr when NAME (started by this
# shell) is gone or TIMEOUT seconds have passed.
sbx_waitfor() {
  local s=$1 name=$2 what=$3 limit=$4 end
  shift 4
  end=$(($(sbx_now_ms) + limit * 1000))
  until "$@" >/dev/null 2>&1; do
    if ! sbx_running "$s" "$name"; then
      echo "$name exited while waiting for $what" >&2
      return 1
    fi
    if [ "$(sbx_now_ms)" -ge "$end" ]; then
      echo "timed out after ${limit}s waiting for $what" >&2
      return 1
    fi
    sleep 0.1
  done
}

# sbx_until SECONDS DESCRIPTION CMD...: retry CMD every 0.2 s; fail with
# DESCRIPTION when it has not succeeded in time.
sbx_until() {
  local limit=$1 what=$2 end
  shift 2
  end=$(($(sbx_now_ms) + limit * 1000))
  until "$@" >/dev/null 2>&1; do
    if [ "$(sbx_now_ms)" -ge "$end" ]; then
      echo "timed out after ${limit}s waiting for $what" >&2
      return 1
    fi
    sleep 0.2
  done
}
