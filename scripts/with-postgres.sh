#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL server started in a temporary directory,
# then stops the server and removes the directory. PostgreSQL refuses to run as root, so as
# root the server runs as the unprivileged 'postgres' user (created if missing).
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]   (DATABASE_URL is set for COMMAND)
set -euo pipefail

find_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

PG_BIN=$(find_pg_bin || true)
if [ -z "$PG_BIN" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "with-postgres: installing PostgreSQL with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(find_pg_bin)
  else
    echo "with-postgres: PostgreSQL (initdb, pg_ctl) is not installed; install the 'postgresql' package." >&2
    exit 1
  fi
fi

run_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  run_as=(runuser -u postgres --)
fi

tmp=$(mktemp -d /tmp/caremarket-pg.XXXXXX)
chmod 755 "$tmp"
port=${CAREMARKET_PG_PORT:-$((20000 + RANDOM % 20000))}
[ "$(id -u)" = 0 ] && chown postgres "$tmp"

stop() {
  "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT

"${run_as[@]}" "$PG_BIN/initdb" -D "$tmp/data" -U caremarket --auth=trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
"${run_as[@]}" "$PG_BIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
"$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U caremarket caremarket

export DATABASE_URL="postgres://caremarket@127.0.0.1:$port/caremarket"
echo "with-postgres: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $port" >&2
"$@"
