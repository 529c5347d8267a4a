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
#
# Several app servers, and faults ridden out mid-workshop:
#   LOAD_SERVERS=2        two app servers on one PostgreSQL behind HAProxy (a fresh
#                         database of its own unless LOAD_DATABASE_URL names one)
#   LOAD_PROXY=1          one server on its own fresh PostgreSQL database, behind the same
#                         proxy (to compare like with like)
#   LOAD_FAULT=kill|term  the first app server is killed (a crash) or asked to stop (a
#                         deploy) halfway through the notes; its screens must come back
#                         through the other and miss nothing
#   LOAD_FAULT=restart    PostgreSQL is restarted halfway through the notes
#                         (LOAD_RESTART, default `pg_ctlcluster <version> main restart`)
#   e.g. LOAD_SERVERS=2 LOAD_FAULT=kill scripts/load.sh 1000 100
#
# LOAD_REUSE=1 asks for each screen's stream on a connection kept alive from an earlier
# request (as a browser talking to the app directly does), which hyper serves, instead
# of as the first request on a new connection (as behind nginx), which the lean path
# serves: the two paths measured with one build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
sizes="${1:-1000}"
rate="${2:-100}"
servers="${LOAD_SERVERS:-1}"
fault="${LOAD_FAULT:-}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/bench}"
# Thousands of connections at both ends.
ulimit -n "$(ulimit -Hn)"

# Building a bench builds the package's server binary too, with the same features: one
# release build of the app, not two.
cargo bench -p server --bench load --no-run

dir="$(mktemp -d)"
pids=()
pgdb=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n "$pgdb" ]]; then
    psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

if [[ -z "${LOAD_DATABASE_URL:-}" && ( "$servers" -gt 1 || -n "${LOAD_PROXY:-}" || "$fault" == restart ) ]]; then
  pgdb="qc_load_$$"
  psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE DATABASE $pgdb"
  LOAD_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pgdb"
fi
db="${LOAD_DATABASE_URL:-sqlite://$dir/load.db?mode=rwc}"
if [[ "$fault" == restart && -z "${LOAD_RESTART:-}" ]]; then
  LOAD_RESTART="pg_ctlcluster $(pg_lsclusters -h | awk 'NR==1 {print $1}') main restart"
fi

# Wait until $1 answers /health, failing with log $3 if process $2 ends first.
wait_healthy() {
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$1/health" && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; exit 1; }
    sleep 0.2
  done
}

port="${LOAD_PORT:-3300}"
urls=()
# One at a time: the first writes the demo data into the empty database.
for i in $(seq 0 $((servers - 1))); do
  p=$((port + i))
  DATABASE_URL="$db" LEPTOS_SITE_ADDR="127.0.0.1:$p" LEPTOS_SITE_ROOT=target/site \
    QC_DEMO=true QC_DEMO_HISTORY=false QC_TRUST_PROXY=true RUST_LOG=warn \
    "$CARGO_TARGET_DIR/release/server" >"$dir/server-$i.log" 2>&1 &
  pids+=($!)
  wait_healthy "http://127.0.0.1:$p" "${pids[$i]}" "$dir/server-$i.log"
  urls+=("http://127.0.0.1:$p")
  echo "server $i: pid ${pids[$i]} on 127.0.0.1:$p, $(grep VmRSS "/proc/${pids[$i]}/status" | tr -s ' ') before the load"
done
server_pids="$(IFS=,; echo "${pids[*]}")"
server_urls="$(IFS=,; echo "${urls[*]}")"
base="${urls[0]}"

if [[ "$servers" -gt 1 || -n "${LOAD_PROXY:-}" ]]; then
  command -v haproxy >/dev/null || apt-get install -y -q haproxy >/dev/null || {
    echo "HAProxy is needed in front of several app servers: apt-get install haproxy" >&2
    exit 1
  }
  proxy_port=$((port + 10))
  # Health checked every half second on /health (503 while the database is away or the
  # server is stopping); a request refused by a server that went away is sent to another.
  {
    echo "global"
    # Two descriptors a connection, within this shell's limit.
    echo "  maxconn $(( $(ulimit -n) / 2 - 500 ))"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 2s"
    echo "  timeout client 5m"
    echo "  timeout server 5m"
    echo "  retries 2"
    echo "  option redispatch 1"
    echo "frontend qc"
    echo "  bind 127.0.0.1:$proxy_port"
    echo "  option forwardfor"
    echo "  default_backend app"
    echo "backend app"
    echo "  balance roundrobin"
    echo "  option httpchk GET /health"
    echo "  http-check expect status 200"
    # A check answers within 3 s (a busy server is not a dead one); a stopped server
    # refuses at once, and is out after three checks.
    echo "  timeout check 3s"
    echo "  default-server inter 500ms fall 3 rise 2"
    for i in "${!urls[@]}"; do
      echo "  server app$i ${urls[$i]#http://} check"
    done
  } >"$dir/haproxy.cfg"
  haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
  pids+=($!)
  wait_healthy "http://127.0.0.1:$proxy_port" "${pids[-1]}" "$dir/haproxy.log"
  base="http://127.0.0.1:$proxy_port"
  echo "HAProxy $(haproxy -v | head -1 | awk '{print $3}') on $base in front of $server_urls"
fi

LOAD_URL="$base" LOAD_SERVER_URLS="$server_urls" LOAD_DATABASE_URL="$db" \
  LOAD_SERVER_PIDS="$server_pids" LOAD_SIZES="$sizes" LOAD_RATE="$rate" \
  LOAD_FAULT="$fault" LOAD_RESTART="${LOAD_RESTART:-}" LOAD_REUSE="${LOAD_REUSE:-}" \
  cargo bench -p server --bench load
