#!/usr/bin/env bash
# The PIN look-up benchmark (issue 4, BENCHMARKS.md): requests/s and p99 latency of
# GET /api/v1/voters/{pin}/station on loopback, beside /healthz of the same server in the same
# run, with the rate limiter in the path (the load generator's address exempted through
# SHAILOO_RATE_LIMIT_EXEMPT: the check still runs and answers "exempt") and the answers served
# from the real store (SQLite, through the in-memory look-up index built from it).
#
#   scripts/bench/lookup.sh            # national data (4.3 million persons)
#   SCALE=small scripts/bench/lookup.sh
#
# Environment: CARGO_TARGET_DIR (default target), WORK (scratch folder, default a temp dir,
# kept when set), REUSE_DB (skip loading when WORK already holds bench.db), PORT (default 18473), DURATION (default 10s), CONNECTIONS (default 32),
# THREADS (wrk threads, default 1).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SCALE="${SCALE:-national}"
PORT="${PORT:-18473}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TMPWORK=""
if [[ -n "${WORK:-}" ]]; then mkdir -p "$WORK"; else WORK="$(mktemp -d)"; TMPWORK="$WORK"; fi
SERVER=""
cleanup() {
  if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; fi
  if [[ -n "$TMPWORK" ]]; then rm -rf "$TMPWORK"; fi
}
trap cleanup EXIT
BIN="$TARGET/release/shailoo"
DB="sqlite://$WORK/bench.db"

echo "== building (release)"
(cd "$ROOT" && cargo build --release -p shailoo-cli --quiet)

if [[ ! -f "$WORK/data/manifest.json" ]]; then
  echo "== generating $SCALE data"
  "$BIN" generate --scale "$SCALE" --out "$WORK/data"
fi

if [[ -n "${REUSE_DB:-}" && -f "$WORK/bench.db" ]]; then
  echo "== reusing $WORK/bench.db (REUSE_DB is set)"
else
  echo "== loading into a fresh SQLite database"
  rm -f "$WORK"/bench.db*
  "$BIN" load --db "$DB" --data "$WORK/data"
  echo "== compiling the voter lists (shailoo register compile)"
  "$BIN" register compile --db "$DB"
fi
ENTRIES=$(sqlite3 "$WORK/bench.db" "SELECT count(*) FROM voter_list_entries")
echo "voter list entries: $ENTRIES"
sqlite3 "$WORK/bench.db" "SELECT pin FROM voter_list_entries ORDER BY random() LIMIT 100000" > "$WORK/pins.txt"
echo "PINs for the benchmark: $(wc -l < "$WORK/pins.txt") random ones from the lists"

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "port $PORT is in use by another program: set PORT" >&2
  exit 1
fi
echo "== starting the server (rate limit exempt: 127.0.0.1)"
SHAILOO_LOG="${SHAILOO_LOG:-warn}" SHAILOO_RATE_LIMIT_EXEMPT=127.0.0.1 \
  "$BIN" serve --db "$DB" --addr "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$WORK/server.log" >&2; exit 1; fi
  sleep 0.2
done
# The first look-up starts the index; wait until it is built from the store.
FIRST=$(head -n1 "$WORK/pins.txt")
curl -sf "http://127.0.0.1:$PORT/api/v1/voters/$FIRST/station" > /dev/null
START=$(date +%s.%N)
until curl -s "http://127.0.0.1:$PORT/metrics" | grep -Eq '^shailoo_lookup_index_entries [1-9]'; do
  sleep 0.2
done
echo "look-up index built in $(echo "$(date +%s.%N) - $START" | bc) s: $(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^shailoo_lookup_index_entries')"
echo "RSS of the server: $(ps -o rss= -p $SERVER) KiB"
echo "sample answer: $(curl -s "http://127.0.0.1:$PORT/api/v1/voters/$FIRST/station" | head -c 300)"

echo "== warm-up"
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$ROOT/scripts/bench/lookup.lua" "http://127.0.0.1:$PORT" -- "$WORK/pins.txt" > /dev/null

# CPU time the server spent (user + system, clock ticks): with the load generator on the same
# two cores, and on a shared machine, requests/s alone depends on who else runs; the server's
# CPU time per request does not.
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }

echo "== /healthz"
C0=$(cpu)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/healthz" | tee "$WORK/healthz.txt"
C1=$(cpu)
echo "== /api/v1/voters/{pin}/station"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/scripts/bench/lookup.lua" \
  "http://127.0.0.1:$PORT" -- "$WORK/pins.txt" | tee "$WORK/lookup.txt"
C2=$(cpu)
per_request() { # ticks, wrk output file -> server CPU microseconds per request
  local n
  n=$(awk '/requests in/ {print $1}' "$2")
  echo "scale=1; $1 * 1000000 / $TICK / $n" | bc
}
echo "server CPU per request: /healthz $(per_request $((C1 - C0)) "$WORK/healthz.txt") µs, look-up $(per_request $((C2 - C1)) "$WORK/lookup.txt") µs"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"

H=$(awk '/^Requests\/sec/ {print $2}' "$WORK/healthz.txt")
L=$(awk '/^Requests\/sec/ {print $2}' "$WORK/lookup.txt")
P99=$(awk '$1 == "99%" {print $2}' "$WORK/lookup.txt")
echo "== summary: look-up $L req/s (p99 $P99), /healthz $H req/s, ratio $(echo "scale=2; $L / $H" | bc)"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
SERVER=""
