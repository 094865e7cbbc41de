#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the store's contract tests and prints its admin URL.
#
#   scripts/postgres-test-server.sh [DATA_DIR] [PORT]
#   export SHAILOO_TEST_POSTGRES_URL=$(scripts/postgres-test-server.sh /tmp/shailoo-pg 54329)
#
# Defaults: DATA_DIR=/tmp/shailoo-pg, PORT=54329. Installs nothing: it needs the Debian
# `postgresql` package (server binaries under /usr/lib/postgresql/*/bin). Idempotent: an
# existing cluster in DATA_DIR is reused and a running one left running. The cluster listens on
# 127.0.0.1 only, with trust authentication (it holds test data only), and keeps its socket in
# DATA_DIR. The server refuses to run as root, so under root it runs as user `postgres`.
# Only the URL goes to stdout; progress and errors go to stderr.
# Stop it with: pg_ctl -D DATA_DIR stop (as the same user).
set -euo pipefail

dir="${1:-/tmp/shailoo-pg}"
port="${2:-54329}"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin:" \
    "install the Debian package 'postgresql'" >&2
  exit 1
fi

# Run a server binary as the user that owns the cluster.
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "running as root but there is no 'postgres' user to run the server as" >&2
    exit 1
  fi
  as_owner() { runuser -u postgres -- "$@"; }
  mkdir -p "$dir"
  chown postgres: "$dir"
else
  as_owner() { "$@"; }
  mkdir -p "$dir"
fi
chmod 700 "$dir"

if [ ! -f "$dir/PG_VERSION" ]; then
  echo "initializing a PostgreSQL cluster in $dir" >&2
  as_owner "$bindir/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir.initdb.log" 2>&1 || {
    cat "$dir.initdb.log" >&2
    exit 1
  }
  cat >>"$dir/postgresql.conf" <<EOF
# shailoo test cluster: throwaway data, so durability is traded for speed
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  cat >"$dir/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
fi

if as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  echo "PostgreSQL already running in $dir" >&2
else
  echo "starting PostgreSQL on 127.0.0.1:$port" >&2
  as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -o "-p $port" -w -t 30 start >&2 || {
    tail -n 20 "$dir/server.log" >&2 || true
    exit 1
  }
fi

for _ in $(seq 1 60); do
  if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    exit 0
  fi
  sleep 0.5
done
echo "PostgreSQL in $dir did not accept connections on 127.0.0.1:$port" >&2
exit 1
