#!/usr/bin/env bash
# Reads under load on loopback: /healthz, a JSON API read and an HTML page, in one run, against
# the release binary serving the demo database (SQLite). Needs `wrk` (Debian package).
# Usage: scripts/bench/http.sh [seconds=10] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q -p shailoo-cli
bin=target/release/shailoo
db=${SHAILOO_BENCH_DB:-sqlite:///tmp/shailoo-bench-demo.db}
addr=127.0.0.1:18080
# Prepare the demo data once (the demo command loads it, then serves; stop it once it serves).
$bin demo --db "$db" --addr "$addr" --clock-start now > /tmp/shailoo-bench-demo.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://$addr/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
run() {
  echo "== $1"
  wrk -t1 -c"$connections" -d"${seconds}s" --latency "http://$addr$1" | grep -E "Requests/sec|99%|50%|Non-2xx"
}
run /healthz
run /api/v1/stations/1001
run /api/v1/councils/bishkek-city
run "/stations/1001?lang=ru"
run "/councils?q=%D0%B1%D0%B8%D1%88%D0%BA%D0%B5%D0%BA"
