#!/usr/bin/env bash
# `make sandbox-demo`: the sandbox with myapp deployed, ready to point ctl
# (or kubectl) at.
#
#   scripts/sandbox/demo.sh [STATE]    (default ${CTL_SANDBOX_STATE:-/tmp/ctl-sandbox})
#
# Starts the sandbox in STATE unless it is already up, a test PostgreSQL in
# STATE/pg (scripts/pg-rig.sh), copies examples/mysite to STATE/mysite with a
# virtualenv, deploys myapp (demo-app.sh) and prints how to use it.
# Stop everything with: scripts/sandbox/down.sh STATE --purge
set -euo pipefail
# shellcheck source=scripts/sandbox/lib.sh
. "$(dirname "$0")/lib.sh"
HERE=$SBX_REPO/scripts/sandbox
S=$(sbx_state_dir "${1:-}")

"$SBX_REPO/scripts/test-deps.sh" >/dev/null # postgresql, Django, psycopg2
"$HERE/build.sh" >/dev/null
if [ -f "$S/sandbox.vars" ] && sbx_load_state "$S" && sbx_api GET /readyz >/dev/null 2>&1; then
  echo "demo: the sandbox in $S is already up"
else
  "$HERE/up.sh" "$S"
fi

"$SBX_REPO/scripts/pg-rig.sh" start "$S/pg"
# shellcheck disable=SC1091
. "$S/pg/env"

rm -rf "$S/mysite"
cp -r "$SBX_REPO/examples/mysite" "$S/mysite"
/usr/bin/python3 -m venv --without-pip --system-site-packages "$S/mysite/.venv"

"$HERE/demo-app.sh" "$S" "$S/mysite" "$CTL_TEST_PG_PORT"

# The same path ctl takes: through the API server into the fake kubelet,
# which runs manage.py in STATE/mysite against the real database.
if command -v kubectl >/dev/null; then
  echo
  echo "\$ kubectl -n myapp-qa exec deploy/web -- python manage.py migrate --noinput"
  KUBECONFIG=$S/admin.kubeconfig kubectl -n myapp-qa exec deploy/web -- python manage.py migrate --noinput | tail -3
fi

# ctl on the same sandbox: the team file names the two namespaces.
CTL=$SBX_REPO/bin/ctl
if [ -x "$CTL" ]; then
  cat >"$S/mysite/ctl.yaml" <<EOF
version: 1
app: myapp
environments:
  qa:
    target: kubernetes
    namespace: myapp-qa
  prod:
    target: kubernetes
    namespace: myapp-prod
    protected: true
EOF
  export KUBECONFIG=$S/admin.kubeconfig
  echo
  echo "\$ ctl status            # (on a terminal: the live view; here: the table, once)"
  (cd "$S/mysite" && "$CTL" status) || true
  echo
  echo "\$ ctl exec qa -- python manage.py showmigrations inventory"
  (cd "$S/mysite" && "$CTL" exec qa -- python manage.py showmigrations inventory) || true
fi

cat <<EOF

The sandbox is up, with myapp in namespaces myapp-qa and myapp-prod:

  . $S/env          # or: export KUBECONFIG=$S/admin.kubeconfig
  kubectl get pods -A -l app.kubernetes.io/part-of=myapp
  kubectl -n myapp-qa exec -it deploy/web -- bash              # a shell in $S/mysite
  kubectl -n myapp-qa exec -it deploy/web -- python manage.py shell
  kubectl -n myapp-qa port-forward svc/postgres 15432:5432     # the test PostgreSQL
  kubectl -n myapp-qa get secret myapp-db -o jsonpath='{.data.url}' | base64 -d

Exec into web-*/worker-* pods runs on this machine in $S/mysite (its .venv first
on PATH, DATABASE_URL = the test PostgreSQL); port-forward to postgres reaches
127.0.0.1:$CTL_TEST_PG_PORT. Rules: $S/fakekubelet-rules.json; logs: $S/logs.
ctl: cd $S/mysite && ctl status | ctl shell qa | ctl pyshell qa | ctl dbshell prod
Stop: scripts/sandbox/down.sh $S --purge   (or make sandbox-down)
EOF
