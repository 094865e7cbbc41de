#!/usr/bin/env bash
# Talapker and the candidates API under load on loopback, beside /healthz in the same run,
# against the release binary serving the demo database (SQLite; the demo loads the generated
# candidacies on its first start). Needs `wrk` (Debian package).
# Usage: scripts/bench/talapker.sh [seconds=10] [connections=32]
#   SHAILOO_BENCH_DB=sqlite:///path/demo.db reuses a demo database already loaded.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q -p shailoo-cli
bin=target/release/shailoo
db=${SHAILOO_BENCH_DB:-sqlite:///tmp/shailoo-bench-demo.db}
addr=127.0.0.1:18081
$bin demo --db "$db" --addr "$addr" > /tmp/shailoo-bench-talapker.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 3600); do
  curl -sf "http://$addr/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
run() {
  echo "== $1"
  wrk -t1 -c"$connections" -d"${seconds}s" --latency "http://$addr$1" | grep -E "Requests/sec|99%|50%|Non-2xx"
}
run /healthz
# Bishkek's candidates (290 filed, a page of 50), a party's, a name search, one candidate.
run "/talapker/local-2024?council=bishkek-city&lang=ru"
run "/talapker/local-2024?party=zhany-kuch&lang=ru"
run "/talapker/local-2024?name=%D1%83%D1%83%D0%BB%D1%83"
candidate=$(curl -sf "http://$addr/api/v1/elections/local-2024/candidates?council=bishkek-city&per_page=1" \
  | sed -E 's/.*"candidate":"([^"]+)".*"nomination":([0-9]+).*/\2\/\1/')
run "/talapker/local-2024/candidates/$candidate?lang=ru"
run "/api/v1/elections/local-2024/candidates?council=bishkek-city"
run "/api/v1/elections/local-2024/candidates?status=registered&per_page=500"
