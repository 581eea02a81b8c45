#!/usr/bin/env bash
# pg-rig: a throwaway PostgreSQL server for ctl's tests and demo, on loopback only.
#
#   scripts/pg-rig.sh start DIR          init (first time) and start a server in DIR
#   scripts/pg-rig.sh stop DIR [--purge] stop it (ok if not running); --purge deletes DIR
#
# start prints one line, "pg-rig: started on 127.0.0.1:PORT (DIR)", and writes the
# shell-sourceable DIR/env (mode 0600):
#   CTL_TEST_PG_DSN=postgres://ctltest:PASSWORD@127.0.0.1:PORT/ctltest
#   CTL_TEST_PG_PORT=PORT
#   CTL_TEST_PG_DIR=DIR
# The password is random and is never printed. Role ctltest (LOGIN CREATEDB) owns
# database ctltest; TCP connections need the password (scram-sha-256); the Unix
# socket in DIR/sock trusts the local superuser "postgres" (for setup only).
# Running start again while the server runs only prints the line again.
#
# As root the server runs as the system user "postgres" (initdb and postgres refuse
# root), so DIR and its parents must be reachable by that user; /tmp is fine.
# PG_BIN=/path/to/bin overrides the newest /usr/lib/postgresql/*/bin.
set -euo pipefail

prog=pg-rig
die() { echo "$prog: $*" >&2; exit 1; }
usage() {
  echo "usage: $0 start DIR | stop DIR [--purge]" >&2
  exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
dir_arg=$2
shift 2
purge=0
for a in "$@"; do
  case "$a" in
    --purge) [ "$cmd" = stop ] || usage; purge=1 ;;
    *) usage ;;
  esac
done
case "$cmd" in start | stop) ;; *) usage ;; esac
[ -n "$dir_arg" ] || die "DIR must not be empty"

# Absolute, normalised DIR (it may not exist yet).
DIR=$(realpath -m -- "$dir_arg")
[ "$DIR" != / ] || die "refusing to use / as DIR"
case "$DIR" in
  *"'"* | *[[:space:]]* | *'\'* | *'%'*) die "DIR must not contain quotes, spaces, backslashes or '%': $DIR" ;;
esac
DATA=$DIR/data
SOCK=$DIR/sock
LOG=$DIR/log
ENVF=$DIR/env
# Unix socket paths are limited to 107 bytes: DIR/sock/.s.PGSQL.PORT must fit.
sock_probe="$SOCK/.s.PGSQL.65535"
[ "${#sock_probe}" -le 107 ] || die "DIR is too long for a Unix socket path (${#sock_probe} > 107 bytes): $DIR"

# --- PostgreSQL binaries ---------------------------------------------------------
find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/pg_ctl" ] || die "PG_BIN=$PG_BIN has no pg_ctl"
    echo "$PG_BIN"
    return
  fi
  local d best=""
  # newest version directory that has the server binaries
  while IFS= read -r d; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && best=$d
  done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V)
  if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1; then
    best=$(dirname "$(command -v pg_ctl)")
  fi
  [ -n "$best" ] || die "no PostgreSQL server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin or on PATH; install the Debian package 'postgresql' or set PG_BIN"
  echo "$best"
}
BIN=$(find_bin)
PSQL=$BIN/psql
[ -x "$PSQL" ] || PSQL=$(command -v psql 2>/dev/null) || die "psql not found; install 'postgresql-client'"

# --- who runs the server -----------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user to run the server as"
  RUNUSER=$(command -v runuser 2>/dev/null || true)
  for r in /usr/sbin/runuser /sbin/runuser; do
    [ -n "$RUNUSER" ] || { [ -x "$r" ] && RUNUSER=$r; }
  done
  [ -n "$RUNUSER" ] || die "running as root but runuser (util-linux) is missing"
  owner=postgres
  as_owner() { "$RUNUSER" -u postgres -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

# pg_ctl status: 0 running, 3 not running, 4 no usable data directory
running() {
  [ -f "$DATA/postmaster.pid" ] || return 1
  as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}
running_port() { sed -n 4p "$DATA/postmaster.pid"; }
started_msg() { echo "$prog: started on 127.0.0.1:$1 ($DIR)"; }

free_port() {
  local py
  py=/usr/bin/python3
  [ -x "$py" ] || py=$(command -v python3) || die "python3 is needed to pick a free port"
  "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

new_password() {
  local pw
  # tr exits on SIGPIPE when head is done: ignore that one status
  pw=$(set +o pipefail; LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 24)
  [ "${#pw}" -eq 24 ] || die "could not read a password from /dev/urandom"
  printf '%s' "$pw"
}

write_env() { # port password
  local tmp=$ENVF.tmp
  (
    umask 077
    {
      echo "CTL_TEST_PG_DSN=postgres://ctltest:$2@127.0.0.1:$1/ctltest"
      echo "CTL_TEST_PG_PORT=$1"
      echo "CTL_TEST_PG_DIR=$DIR"
    } >"$tmp"
  )
  chmod 600 "$tmp"
  mv -f "$tmp" "$ENVF"
}

# Runs SQL from stdin over the socket as the superuser. The SQL may hold the
# password: psql's error output is shown with it masked, and the server is told
# not to log the statements of this session.
run_sql() { # port password
  local out rc=0
  out=$( { echo "SET log_statement = 'none'; SET log_min_error_statement = 'panic'; SET log_min_duration_statement = -1;"; cat; } |
    as_owner "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$1" -U postgres -d postgres 2>&1) || rc=$?
  if [ "$rc" -ne 0 ]; then
    [ -n "$2" ] && out=${out//"$2"/********}
    echo "$out" >&2
    return "$rc"
  fi
}

show_log_tail() {
  [ -f "$LOG" ] && { echo "--- last lines of $LOG:" >&2; tail -n 20 "$LOG" >&2; }
  return 0
}

# --- start -----------------------------------------------------------------------
do_start() {
  if running; then
    [ -f "$ENVF" ] || die "a server is running in $DATA but $ENVF is missing; run: $0 stop $DIR --purge"
    started_msg "$(running_port)"
    return 0
  fi

  mkdir -p "$DIR"
  chmod 700 "$DIR"
  [ "$owner" = "$(id -un)" ] || chown "$owner": "$DIR"
  as_owner test -w "$DIR" -a -x "$DIR" ||
    die "user '$owner' cannot write to $DIR (are its parent directories reachable by '$owner'?)"
  mkdir -p "$SOCK"
  [ "$owner" = "$(id -un)" ] || chown "$owner": "$SOCK"
  chmod 700 "$SOCK"

  local fresh=0 pw=""
  if [ -f "$DATA/PG_VERSION" ]; then
    # A stopped rig: reuse the cluster and its password, on a new port.
    [ -f "$ENVF" ] || die "$DATA exists but $ENVF is missing (an earlier start did not finish); run: $0 stop $DIR --purge"
    pw=$(sed -n 's|^CTL_TEST_PG_DSN=postgres://ctltest:\([A-Za-z0-9]*\)@.*|\1|p' "$ENVF")
    [ -n "$pw" ] || die "cannot read the password back from $ENVF; run: $0 stop $DIR --purge"
  else
    if [ -e "$DATA" ] && [ -n "$(ls -A "$DATA" 2>/dev/null)" ]; then
      die "$DATA exists and is not a PostgreSQL data directory; run: $0 stop $DIR --purge"
    fi
    fresh=1
    rm -f "$ENVF"
    if ! as_owner "$BIN/initdb" -D "$DATA" -U postgres \
      --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1; then
      cat "$DIR/initdb.log" >&2
      die "initdb failed (see above)"
    fi
    echo "include_if_exists = 'pg-rig.conf'" | as_owner tee -a "$DATA/postgresql.conf" >/dev/null
  fi

  # Retry a few times in case another process takes the port between pick and bind.
  local port attempt ok=0
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    as_owner tee "$DATA/pg-rig.conf" >/dev/null <<EOF
# written by pg-rig.sh on every start
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$SOCK'
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if as_owner "$BIN/pg_ctl" start -w -t 60 -D "$DATA" -l "$LOG" >/dev/null 2>&1; then
      ok=1
      break
    fi
    running && { ok=1; break; }
    grep -q 'could not bind\|Address already in use' "$LOG" 2>/dev/null || break
  done
  if [ "$ok" -ne 1 ]; then
    show_log_tail
    die "could not start PostgreSQL in $DATA"
  fi

  if [ "$fresh" -eq 1 ]; then
    pw=$(new_password)
    if ! run_sql "$port" "$pw" <<EOF
CREATE ROLE ctltest LOGIN CREATEDB PASSWORD '$pw';
CREATE DATABASE ctltest OWNER ctltest;
EOF
    then
      as_owner "$BIN/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null 2>&1 || true
      die "could not create role and database ctltest"
    fi
  fi
  write_env "$port" "$pw"
  started_msg "$port"
}

# --- stop ------------------------------------------------------------------------
do_stop() {
  if [ -d "$DATA" ] && running; then
    if ! as_owner "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >/dev/null 2>&1; then
      show_log_tail
      die "could not stop PostgreSQL in $DATA"
    fi
    echo "$prog: stopped ($DIR)"
  else
    echo "$prog: not running ($DIR)"
  fi
  if [ "$purge" -eq 1 ] && [ -e "$DIR" ]; then
    # Only delete what this script creates, so a wrong DIR cannot wipe other files.
    local f
    for f in "$DIR"/* "$DIR"/.[!.]* "$DIR"/..?*; do
      [ -e "$f" ] || continue
      case "${f##*/}" in
        data | sock | log | env | env.tmp | initdb.log) ;;
        *) die "not purging $DIR: it holds $f, which pg-rig did not create" ;;
      esac
    done
    rm -rf -- "$DIR"
    echo "$prog: purged $DIR"
  fi
}

"do_$cmd"
