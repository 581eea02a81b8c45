#!/usr/bin/env bash
# `make demo`: ctl's main job on the embedded default — no cluster, no
# ctl.yaml — against a copy of the example Django project (so the repository
# stays clean), with a real virtualenv over Debian's Django.
set -euo pipefail
cd "$(dirname "$0")/.."
CTL="$PWD/bin/ctl"
[ -x "$CTL" ] || { echo "demo: build first (make build)" >&2; exit 1; }

work=$(mktemp -d /tmp/ctl-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r examples/mysite "$work/mysite"
/usr/bin/python3 -m venv --without-pip --system-site-packages "$work/mysite/.venv"
cd "$work/mysite"
unset DATABASE_URL VIRTUAL_ENV CTL_CONFIG DJANGO_SETTINGS_MODULE

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step ctl --version
"$CTL" --version

step ctl env list
CTL_FORCE_TTY=1 "$CTL" env list

step ctl env show local
CTL_FORCE_TTY=1 "$CTL" env show local

step "ctl audit   (static check --deploy of the settings; exit 1: errors found)"
set +e
CTL_FORCE_TTY=1 "$CTL" audit --django-version 3.2
echo "exit status: $?"
set -e

step "manage.py check --deploy (Django's own view, for comparison)"
"$CTL" manage local -- check --deploy 2>&1 | grep -E '^\?: \(' || true

step ctl exec local -- python3 manage.py check
"$CTL" exec local -- python3 manage.py check

step ctl manage local -- migrate
"$CTL" manage local -- migrate --noinput

step "ctl pyshell local --plain -- -c '...'"
"$CTL" pyshell local --plain -- -c 'from inventory.models import Widget; print({w.name: w.quantity for w in Widget.objects.all()})'

step "ctl dbshell local -- 'select ...'   (sqlite, found by asking Django)"
"$CTL" dbshell local -- 'select name, quantity from inventory_widget order by quantity desc;'

step "ctl exec local -- sh -c 'exit 3'; echo \$?   (exit codes pass through)"
set +e
"$CTL" exec local -- sh -c 'exit 3'
echo "exit status: $?"

step "ctl shell stagin   (a typo: ctl's own failure exits 255)"
"$CTL" shell stagin
echo "exit status: $?"
set -e

printf '\nInteractive: cd %s && %s shell local | pyshell local | dbshell local\n' "examples/mysite" "bin/ctl"

step "ctl doctor   (this machine, the configuration and every environment, in parallel; exit 1: a check failed)"
set +e
CTL_FORCE_TTY=1 "$CTL" doctor
echo "exit status: $?"

step "ctl doctor --dry-run --check config.file,config.dotenv   (each fix is a plan before anything runs)"
CTL_FORCE_TTY=1 "$CTL" doctor --dry-run --check config.file,config.dotenv
echo "exit status: $?"

step "ctl doctor --fix --yes --check config.file,config.dotenv   (writes ctl.yaml as ctl init does, copies .env.example, checks again)"
CTL_FORCE_TTY=1 "$CTL" doctor --fix --yes --check config.file,config.dotenv
echo "exit status: $?"
set -e

step "head ctl.yaml   (written by the fix: commented, from what was found)"
head -n 14 ctl.yaml
