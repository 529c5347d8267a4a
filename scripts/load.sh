#!/usr/bin/env bash
# Load a real Q Commons server with N participants' phones from a separate process, and
# measure the server alone: p50/p95/p99 until every screen sees each note and vote, lost
# deliveries, the rate achieved, the re-send of every board, and the server's memory per
# idle and per busy live connection (read from its own process).
#
#   scripts/load.sh [sizes] [rate]        e.g. scripts/load.sh 1000,3000 100
#
# On SQLite (a fresh file) by default; LOAD_DATABASE_URL=postgres://… runs the server on
# that PostgreSQL database instead (it must be empty or hold the demo data). Release
# builds in target/bench (as the benches), so the first run compiles for a while.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
sizes="${1:-1000}"
rate="${2:-100}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/bench}"
# Thousands of connections at both ends.
ulimit -n "$(ulimit -Hn)"

# Building a bench builds the package's server binary too, with the same features: one
# release build of the app, not two.
cargo bench -p server --bench load --no-run

dir="$(mktemp -d)"
db="${LOAD_DATABASE_URL:-sqlite://$dir/load.db?mode=rwc}"
port="${LOAD_PORT:-3300}"
DATABASE_URL="$db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
  QC_DEMO=true QC_DEMO_HISTORY=false RUST_LOG=warn \
  "$CARGO_TARGET_DIR/release/server" >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/join" && break
  kill -0 $pid 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  sleep 0.2
done
echo "server pid $pid on 127.0.0.1:$port, $(grep VmRSS /proc/$pid/status | tr -s ' ') before the load"
LOAD_URL="http://127.0.0.1:$port" LOAD_DATABASE_URL="$db" LOAD_SERVER_PID=$pid \
  LOAD_SIZES="$sizes" LOAD_RATE="$rate" \
  cargo bench -p server --bench load
