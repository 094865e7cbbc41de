#!/usr/bin/env bash
# Schema-driven API test: Schemathesis (from PyPI, pinned below) generates requests from the
# served OpenAPI document, valid and invalid, and checks every answer: no server error, every
# status documented, every body of the documented type and shape. It runs against a server on
# SQLite and one on PostgreSQL, each loaded with the generator's small dataset.
#
# Bounded so that CI stays within its budget: SHAILOO_FUZZ_EXAMPLES cases per operation and
# phase (default 40) and SHAILOO_FUZZ_SECONDS per engine (default 90: Schemathesis spends the
# whole budget, repeating its fuzzing); a fixed seed makes
# a failure reproducible (SHAILOO_FUZZ_SEED). The look-up's rate limit is lifted for the loopback
# client (SHAILOO_RATE_LIMIT_EXEMPT), else most look-ups would be 429s and test little. One
# worker: with two threads, Python 3.11's ast.parse (which Hypothesis calls to describe its
# filters) fails now and then ("AST constructor recursion depth mismatch", a CPython bug), and
# the run would report that as an error of its own.
#
# Usage: scripts/api-fuzz.sh [cargo flags such as --locked]. Needs python3 with venv, and
# SHAILOO_TEST_POSTGRES_URL (an admin URL, as scripts/postgres-test-server.sh prints) for the
# PostgreSQL half; without it only SQLite runs, unless CI is set: then it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
examples=${SHAILOO_FUZZ_EXAMPLES:-40}
seconds=${SHAILOO_FUZZ_SECONDS:-90}
seed=${SHAILOO_FUZZ_SEED:-2024}
venv=${SHAILOO_FUZZ_VENV:-target/schemathesis-venv}

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv…"
  # --clear: a venv copied or moved from another path has stale interpreter paths.
  python3 -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
venv=$(cd "$venv" && pwd)

cargo build --quiet -p shailoo-cli --bin shailoo "$@"
shailoo=target/debug/shailoo
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$shailoo" generate --scale small --out "$work/data" >/dev/null

# A free port on loopback.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# fuzz ENGINE DB_URL: loads the dataset, serves it, runs Schemathesis, stops the server.
fuzz() {
  local engine=$1 db=$2 port
  echo "== schemathesis on $engine"
  "$shailoo" load --db "$db" --data "$work/data" >/dev/null
  port=$(free_port)
  # The messaging webhook served as deployed, with its secret: unsigned requests get 401
  # (without one it answers 503, which a fuzzer rightly counts as a server error).
  SHAILOO_RATE_LIMIT_EXEMPT=127.0.0.1 SHAILOO_LOG=warn \
    SHAILOO_VIOLATIONS_WEBHOOK_SECRET=fuzz-webhook-secret \
    "$shailoo" serve --db "$db" --addr "127.0.0.1:$port" >"$work/$engine.log" 2>&1 &
  server=$!
  local base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  local status=0
  # From the work folder: Schemathesis and Hypothesis keep their caches in the current one.
  (cd "$work" && "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
    --max-examples "$examples" --max-time "$seconds" --seed "$seed" \
    --workers 1 --request-timeout 10 --no-color \
    --report junit --report-junit-path "$work/$engine.xml") || status=$?
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  if [ "$status" -ne 0 ]; then
    echo "schemathesis found problems on $engine; the server's log:" >&2
    tail -n 50 "$work/$engine.log" >&2
    return "$status"
  fi
}

fuzz sqlite "sqlite://$work/fuzz.db"

if [ -n "${SHAILOO_TEST_POSTGRES_URL:-}" ]; then
  name="shailoo_fuzz_$$"
  psql=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | head -n 1)
  psql=${psql:-psql}
  "$psql" -q "$SHAILOO_TEST_POSTGRES_URL" -c "CREATE DATABASE $name"
  pg_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$SHAILOO_TEST_POSTGRES_URL" "$name")
  status=0
  fuzz postgres "$pg_url" || status=$?
  "$psql" -q "$SHAILOO_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"
  exit "$status"
elif [ -n "${CI:-}" ]; then
  echo "SHAILOO_TEST_POSTGRES_URL is not set, and CI must fuzz the API on PostgreSQL too" >&2
  exit 1
else
  echo "notice: SHAILOO_TEST_POSTGRES_URL is not set; the API was fuzzed on SQLite only"
fi
