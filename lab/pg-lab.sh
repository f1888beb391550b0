#!/usr/bin/env bash
# A PostgreSQL primary and a streaming standby on 127.0.0.1, for trying and testing
# runbooks/postgres-failover.md. Not for production: trust authentication, fsync off.
#
#   lab/pg-lab.sh up              start the pair (prints the URLs)
#   lab/pg-lab.sh env             print PRIMARY_URL=… and REPLICA_URL=… (for eval or -p)
#   lab/pg-lab.sh status          roles, WAL positions and replay lag
#   lab/pg-lab.sh crash-primary   kill -9 the primary's postmaster
#   lab/pg-lab.sh pause-replay    pause WAL replay on the standby (lag builds up)
#   lab/pg-lab.sh resume-replay   resume it
#   lab/pg-lab.sh down            stop both and delete the lab folder
#
# Environment: PGLAB_PRIMARY_PORT (default 54321), PGLAB_REPLICA_PORT (default PRIMARY+1),
# PGLAB_DIR (default ${TMPDIR:-/tmp}/runbook-pglab-<primary port>), PGLAB_BIN (PostgreSQL's bin
# folder; default the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

PRIMARY_PORT=${PGLAB_PRIMARY_PORT:-54321}
REPLICA_PORT=${PGLAB_REPLICA_PORT:-$((PRIMARY_PORT + 1))}
DIR=${PGLAB_DIR:-${TMPDIR:-/tmp}/runbook-pglab-$PRIMARY_PORT}
BIN=${PGLAB_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PRIMARY_URL="postgresql://postgres@127.0.0.1:$PRIMARY_PORT/postgres?connect_timeout=5"
REPLICA_URL="postgresql://postgres@127.0.0.1:$REPLICA_PORT/postgres?connect_timeout=5"

die() { echo "pg-lab: $*" >&2; exit 1; }
[ -n "$BIN" ] && [ -x "$BIN/initdb" ] || die "PostgreSQL server binaries not found (install the postgresql package, or set PGLAB_BIN)"

# initdb and pg_ctl refuse to run as root: run them as the postgres user, from a folder it can enter.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

q() { psql "$1" -X -qtAc "$2"; }

wait_for() { # url, sql, expected, what
  for _ in $(seq 1 100); do
    if [ "$(q "$1" "$2" 2>/dev/null || true)" = "$3" ]; then return 0; fi
    sleep 0.1
  done
  die "timed out waiting for $4"
}

configure() { # datadir port
  cat >>"$1/postgresql.conf" <<CONF
port = $2
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
wal_level = replica
max_wal_senders = 5
hot_standby = on
wal_log_hints = on
fsync = off
full_page_writes = off
# Dynamic shared memory in the data folder, not /dev/shm: a server the tests kill leaves none behind.
dynamic_shared_memory_type = mmap
CONF
}

up() {
  [ ! -e "$DIR/primary" ] || die "$DIR already has a lab; run '$0 down' first"
  if [ "$(id -u)" -eq 0 ]; then install -d -o postgres -m 700 "$DIR"; else install -d -m 700 "$DIR"; fi
  as_pg "$BIN/initdb" -D "$DIR/primary" -U postgres --auth=trust --no-locale -E UTF8 >"$DIR/initdb.log"
  configure "$DIR/primary" "$PRIMARY_PORT"
  as_pg "$BIN/pg_ctl" -D "$DIR/primary" -l "$DIR/primary.log" -w start >/dev/null
  as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DIR/replica" -R -X stream -c fast
  sed -i "s/^port = .*/port = $REPLICA_PORT/" "$DIR/replica/postgresql.conf"
  as_pg "$BIN/pg_ctl" -D "$DIR/replica" -l "$DIR/replica.log" -w start >/dev/null
  wait_for "$REPLICA_URL" "select status from pg_stat_wal_receiver" streaming "the standby to stream"
  echo "primary: $PRIMARY_URL"
  echo "standby: $REPLICA_URL"
}

status() {
  for role in primary replica; do
    url=$PRIMARY_URL; [ "$role" = replica ] && url=$REPLICA_URL
    if out=$(q "$url" "select case when pg_is_in_recovery() then 'standby' else 'primary' end, current_setting('default_transaction_read_only'), coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())" 2>/dev/null); then
      echo "$role ($url): $out"
    else
      echo "$role ($url): down"
    fi
  done
}

postmaster_pid() { head -n 1 "$DIR/$1/postmaster.pid" 2>/dev/null || true; }

stop_node() { # name
  [ -d "$DIR/$1" ] || return 0
  as_pg "$BIN/pg_ctl" -D "$DIR/$1" -m fast -w -t 10 stop >/dev/null 2>&1 \
    || as_pg "$BIN/pg_ctl" -D "$DIR/$1" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  local pid; pid=$(postmaster_pid "$1")
  # A postmaster killed with -9 can linger as a zombie for seconds; its children must not outlive it.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  pkill -9 -f -- "-D $DIR/$1" 2>/dev/null || true
}

down() {
  stop_node replica
  stop_node primary
  rm -rf "$DIR"
}

case "${1:-}" in
  up) up ;;
  env) echo "PRIMARY_URL=$PRIMARY_URL"; echo "REPLICA_URL=$REPLICA_URL" ;;
  status) status ;;
  crash-primary)
    pid=$(postmaster_pid primary); [ -n "$pid" ] || die "no primary running"
    kill -9 "$pid"
    # The postmaster's children notice it is gone and exit; wait until the port is closed.
    for _ in $(seq 1 100); do q "$PRIMARY_URL" "select 1" >/dev/null 2>&1 || exit 0; sleep 0.1; done
    die "the primary still answers after kill -9"
    ;;
  pause-replay) q "$REPLICA_URL" "select pg_wal_replay_pause()" >/dev/null ;;
  resume-replay) q "$REPLICA_URL" "select pg_wal_replay_resume()" >/dev/null ;;
  down) down ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
