#!/usr/bin/env bash
# A throw-away PKI for the sandbox (ECDSA P-256, valid 10 years), made in
# well under a second: one CA signs everything.
#
#   scripts/sandbox/pki.sh DIR     (does nothing if DIR/.complete exists)
#
# DIR/ca.{crt,key}, sa.{key,pub} (ServiceAccount tokens) and, each as
# NAME.crt + NAME.key:
#   apiserver                 serving: 127.0.0.1, localhost, kubernetes.default.svc...
#   kubelet                   serving: 127.0.0.1 (fakekubelet and kwok)
#   admin                     client: ctl-sandbox-admin, group system:masters
#   apiserver-kubelet-client  client: the API server calling the kubelet
#   front-proxy-client        client: aggregation front proxy
#   controller-manager        client: system:kube-controller-manager
#   scheduler                 client: system:kube-scheduler
#   kwok                      client: kwok-controller, group system:masters
set -euo pipefail
D=${1:?usage: pki.sh DIR}
mkdir -p "$D"
cd "$D"
[ -f .complete ] && exit 0
umask 077

cat >openssl.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
EOF
# newcert NAME SUBJECT ARGS...: key + certificate in one openssl call.
newcert() {
  local name=$1 subj=$2
  shift 2
  openssl req -x509 -new -config openssl.cnf -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$name.key" -out "$name.crt" -days 3650 -subj "$subj" "$@" 2>"$name.err" ||
    { cat "$name.err" >&2; return 1; }
  rm -f "$name.err"
}
leaf() { # NAME SUBJECT serverAuth|clientAuth [SAN]
  # shellcheck disable=SC2054 # the commas are openssl's
  local ext=(-CA ca.crt -CAkey ca.key -addext basicConstraints=critical,CA:FALSE
    -addext keyUsage=critical,digitalSignature,keyEncipherment -addext "extendedKeyUsage=$3")
  [ -n "${4:-}" ] && ext+=(-addext "subjectAltName=$4")
  newcert "$1" "$2" "${ext[@]}"
}

newcert ca /CN=ctl-sandbox-ca -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign,digitalSignature
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out sa.key 2>/dev/null &
pids=($!)
leaf apiserver /CN=kube-apiserver serverAuth \
  IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local &
pids+=($!)
leaf kubelet /CN=ctl-sandbox-kubelet serverAuth IP:127.0.0.1,DNS:localhost &
pids+=($!)
leaf admin /O=system:masters/CN=ctl-sandbox-admin clientAuth &
pids+=($!)
leaf apiserver-kubelet-client /CN=kube-apiserver-kubelet-client clientAuth &
pids+=($!)
leaf front-proxy-client /CN=front-proxy-client clientAuth &
pids+=($!)
leaf controller-manager /CN=system:kube-controller-manager clientAuth &
pids+=($!)
leaf scheduler /CN=system:kube-scheduler clientAuth &
pids+=($!)
leaf kwok /O=system:masters/CN=kwok-controller clientAuth &
pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
chmod 644 ./*.crt sa.pub
touch .complete
