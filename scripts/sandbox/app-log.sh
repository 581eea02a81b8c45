#!/bin/sh
# What the sandbox's demo containers "run" (fakekubelet container rules):
# log lines like the app's, some JSON, until killed.
#
#   app-log.sh web|worker|migrate|fast|crash
#
# web     gunicorn-style plain lines, JSON access lines (uvicorn/gunicorn
#         JSON access format) and python-json-logger lines, one a second
# worker  structlog JSON lines and plain ones, one a second
# migrate a few lines of `manage.py migrate`, then exit 0 (a Job)
# fast    "seq=N" lines as fast as the shell can write them (benchmarks)
# crash   two lines, then exit 137 (a crash-looping container)
#
# LOG_INTERVAL (seconds, default 1) paces web and worker.
set -u
kind=${1:-web}
pod=${POD_NAME:-${HOSTNAME:-pod}}
iv=${LOG_INTERVAL:-1}
now() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }
case $kind in
fast)
  i=0
  while :; do i=$((i + 1)); echo "seq=$i"; done ;;
crash)
  echo "starting $pod"
  echo "fatal: out of memory" >&2
  exit 137 ;;
migrate)
  echo "Operations to perform:"
  echo "  Apply all migrations: admin, auth, contenttypes, sessions"
  echo "Running migrations:"
  sleep 0.2
  echo "  Applying contenttypes.0001_initial... OK"
  echo "  Applying auth.0001_initial... OK"
  exit 0 ;;
web)
  echo "[INFO] Starting gunicorn 21.2.0"
  echo "[INFO] Listening at: http://0.0.0.0:8000 ($pod)"
  i=0
  while :; do
    i=$((i + 1))
    echo "{\"time\": \"$(now)\", \"method\": \"GET\", \"path\": \"/orders/$i\", \"status\": 200, \"duration\": \"12ms\", \"seq\": $i}"
    if [ $((i % 5)) -eq 0 ]; then
      echo "{\"asctime\": \"$(now)\", \"levelname\": \"WARNING\", \"name\": \"django.request\", \"message\": \"Not Found: /favicon.ico\", \"seq\": $i}" >&2
    fi
    sleep "$iv"
  done ;;
worker)
  echo "celery@$pod ready."
  i=0
  while :; do
    i=$((i + 1))
    echo "{\"event\": \"task succeeded\", \"level\": \"info\", \"logger\": \"celery.worker\", \"timestamp\": \"$(now)\", \"task\": \"orders.sync\", \"seq\": $i}"
    if [ $((i % 7)) -eq 0 ]; then
      echo "{\"event\": \"retrying\", \"level\": \"error\", \"logger\": \"celery.worker\", \"timestamp\": \"$(now)\", \"seq\": $i}"
    fi
    sleep "$iv"
  done ;;
*)
  echo "app-log.sh: unknown kind $kind" >&2; exit 2 ;;
esac
