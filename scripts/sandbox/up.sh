#!/usr/bin/env bash
# Starts the sandbox: a real Kubernetes control plane on 127.0.0.1 only.
#
#   scripts/sandbox/up.sh [STATE]     (default ${CTL_SANDBOX_STATE:-/tmp/ctl-sandbox})
#   . STATE/env                       KUBECONFIG, FAKE_KUBELET_RULES, CTL_SANDBOX_STATE
#   scripts/sandbox/down.sh STATE [--purge]
#
# etcd -> kube-apiserver (x509 + ServiceAccount tokens, RBAC) ->
# kube-controller-manager, kube-scheduler, kwok (one fake node, pod
# lifecycle) and fakekubelet (the kubelet API: exec and port-forward run on
# this host, chosen by the JSON rules in $FAKE_KUBELET_RULES). Every
# component is its own process group with its PID in STATE/run/, logs in
# STATE/logs/. Each up starts from an empty etcd; the PKI in STATE/pki is
# kept.
#
# env:
#   CTL_SANDBOX_KUBELET=fake|kwok  who serves exec/port-forward (default fake;
#                     kwok: kwok's own server, exit codes and stdin EOF lost,
#                     rules as kwok Exec/PortForward/Logs objects)
#   FAKE_KUBELET=PATH a prebuilt fakekubelet (default: go build it, seconds)
#   CTL_SANDBOX_PORT_BASE=N  use ports N..N+6 (default: random free ports)
#   CTL_SANDBOX_TIMEOUT=60   seconds allowed for each wait
#   CTL_SANDBOX_KCM_CONTROLLERS  controller-manager's --controllers (default:
#                     the workload, namespace, GC, ServiceAccount, endpoint and
#                     RBAC-aggregation controllers; '*' for all)
#   CTL_SANDBOX_BIN, CTL_SANDBOX_CACHE: see build.sh
set -euo pipefail
# shellcheck source=scripts/sandbox/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
  -h | --help | -*) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
[ $# -le 1 ] || { echo "usage: $0 [STATE]" >&2; exit 2; }
S=$(sbx_state_dir "${1:-}")
MODE=${CTL_SANDBOX_KUBELET:-fake}
TIMEOUT=${CTL_SANDBOX_TIMEOUT:-60}
case "$MODE" in fake | kwok) ;; *) echo "up: CTL_SANDBOX_KUBELET must be fake or kwok, not $MODE" >&2; exit 2 ;; esac
P=$S/pki
T0=$(sbx_now_ms)
log() { printf '[up %5ss] %s\n' "$(sbx_secs $(($(sbx_now_ms) - T0)))" "$*" >&2; }
die() { echo "up: $*" >&2; exit 1; }

# alive NAME: a process recorded by an earlier run still runs.
alive() { sbx_alive "$S" "$1"; }
fail() {
  log "FAILED: $*"
  {
    for f in "$S"/logs/*.log; do
      [ -s "$f" ] || continue
      echo "----- $f (last 12 lines)"
      tail -n 12 "$f" | cut -c1-400
    done
    if grep -qis 'address already in use' "$S"/logs/*.log; then
      echo "----- a port was taken between choosing it and binding it (another sandbox starting at the same moment?): run up.sh again, or set CTL_SANDBOX_PORT_BASE to a free range"
    fi
  } >&2
  "$(dirname "$0")/down.sh" "$S" >/dev/null 2>&1 || true
  echo "up: the sandbox in $S is stopped; its logs are in $S/logs" >&2
  exit 1
}
# start NAME CMD...: in the background, in its own session and process
# group (PID = PGID), output to STATE/logs/NAME.log.
start() { sbx_start "$S" "$@"; }
# waitfor NAME WHAT CMD...: poll CMD until it succeeds; fail if NAME (which
# this script started) has exited or the time is up.
waitfor() {
  local name=$1 what=$2 msg
  shift 2
  msg=$(sbx_waitfor "$S" "$name" "$what" "$TIMEOUT" "$@" 2>&1) || fail "$msg"
  log "$what"
}

# ---- preconditions -----------------------------------------------------------
BIN=$(sbx_bin_dir)
sbx_bins_ready "$BIN" || die "the control plane binaries are not built in $BIN: run scripts/sandbox/build.sh (or make sandbox-build; cold: ~15 min)"
KWOK_DIR=$(sbx_kwok_dir) || die "cannot find sigs.k8s.io/kwok@$SBX_KWOK_VERSION in the module cache (go mod download failed?)"
for c in curl openssl "$SBX_PY" setsid flock; do command -v "$c" >/dev/null || die "$c is needed"; done
if [ -d "$S/run" ]; then
  for f in "$S"/run/*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid)
    alive "$n" && die "a sandbox is already running in $S ($n, PID $(cat "$f")); stop it first: scripts/sandbox/down.sh $S"
  done
fi
rm -rf "$S/run" "$S/logs" "$S/etcd" "$S/env" "$S/sandbox.vars"
mkdir -p "$S/run" "$S/logs"
chmod 755 "$S" # the demo's PostgreSQL (user postgres) lives below it

# ---- fakekubelet: build it while the rest starts -------------------------------
RULES=$S/fakekubelet-rules.json
if [ "$MODE" = fake ]; then
  [ -f "$RULES" ] || printf '{"exec": [], "portForward": []}\n' >"$RULES"
  chmod 600 "$RULES"
  if [ -n "${FAKE_KUBELET:-}" ]; then
    [ -x "$FAKE_KUBELET" ] || die "FAKE_KUBELET=$FAKE_KUBELET is not executable"
    FK_BUILD=
  else
    FAKE_KUBELET=$(sbx_version_dir)/fakekubelet
    (cd "$SBX_REPO" && go build -o "$FAKE_KUBELET" ./internal/sandbox/fakekubelet) >"$S/logs/fakekubelet-build.log" 2>&1 &
    FK_BUILD=$!
  fi
fi

# ---- ports -----------------------------------------------------------------------
# Random free ports below the kernel's ephemeral range (where outgoing
# connections take theirs), so two sandboxes on one machine don't collide.
read -r ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT KUBELET_PORT KWOK_PORT < <(
  "$SBX_PY" - "${CTL_SANDBOX_PORT_BASE:-}" <<'PY'
import random, socket, sys
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        return True
    except OSError:
        return False
    finally:
        s.close()
n = 7
if sys.argv[1]:
    base = int(sys.argv[1])
    ports = list(range(base, base + n))
    taken = [p for p in ports if not free(p)]
    if taken:
        sys.exit("up: CTL_SANDBOX_PORT_BASE=%d: port(s) %s already in use" % (base, ", ".join(map(str, taken))))
else:
    ports = []
    while len(ports) < n:
        p = random.randrange(20000, 32000)
        if p not in ports and free(p):
            ports.append(p)
print(*ports)
PY
) || die "could not choose ports"
[ -n "$KWOK_PORT" ] || die "could not choose ports"

# ---- etcd --------------------------------------------------------------------------
start etcd "$BIN/etcd" --name sandbox --data-dir "$S/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "sandbox=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync

# ---- PKI and kubeconfigs (while etcd starts) -------------------------------------------
"$(dirname "$0")/pki.sh" "$P" || fail "could not make the PKI in $P"
API=https://127.0.0.1:$API_PORT
kubeconfig() { # NAME CERT
  cat >"$S/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ctl-sandbox
  cluster:
    server: $API
    certificate-authority: $P/ca.crt
users:
- name: $2
  user:
    client-certificate: $P/$2.crt
    client-key: $P/$2.key
contexts:
- name: ctl-sandbox
  context:
    cluster: ctl-sandbox
    user: $2
    namespace: default
current-context: ctl-sandbox
EOF
  chmod 600 "$S/$1.kubeconfig"
}
kubeconfig admin admin
kubeconfig controller-manager controller-manager
kubeconfig scheduler scheduler
kubeconfig kwok kwok
cat >"$S/sandbox.vars" <<EOF
# written by up.sh for the other sandbox scripts
SBX_STATE=$S
SBX_MODE=$MODE
SBX_API=$API
SBX_PKI=$P
SBX_ETCD_PORT=$ETCD_PORT
SBX_API_PORT=$API_PORT
SBX_KCM_PORT=$KCM_PORT
SBX_SCHED_PORT=$SCHED_PORT
SBX_KUBELET_PORT=$KUBELET_PORT
SBX_KWOK_PORT=$KWOK_PORT
EOF
sbx_load_state "$S"
log "ports: apiserver $API_PORT, etcd $ETCD_PORT, kubelet $KUBELET_PORT; PKI and kubeconfigs in $S"

waitfor etcd "etcd healthy" sh -c "curl -sf --max-time 2 http://127.0.0.1:$ETCD_PORT/health | grep -q '\"health\":\"true\"'"

# ---- kube-apiserver ---------------------------------------------------------------------
start apiserver "$BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --secure-port="$API_PORT" \
  --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
  --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
  --client-ca-file="$P/ca.crt" \
  --requestheader-client-ca-file="$P/ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$P/front-proxy-client.crt" --proxy-client-key-file="$P/front-proxy-client.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
  --service-cluster-ip-range=10.96.0.0/24 \
  --authorization-mode=Node,RBAC \
  --kubelet-client-certificate="$P/apiserver-kubelet-client.crt" --kubelet-client-key="$P/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$P/ca.crt" --kubelet-preferred-address-types=InternalIP \
  --allow-privileged=true --profiling=false

# kwok's configuration, while the API server starts: its node and pod
# lifecycle stages come from the kwok module (v0.8 has none built in).
{
  # In fake mode fakekubelet runs Job pods' containers and reports how they
  # ended (phase, exit code): kwok's pod-complete stage, which marks every
  # running Job pod Succeeded at once, would lie about them.
  stages="node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml pod/fast/pod-ready.yaml pod/fast/pod-delete.yaml"
  [ "$MODE" = fake ] || stages="$stages pod/fast/pod-complete.yaml"
  for f in $stages; do
    [ -f "$KWOK_DIR/kustomize/stage/$f" ] || die "kwok stage $f is missing from $KWOK_DIR"
    echo "---"
    if [ "$MODE" = fake ] && [ "$f" = pod/fast/pod-ready.yaml ]; then
      # A container with a readiness probe is not ready when it starts:
      # fakekubelet says when it is (a crash-looping one never is).
      "$SBX_PY" - "$KWOK_DIR/kustomize/stage/$f" <<'PY' || die "cannot adapt kwok's pod-ready stage"
import sys
s = open(sys.argv[1]).read()
probed = '{{ $probed := false }}{{ range .spec.containers }}{{ if .readinessProbe }}{{ $probed = true }}{{ end }}{{ end }}'
ready = '{{ if $probed }}"False"{{ else }}"True"{{ end }}'
for cond in ("Ready", "ContainersReady"):
    old = '        status: "True"\n        type: %s\n' % cond
    if old not in s:
        sys.exit("pod-ready.yaml: no %s condition" % cond)
    s = s.replace(old, '        status: %s\n        type: %s\n' % (ready, cond))
old = "      {{ range .spec.containers }}\n      - image: {{ .image | Quote }}\n        name: {{ .name | Quote }}\n        ready: true\n"
if old not in s:
    sys.exit("pod-ready.yaml: no container statuses")
s = s.replace(old, old.replace("ready: true", "ready: {{ if .readinessProbe }}false{{ else }}true{{ end }}"))
s = s.replace("{{ $now := Now }}", "{{ $now := Now }}\n      " + probed, 1)
sys.stdout.write(s)
PY
    else
      cat "$KWOK_DIR/kustomize/stage/$f"
    fi
  done
  if [ "$MODE" = kwok ]; then
    mkdir -p "$S/exec"
    cat <<EOF
---
# kubectl exec into any pod runs the command on this host, in $S/exec
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterExec
metadata:
  name: ctl-sandbox-default
spec:
  execs:
  - local:
      workDir: $S/exec
EOF
  fi
} >"$S/kwok.yaml"

waitfor apiserver "kube-apiserver ready" sbx_api GET /readyz

# ---- the node, then everything that talks to the API server, at once ---------------------------
sbx_apply /api/v1/nodes/kwok-node-0 <<'EOF' || fail "could not create the node"
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
EOF
if [ "$MODE" = kwok ]; then
  for crd in execs portforwards logs; do
    sbx_api POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions -H 'Content-Type: application/yaml' \
      --data-binary "@$KWOK_DIR/kustomize/crd/bases/kwok.x-k8s.io_$crd.yaml" >/dev/null || fail "could not create kwok's $crd CRD"
  done
fi

# Only the controllers an app's environment needs: starting all ~45 (each
# with its own ServiceAccount token) takes seconds longer. '*' = all.
# node-lifecycle-controller is needed: it lifts the not-ready taint that
# admission puts on a new node, or nothing is ever scheduled. (Its first
# pass, ~2 s after the controller-manager starts, is what the node's
# "Ready and schedulable" waits for; --node-monitor-period does not
# shorten it.)
KCM_CONTROLLERS=${CTL_SANDBOX_KCM_CONTROLLERS:-node-lifecycle-controller,serviceaccount-controller,serviceaccount-token-controller,namespace-controller,garbage-collector-controller,deployment-controller,replicaset-controller,statefulset-controller,daemonset-controller,job-controller,cronjob-controller,ttl-after-finished-controller,endpoints-controller,endpointslice-controller,pod-garbage-collector-controller,disruption-controller,root-ca-certificate-publisher-controller,clusterrole-aggregation-controller}
start kcm "$BIN/kube-controller-manager" --kubeconfig="$S/controller-manager.kubeconfig" --controllers="$KCM_CONTROLLERS" \
  --authentication-kubeconfig="$S/controller-manager.kubeconfig" --authorization-kubeconfig="$S/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
  --use-service-account-credentials=true --service-account-private-key-file="$P/sa.key" \
  --root-ca-file="$P/ca.crt" --cluster-signing-cert-file="$P/ca.crt" --cluster-signing-key-file="$P/ca.key"
start scheduler "$BIN/kube-scheduler" --kubeconfig="$S/scheduler.kubeconfig" \
  --authentication-kubeconfig="$S/scheduler.kubeconfig" --authorization-kubeconfig="$S/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --leader-elect=false

if [ "$MODE" = fake ]; then
  KWOK_SERVER_PORT=$KWOK_PORT
  KWOK_CRDS=()
else
  KWOK_SERVER_PORT=$KUBELET_PORT
  # shellcheck disable=SC2054
  KWOK_CRDS=(--enable-crds=Exec,PortForward,Logs)
fi
# --server-address keeps kwok's own server on loopback (with --node-port
# alone it listens on 0.0.0.0); the node advertises KUBELET_PORT.
start kwok "$BIN/kwok" --kubeconfig="$S/kwok.kubeconfig" --config="$S/kwok.yaml" "${KWOK_CRDS[@]}" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-ip=127.0.0.1 --node-name=kwok-node-0 --node-port="$KUBELET_PORT" \
  --server-address="127.0.0.1:$KWOK_SERVER_PORT" \
  --tls-cert-file="$P/kubelet.crt" --tls-private-key-file="$P/kubelet.key" --node-lease-duration-seconds=40

# fakekubelet last: kwok, the scheduler and the controller-manager must not
# wait for its build (seconds when the Go build cache is warm, much more on
# a fresh machine: kwok used to start only after it).
if [ "$MODE" = fake ]; then
  if [ -n "$FK_BUILD" ] && ! wait "$FK_BUILD"; then
    cat "$S/logs/fakekubelet-build.log" >&2
    fail "go build ./internal/sandbox/fakekubelet failed"
  fi
  start fakekubelet "$FAKE_KUBELET" --listen="127.0.0.1:$KUBELET_PORT" --rules="$RULES" \
    --tls-cert-file="$P/kubelet.crt" --tls-private-key-file="$P/kubelet.key" --client-ca-file="$P/ca.crt" \
    --kubeconfig="$S/admin.kubeconfig" --node-name=kwok-node-0
fi

CLIENT=(--cacert "$P/ca.crt" --cert "$P/admin.crt" --key "$P/admin.key" --max-time 2)
waitfor kwok "kwok serving" curl -sfk --max-time 2 "https://127.0.0.1:$KWOK_SERVER_PORT/healthz"
# Ready, and schedulable: the controller-manager has lifted the not-ready taint.
node_ready() {
  sbx_api GET /api/v1/nodes/kwok-node-0 | "$SBX_PY" -c '
import json, sys
n = json.load(sys.stdin)
ready = any(c["type"] == "Ready" and c["status"] == "True" for c in n.get("status", {}).get("conditions", []))
tainted = any(t["key"].startswith("node.kubernetes.io/") for t in n.get("spec", {}).get("taints", []))
sys.exit(0 if ready and not tainted else 1)'
}
waitfor scheduler "kube-scheduler healthy" curl -sfk --max-time 2 "https://127.0.0.1:$SCHED_PORT/healthz"
waitfor kcm "kube-controller-manager healthy" curl -sfk --max-time 2 "https://127.0.0.1:$KCM_PORT/healthz"
waitfor kwok "node kwok-node-0 Ready and schedulable" node_ready
# Pods are refused until their namespace has a 'default' ServiceAccount.
waitfor kcm "controllers running (ServiceAccount default/default exists)" sbx_api GET /api/v1/namespaces/default/serviceaccounts/default
if [ "$MODE" = fake ]; then
  waitfor fakekubelet "fakekubelet serving" curl -sf "${CLIENT[@]}" "https://127.0.0.1:$KUBELET_PORT/healthz"
fi

{
  echo "export CTL_SANDBOX_STATE=$S"
  echo "export CTL_SANDBOX_ENV=$S/env"
  echo "export KUBECONFIG=$S/admin.kubeconfig"
  if [ "$MODE" = fake ]; then echo "export FAKE_KUBELET_RULES=$RULES"; fi
} >"$S/env.tmp"
mv "$S/env.tmp" "$S/env"
log "sandbox up ($MODE kubelet): . $S/env   (or KUBECONFIG=$S/admin.kubeconfig)"
