#!/usr/bin/env bash
# The register import benchmark (issue 4, BENCHMARKS.md): the national register (4.3 million
# persons) imported and compiled into voter lists in one transaction, on a database that holds
# the national setup only, RUNS times; then a re-import of a changed extract (1,000 persons
# removed, 1,000 surnames changed), a recompile from the stored register, and the floor
# (`shailoo bench register-floor`: the same import without compiling), 3 times. Wall time and
# peak memory from /usr/bin/time, phase times from the store's log.
#
#   scripts/bench/register.sh                                     # SQLite
#   PG=postgres://postgres@127.0.0.1:54329 scripts/bench/register.sh   # SQLite, then PostgreSQL
#
# PG is a server URL without a database name; the script creates (and drops) databases named
# bench_register_* there through psql. Give the server shared_buffers = 2GB and
# max_wal_size = 8GB (README). Environment: CARGO_TARGET_DIR (default target), WORK (scratch
# folder, default a temp dir, kept when set; the generated data is reused), RUNS (default 5),
# AT (the instant of the imports, default 1 October 2024: the generated election's lists may be
# compiled until the end of CAL-12). The re-import is its dry run, then its confirmation.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUNS="${RUNS:-5}"
AT="${AT:-2024-10-01T12:00:00+06:00}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TMPWORK=""
if [[ -n "${WORK:-}" ]]; then mkdir -p "$WORK"; else WORK="$(mktemp -d)"; TMPWORK="$WORK"; fi
trap '[[ -n "$TMPWORK" ]] && rm -rf "$TMPWORK"' EXIT
BIN="$TARGET/release/shailoo"
export SHAILOO_LOG=shailoo_store=info

echo "== building (release)"
(cd "$ROOT" && cargo build --release -p shailoo-cli --quiet)

if [[ ! -f "$WORK/data/manifest.json" ]]; then
  echo "== generating the national data"
  "$BIN" generate --scale national --out "$WORK/data"
fi
if [[ ! -f "$WORK/setup/manifest.json" ]]; then
  echo "== the setup alone (a register of only its header), and the changed extract"
  mkdir -p "$WORK/setup" "$WORK/changed"
  cp "$WORK"/data/*.csv "$WORK"/data/*.json "$WORK/setup/"
  head -1 "$WORK/data/register.csv" >"$WORK/setup/register.csv"
  cp "$WORK/data/manifest.json" "$WORK/changed/"
  # Rows 4000, 8000, … dropped and rows 2000, 6000, … given a longer surname (its second
  # field; the PIN and the surname never hold quotes or commas), 1,000 of each.
  awk 'NR == 1 { print; next }
       { k = NR - 1 }
       k % 4000 == 0 && dropped < 1000 { dropped++; next }
       k % 4000 == 2000 && changed < 1000 {
         changed++; i = index($0, ","); j = index(substr($0, i + 1), ",")
         $0 = substr($0, 1, i + j - 1) "а" substr($0, i + j)
       }
       { print }' "$WORK/data/register.csv" >"$WORK/changed/register.csv"
fi

measure() {
  # One command: its phase lines, its summary line, wall time and peak memory.
  /usr/bin/time -f "   wall %e s, peak %M KB" "$BIN" "$@" 2>&1 |
    sed 's/\x1b\[[0-9;]*m//g' |
    grep -E "import: |imported |dry run |difference |voter lists of|floor on|wall " |
    sed -E 's/^[0-9T:.-]+Z +INFO [a-z_:]+: /   /'
}

# The sequence on one engine; $1 names a function that makes a fresh copy of the setup database
# called $2 and prints its URL.
sequence() {
  local fresh="$1" run floor n
  for n in $(seq "$RUNS"); do
    echo "-- first import + compile, run $n"
    run=$("$fresh" run)
    measure register import --db "$run" "$WORK/data/register.csv" --compile --at "$AT"
  done
  echo "-- re-import + compile (1,000 removed, 1,000 changed): the dry run"
  measure register import --db "$run" "$WORK/changed/register.csv" --compile --at "$AT" |
    tee "$WORK/dry-run.txt"
  difference=$(grep -o 'difference [0-9a-f]*' "$WORK/dry-run.txt" | head -1 | cut -d' ' -f2)
  echo "-- re-import + compile: its confirmation"
  measure register import --db "$run" "$WORK/changed/register.csv" --compile --at "$AT" \
    --confirm "$difference"
  echo "-- recompile"
  measure register compile --db "$run" --at "$AT"
  for n in 1 2 3; do
    echo "-- floor, run $n"
    floor=$("$fresh" floor)
    measure bench register-floor "$WORK/data/register.csv" --db "$floor"
  done
}

sqlite_copy() {
  rm -f "$WORK/$1".db*
  cp "$WORK/setup.db" "$WORK/$1.db"
  echo "sqlite://$WORK/$1.db"
}

echo
echo "=== SQLite"
rm -f "$WORK"/setup.db*
"$BIN" load --db "sqlite://$WORK/setup.db" --data "$WORK/setup" >/dev/null 2>&1
sequence sqlite_copy
rm -f "$WORK"/run.db* "$WORK"/floor.db*

if [[ -n "${PG:-}" ]]; then
  echo
  echo "=== PostgreSQL ($PG)"
  sql() {
    PGOPTIONS=--client-min-messages=warning psql "$PG/postgres" -qX -v ON_ERROR_STOP=1 -c "$1" >/dev/null
  }
  pg_copy() {
    sql "DROP DATABASE IF EXISTS bench_register_$1"
    sql "CREATE DATABASE bench_register_$1 TEMPLATE bench_register_setup"
    echo "$PG/bench_register_$1"
  }
  sql "DROP DATABASE IF EXISTS bench_register_setup"
  sql "CREATE DATABASE bench_register_setup"
  "$BIN" load --db "$PG/bench_register_setup" --data "$WORK/setup" >/dev/null 2>&1
  sequence pg_copy
  for db in run floor setup; do
    sql "DROP DATABASE IF EXISTS bench_register_$db"
  done
fi
