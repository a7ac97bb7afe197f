#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on a free loopback port, run as the postgres user.
# Usage: source scripts/pg.sh; pg_start; ...; pg_stop   (pg_start exports DATABASE_URL)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

pg_start() {
  PGROOT=$(mktemp -d /tmp/safeguard-pg.XXXXXX)
  chown postgres: "$PGROOT"
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w \
      -o "-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  runuser -u postgres -- psql -h "$PGROOT" -p "$PGPORT" -d postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app"
  export PGROOT PGPORT
  export DATABASE_URL="postgres://app:app@127.0.0.1:$PGPORT/app"
}

pg_stop() {
  if [ -n "${PGROOT:-}" ] && [ -d "$PGROOT" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PGROOT"
  fi
}
