#!/usr/bin/env bash
# Stops the sandbox started by up.sh, by the PIDs it recorded in STATE/run.
#
#   scripts/sandbox/down.sh [STATE] [--purge]
#
# Each component is its own process group (PID = PGID), so its whole group
# gets SIGTERM, all at once (the data is throw-away: no ordering), and
# SIGKILL what is left after CTL_SANDBOX_STOP_GRACE seconds (default 1:
# the state is throw-away and up.sh starts from an empty etcd).
# fakekubelet ends the commands it runs when it stops. A demo PostgreSQL
# in STATE/pg (demo.sh) is stopped too. --purge then deletes STATE.
# Exits 1 if a process of this sandbox is still there at the end.
set -uo pipefail
# shellcheck source=scripts/sandbox/lib.sh
. "$(dirname "$0")/lib.sh"

state=""
purge=0
for a in "$@"; do
  case "$a" in
    --purge) purge=1 ;;
    -*) echo "usage: $0 [STATE] [--purge]" >&2; exit 2 ;;
    *) [ -z "$state" ] || { echo "usage: $0 [STATE] [--purge]" >&2; exit 2; }; state=$a ;;
  esac
done
state=${state:-$SBX_DEFAULT_STATE}
if [ ! -d "$state" ]; then
  echo "down: nothing in $state"
  exit 0
fi
S=$(cd "$state" && pwd)
GRACE=${CTL_SANDBOX_STOP_GRACE:-1}
t0=$(sbx_now_ms)

# ours PID: alive and its command line names this state dir (a recorded
# PID may have been reused since).
ours() { kill -0 "$1" 2>/dev/null && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$S/"; }
# A group is alive while a member is not a zombie: on some machines init
# reaps orphans only every second or so, and kill -0 succeeds on zombies.
LIVE=D,R,S,T,t,W,I
group_alive() { pgrep -g "$1" -r "$LIVE" >/dev/null; }

groups=()
for f in "$S"/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if ours "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    groups+=("$pid")
  fi
done
if [ "${#groups[@]}" -gt 0 ]; then
  end=$((t0 + GRACE * 1000))
  while :; do
    left=()
    for g in "${groups[@]}"; do group_alive "$g" && left+=("$g"); done
    [ "${#left[@]}" -eq 0 ] && break
    if [ "$(sbx_now_ms)" -ge "$end" ]; then
      echo "down: SIGKILL after ${GRACE}s: PGID ${left[*]}" >&2
      for g in "${left[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
      sleep 0.2
      break
    fi
    sleep 0.05
  done
fi
rm -f "$S"/run/*.pid

rc=0
if [ -f "$S/pg/env" ]; then
  "$SBX_REPO/scripts/pg-rig.sh" stop "$S/pg" >/dev/null || rc=1
fi

# Anything left that belongs to this sandbox?
leftover=$(pgrep -r "$LIVE" -f -- "$S/" | grep -vx -e "$$" -e "$PPID" | paste -sd, || true)
if [ -n "$leftover" ]; then
  echo "down: still running:" >&2
  ps -o pid,pgid,args -p "$leftover" >&2
  rc=1
fi

if [ "$purge" = 1 ] && [ "$rc" = 0 ]; then
  if [ -d "$S/pg" ]; then
    "$SBX_REPO/scripts/pg-rig.sh" stop "$S/pg" --purge >/dev/null || rc=1
  fi
  rm -rf "$S"
fi
echo "down: stopped ${#groups[@]} component(s) in $(sbx_secs $(($(sbx_now_ms) - t0)))s$([ "$purge" = 1 ] && [ "$rc" = 0 ] && echo ", removed $S")"
exit "$rc"
