#!/usr/bin/env bash
# Deploys "myapp", a Django app as ctl's users run it, into a running
# sandbox, and points the fake kubelet at a local copy of the project and
# a local PostgreSQL so that ctl's verbs really work against it.
#
#   scripts/sandbox/demo-app.sh STATE PROJECT_DIR PG_PORT
#
# STATE        the sandbox (up.sh STATE)
# PROJECT_DIR  a copy of examples/mysite with a .venv (python3 -m venv
#              --without-pip --system-site-packages PROJECT_DIR/.venv)
# PG_PORT      the port of the test PostgreSQL (scripts/pg-rig.sh start DIR);
#              its DSN comes from CTL_TEST_PG_DSN, or from STATE/pg/env.
#              The password is never printed.
#
# In each of the namespaces myapp-qa and myapp-prod (labelled
# app.kubernetes.io/part-of=myapp):
#   Deployment web (2 replicas; containers nginx + web, default container
#   web by annotation) and worker (1), version 1.4.2 in qa and 1.4.1 in prod;
#   their containers get DATABASE_URL from the Secret myapp-db (keys url,
#   username, password, host, port, database) and DJANGO_SETTINGS_MODULE;
#   a Pod and Service postgres (5432).
# fakekubelet rules: exec into web-*/worker-* pods runs in PROJECT_DIR with
# the venv first on PATH and DATABASE_URL set to the real DSN; port-forward
# to postgres* pods' 5432 reaches 127.0.0.1:PG_PORT. Running it again
# updates everything in place.
set -euo pipefail
# shellcheck source=scripts/sandbox/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || { echo "usage: $0 STATE PROJECT_DIR PG_PORT" >&2; exit 2; }
S=$(cd "$1" && pwd)
PROJECT=$(cd "$2" && pwd)
PG_PORT=$3
sbx_load_state "$S"
[ "$SBX_MODE" = fake ] || { echo "demo-app: needs the fakekubelet sandbox (not CTL_SANDBOX_KUBELET=$SBX_MODE)" >&2; exit 1; }
RULES=$S/fakekubelet-rules.json
[ -f "$PROJECT/manage.py" ] || { echo "demo-app: $PROJECT has no manage.py" >&2; exit 1; }
[ -x "$PROJECT/.venv/bin/python" ] || { echo "demo-app: $PROJECT has no .venv (python3 -m venv --without-pip --system-site-packages $PROJECT/.venv)" >&2; exit 1; }
if [ -z "${CTL_TEST_PG_DSN:-}" ] && [ -f "$S/pg/env" ]; then
  # shellcheck disable=SC1091
  . "$S/pg/env"
fi
DSN=${CTL_TEST_PG_DSN:-}
[ -n "$DSN" ] || { echo "demo-app: CTL_TEST_PG_DSN is not set (scripts/pg-rig.sh start DIR; . DIR/env)" >&2; exit 1; }
# postgres://USER:PASSWORD@HOST:PORT/DB
rest=${DSN#postgres://}
userinfo=${rest%%@*}
hostport=${rest#*@}
hostport=${hostport%%/*}
PG_USER=${userinfo%%:*}
PG_PASSWORD=${userinfo#*:}
PG_DB=${rest##*/}
[ "${hostport##*:}" = "$PG_PORT" ] || { echo "demo-app: PG_PORT $PG_PORT is not the port of CTL_TEST_PG_DSN (${hostport##*:})" >&2; exit 1; }
b64() { printf '%s' "$1" | base64 -w0; }

t0=$(sbx_now_ms)
for env in qa prod; do
  ns=myapp-$env
  version=1.4.2
  [ "$env" = prod ] && version=1.4.1
  sbx_apply "/api/v1/namespaces/$ns" <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $ns
  labels:
    app.kubernetes.io/part-of: myapp
    ctl.example/environment: $env
EOF
  # Inside the "cluster" the database is the postgres Service.
  sbx_apply "/api/v1/namespaces/$ns/secrets/myapp-db" <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: myapp-db
  labels:
    app.kubernetes.io/name: myapp
    app.kubernetes.io/part-of: myapp
type: Opaque
data:
  url: $(b64 "postgres://$PG_USER:$PG_PASSWORD@postgres:5432/$PG_DB")
  username: $(b64 "$PG_USER")
  password: $(b64 "$PG_PASSWORD")
  host: $(b64 postgres)
  port: $(b64 5432)
  database: $(b64 "$PG_DB")
EOF
  for component in web worker; do
    replicas=1
    containers="      - name: worker
        image: registry.example.invalid/myapp:$version
        command: [python, manage.py, runworker]"
    annotations="{}"
    if [ "$component" = web ]; then
      replicas=2
      annotations="{kubectl.kubernetes.io/default-container: web}"
      # nginx comes first, so a client must honour the annotation.
      containers="      - name: nginx
        image: registry.example.invalid/nginx:1.27
        ports: [{containerPort: 80, name: http}]
      - name: web
        image: registry.example.invalid/myapp:$version
        command: [gunicorn, mysite.wsgi, --bind, 0.0.0.0:8000]
        ports: [{containerPort: 8000, name: app}]"
    fi
    labels="{app.kubernetes.io/name: myapp, app.kubernetes.io/component: $component, app.kubernetes.io/part-of: myapp, app.kubernetes.io/version: \"$version\"}"
    sbx_apply "/apis/apps/v1/namespaces/$ns/deployments/$component" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $component
  labels: $labels
spec:
  replicas: $replicas
  selector:
    matchLabels:
      app.kubernetes.io/name: myapp
      app.kubernetes.io/component: $component
  template:
    metadata:
      labels: $labels
      annotations: $annotations
    spec:
      containers:
$containers
        env:
        - name: DATABASE_URL
          valueFrom: {secretKeyRef: {name: myapp-db, key: url}}
        - name: DJANGO_SETTINGS_MODULE
          value: mysite.settings
EOF
  done
  sbx_apply "/api/v1/namespaces/$ns/services/postgres" <<EOF
apiVersion: v1
kind: Service
metadata:
  name: postgres
  labels: {app: postgres, app.kubernetes.io/part-of: myapp}
spec:
  selector: {app: postgres}
  ports: [{name: postgres, port: 5432, targetPort: 5432}]
EOF
  # A bare pod is refused until the namespace's default ServiceAccount exists.
  sbx_until 30 "ServiceAccount $ns/default" sbx_api GET "/api/v1/namespaces/$ns/serviceaccounts/default" ||
    { echo "demo-app: is kube-controller-manager running? see $S/logs" >&2; exit 1; }
  sbx_apply "/api/v1/namespaces/$ns/pods/postgres" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: postgres
  labels: {app: postgres, app.kubernetes.io/part-of: myapp}
spec:
  containers:
  - name: postgres
    image: registry.example.invalid/postgres:15
    ports: [{containerPort: 5432, name: postgres}]
    env:
    - name: POSTGRES_PASSWORD
      valueFrom: {secretKeyRef: {name: myapp-db, key: password}}
EOF
done

# fakekubelet rules for both namespaces; other rules in the file are kept.
# Under the same flock as internal/sandbox/rules.Update. The DSN goes
# through the environment, never the command line.
# A container-like home for interactive shells: a prompt with the pod name.
mkdir -p "$S/home"
cat >"$S/home/.bashrc" <<'EOF'
PS1='\u@${HOSTNAME}:\w\$ '
EOF
DEMO_APPLOG=$(cd "$(dirname "$0")" && pwd)/app-log.sh DEMO_HOME=$S/home DEMO_PROJECT=$PROJECT DEMO_DSN=$DSN DEMO_PG_PORT=$PG_PORT flock "$RULES.lock" "$SBX_PY" - "$RULES" <<'PY'
import json, os, sys, tempfile
path = sys.argv[1]
project, dsn, port = os.environ["DEMO_PROJECT"], os.environ["DEMO_DSN"], int(os.environ["DEMO_PG_PORT"])
try:
    with open(path) as f:
        rules = json.load(f)
except FileNotFoundError:
    rules = {}
ours = ("myapp-qa", "myapp-prod")
execs = [r for r in rules.get("exec") or [] if r.get("namespace") not in ours]
forwards = [r for r in rules.get("portForward") or [] if r.get("namespace") not in ours]
containers = [r for r in rules.get("containers") or [] if r.get("namespace") not in ours]
applog = os.environ["DEMO_APPLOG"]
venv = os.path.join(project, ".venv")
home = os.environ["DEMO_HOME"]
for ns in ours:
    for component in ("web", "worker"):
        execs.append({
            "namespace": ns, "podPrefix": component + "-", "container": component, "workDir": project,
            "env": [
                "PATH=%s/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" % venv,
                "VIRTUAL_ENV=" + venv,
                "DATABASE_URL=" + dsn,
                "DJANGO_SETTINGS_MODULE=mysite.settings",
                "APP_ENV=" + ns.rsplit("-", 1)[1],
                # not the host user's home: its .bashrc may change PATH (pyenv)
                "HOME=" + home,
            ],
        })
        # what the container "runs": log lines like the app's (ctl logs)
        containers.append({"namespace": ns, "podPrefix": component + "-", "container": component,
                           "command": ["/bin/sh", applog, component]})
    forwards.append({"namespace": ns, "podPrefix": "postgres", "port": 5432, "target": "127.0.0.1:%d" % port})
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".rules.")
with os.fdopen(fd, "w") as f:
    json.dump({"exec": execs, "portForward": forwards, "containers": containers}, f, indent=2)
    f.write("\n")
os.chmod(tmp, 0o600)
os.replace(tmp, path)
PY

at_least_ready() { [ "$(sbx_pods_ready "$1" "$2")" -ge "$3" ]; }
for ns in myapp-qa myapp-prod; do
  for want in app.kubernetes.io/component=web:2 app.kubernetes.io/component=worker:1 app=postgres:1; do
    sbx_until 60 "${want##*:} pod(s) ${want%:*} Ready in $ns" at_least_ready "$ns" "${want%:*}" "${want##*:}" ||
      { echo "demo-app: pods of $ns not Ready; see $S/logs" >&2; exit 1; }
  done
done
echo "demo-app: myapp deployed to myapp-qa and myapp-prod in $(sbx_secs $(($(sbx_now_ms) - t0)))s"
