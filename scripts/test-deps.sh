#!/usr/bin/env bash
# Installs what ctl's tests and demo need from Debian's packages. Idempotent: a
# second run with everything present only checks, and does not touch apt.
#
#   scripts/test-deps.sh          install what is missing
#   scripts/test-deps.sh --check  exit 1 and list what is missing, install nothing
set -euo pipefail

# package -> a file that proves it is installed
declare -A probe=(
  [postgresql]=/usr/lib/postgresql
  [postgresql-client]=/usr/bin/psql
  [python3-django]=/usr/lib/python3/dist-packages/django
  [python3-django-environ]=/usr/lib/python3/dist-packages/environ
  [python3-decouple]=/usr/lib/python3/dist-packages/decouple.py
  [python3-dj-database-url]=/usr/lib/python3/dist-packages/dj_database_url.py
  [python3-django-extensions]=/usr/lib/python3/dist-packages/django_extensions
  [python3-psycopg2]=/usr/lib/python3/dist-packages/psycopg2
  [tmux]=/usr/bin/tmux
  [openssh-server]=/usr/sbin/sshd
  [openssh-client]=/usr/bin/ssh
  [sqlite3]=/usr/bin/sqlite3
  [ncurses-bin]=/usr/bin/tput
  [git]=/usr/bin/git
  [pre-commit]=/usr/bin/pre-commit
  [rpm]=/usr/bin/rpm
  [python3-gunicorn]=/usr/lib/python3/dist-packages/gunicorn
  [sudo]=/usr/bin/sudo
)

missing=()
for pkg in "${!probe[@]}"; do
  [ -e "${probe[$pkg]}" ] || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "test-deps: all present"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "test-deps: missing: ${missing[*]}" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "test-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Do not start the distribution's own cluster or sshd: the tests start their own on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "test-deps: done"
