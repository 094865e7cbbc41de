#!/usr/bin/env bash
# The register import through the CEC's register page (issue 4, BENCHMARKS.md): a server on
# SQLite (write-ahead log, as `shailoo serve` runs it), a CEC admin signed in with curl, the
# national register uploaded, its preview (issue 12: the difference, nothing stored) and its
# confirmation; the time from the start of the upload to the preview's page, then to the import
# job's page saying "done", and the store's phase times from the server's log. Without
# "compile": the server runs on the real clock, and the generated 2024 election's lists may no
# longer be compiled (the end of CAL-12 has passed).
#
#   WORK=/tmp/bench-register scripts/bench/register-web.sh
#
# WORK is the folder scripts/bench/register.sh prepared (data/, setup.db); PORT (default 18474).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/shailoo"
PORT="${PORT:-18474}"
: "${WORK:?set WORK to the folder scripts/bench/register.sh prepared}"
BASE="http://127.0.0.1:$PORT"
DB="sqlite://$WORK/web.db"
JAR="$WORK/cookies.txt"
SERVER=""
trap '[[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null; rm -f "$JAR" "$WORK"/web.db*' EXIT

(cd "$ROOT" && cargo build --release -p shailoo-cli --quiet)
rm -f "$WORK"/web.db* "$JAR"
cp "$WORK/setup.db" "$WORK/web.db"
SHAILOO_PASSWORD=bench-password-1 "$BIN" user add --db "$DB" --username benchadmin \
  --name "Bench Admin" --role cec_admin --commission cec >/dev/null 2>&1
SHAILOO_LOG=shailoo_store=info "$BIN" serve --db "$DB" --addr "127.0.0.1:$PORT" >"$WORK/web-server.log" 2>&1 &
SERVER=$!
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.2; done

field() { grep -o "name=\"$1\" value=\"[^\"]*\"" | head -1 | sed 's/.*value="//; s/"$//'; }
token=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | field csrf)
curl -s -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "csrf=$token" \
  --data-urlencode next=/register --data-urlencode username=benchadmin \
  --data-urlencode password=bench-password-1 "$BASE/login"
page=$(curl -s -c "$JAR" -b "$JAR" "$BASE/register")
token=$(echo "$page" | field csrf)
election=$(echo "$page" | field election)

started=$(date +%s.%N)
job=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w "%{redirect_url}" -F "csrf=$token" \
  -F "election=$election" -F "file=@$WORK/data/register.csv;type=text/csv" \
  "$BASE/register/import")
uploaded=$(date +%s.%N)
while curl -s -b "$JAR" "$job" | grep -q 'data-state="running"'; do sleep 0.2; done
previewed=$(date +%s.%N)
preview=$(curl -s -b "$JAR" "$job")
difference=$(echo "$preview" | field difference)
import=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w "%{redirect_url}" \
  --data-urlencode "csrf=$token" --data-urlencode "difference=$difference" "$job/confirm")
while curl -s -b "$JAR" "$import" | grep -q 'data-state="running"'; do sleep 0.2; done
ended=$(date +%s.%N)
state=$(curl -s -b "$JAR" "$import" | grep -o 'id="job"[^>]*data-state="[a-z]*"' | sed 's/.*data-state=//')
echo "upload $(echo "$uploaded - $started" | bc) s, preview $(echo "$previewed - $started" | bc) s, imported $(echo "$ended - $started" | bc) s after the upload began; job state $state"
sed 's/\x1b\[[0-9;]*m//g' "$WORK/web-server.log" | grep "import: " | sed -E 's/^[0-9T:.-]+Z +INFO [a-z_:]+: /   /'
