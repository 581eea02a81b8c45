#!/usr/bin/env bash
# Builds the sandbox's control plane from the Go module proxy:
#   etcd                      go.etcd.io/etcd/server/v3
#   kube-apiserver, kube-controller-manager, kube-scheduler   k8s.io/kubernetes
#   kwok                      sigs.k8s.io/kwok/cmd/kwok
# into a cache dir keyed by the versions (lib.sh) and the Go version:
#   ${CTL_SANDBOX_CACHE:-~/.cache/ctl-sandbox}/k8s-V-etcd-V-kwok-V-goV/bin
#
#   scripts/sandbox/build.sh            build if needed, print the bin dir
#   scripts/sandbox/build.sh --check    exit 1 if not built; build nothing
#
# Already built: a no-op (well under a second). Cold: ~15 min on 2 cores
# (all five in ONE go build, so the shared k8s libraries compile once; 3.7 GB
# of Go build cache, 0.8 GB of modules, 0.4 GB of binaries). With a warm Go
# build cache it only links (~1 min).
#
# Why not `go install k8s.io/kubernetes/cmd/kube-apiserver@v1.37.2`: the
# kubernetes go.mod replaces its k8s.io/* staging modules with ./staging
# paths, which go install refuses (etcd's server module does the same). So
# we write a throw-away module that requires both and pins every staging
# module to its published v0.X.Y tag.
set -euo pipefail
# shellcheck source=scripts/sandbox/lib.sh
. "$(dirname "$0")/lib.sh"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

VDIR=$(sbx_version_dir)
BIN=$VDIR/bin
if sbx_bins_ready "$BIN"; then
  echo "$BIN"
  exit 0
fi
if [ "$check" = 1 ]; then
  echo "sandbox binaries are not built in $BIN (run scripts/sandbox/build.sh; cold: ~15 min)" >&2
  exit 1
fi

log() { printf '[build %s] %s\n' "$(date +%T)" "$*" >&2; }
mkdir -p "$VDIR"
# One build per version dir at a time; a second caller waits, then finds
# the binaries there.
exec 9>"$VDIR/.lock"
if ! flock -n 9; then
  log "another build of $VDIR is running; waiting for it"
  flock 9
fi
if sbx_bins_ready "$BIN"; then
  echo "$BIN"
  exit 0
fi

export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
work=$(mktemp -d "$VDIR/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
t0=$(sbx_now_ms)
log "building k8s $SBX_K8S_VERSION, etcd $SBX_ETCD_VERSION, kwok $SBX_KWOK_VERSION with $(go env GOVERSION) in $work"

# k8s's own go.mod: its Go version and the list of staging modules.
k8s_gomod=$(cd / && GOFLAGS='' go mod download -json "k8s.io/kubernetes@$SBX_K8S_VERSION" |
  sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
[ -f "$k8s_gomod" ] || { log "cannot download k8s.io/kubernetes@$SBX_K8S_VERSION"; exit 1; }
staging=v0.${SBX_K8S_VERSION#v1.} # v1.37.2 -> v0.37.2
minor=${SBX_K8S_VERSION#v1.}
minor=${minor%%.*}

awk -v k8s="$SBX_K8S_VERSION" -v etcd="$SBX_ETCD_VERSION" -v kwok="$SBX_KWOK_VERSION" -v staging="$staging" '
  /^go [0-9]/ && !gover { gover = $2 }
  # "	k8s.io/api => ./staging/src/k8s.io/api"
  $2 == "=>" && $3 ~ /^\.\/staging\// { mods[++n] = $1 }
  END {
    print "module ctl-sandbox-build\n"
    print "go " gover "\n"
    print "require (\n\tk8s.io/kubernetes " k8s "\n\tgo.etcd.io/etcd/server/v3 " etcd "\n\tsigs.k8s.io/kwok " kwok "\n)\n"
    print "replace ("
    for (i = 1; i <= n; i++) print "\t" mods[i] " => " mods[i] " " staging
    print ")"
  }' "$k8s_gomod" >"$work/go.mod"
grep -q '=> k8s.io/api ' "$work/go.mod" || { log "no staging modules found in $k8s_gomod"; exit 1; }

pkgs=(go.etcd.io/etcd/server/v3 sigs.k8s.io/kwok/cmd/kwok
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)
{
  printf '//go:build tools\n\n// Package tools pins the sandbox binaries for go mod tidy.\npackage tools\n\nimport (\n'
  printf '\t_ "%s"\n' "${pkgs[@]}"
  printf ')\n'
} >"$work/tools.go"

# Without these the servers report v0.0.0-master, and clients warn.
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitVersion=$SBX_K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
  ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done

(
  cd "$work"
  go mod tidy
  got=$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2 }' go.mod)
  [ "$got" = "$SBX_ETCD_VERSION" ] || { log "etcd resolved to $got, not $SBX_ETCD_VERSION (k8s needs a newer one): change lib.sh"; exit 1; }
  mkdir out
  go build -trimpath -ldflags "$ldflags" -o out/ "${pkgs[@]}"
  mv out/server out/etcd # go names a binary after its package's directory
)
mkdir -p "$BIN"
for b in $SBX_BINS; do mv -f "$work/out/$b" "$BIN/$b"; done
echo "k8s=$SBX_K8S_VERSION etcd=$SBX_ETCD_VERSION kwok=$SBX_KWOK_VERSION go=$(go env GOVERSION)" >"$BIN/.complete"
log "done in $(sbx_secs $(($(sbx_now_ms) - t0)))s: $BIN ($(du -sh "$BIN" | cut -f1))"
echo "$BIN"
