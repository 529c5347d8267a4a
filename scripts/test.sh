#!/usr/bin/env bash
# Set up what is missing, then run every test: unit and service tests (on SQLite, and on
# PostgreSQL too when TEST_DATABASE_URL is set), then the browser tests in Chromium
# (on SQLite, and again on a fresh PostgreSQL database when TEST_DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."

# With TEST_DATABASE_URL set, every PostgreSQL pass runs or the command fails: a missing
# psql must not quietly drop the PostgreSQL browser run.
if [ -n "${TEST_DATABASE_URL:-}" ] && ! command -v psql >/dev/null; then
  echo "TEST_DATABASE_URL is set but psql is not installed, so the PostgreSQL browser tests cannot run." >&2
  echo "Install it (Debian: apt-get install postgresql-client), or unset TEST_DATABASE_URL to test on SQLite only." >&2
  exit 1
fi

scripts/setup.sh
. scripts/env.sh

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  step "Sweeping test schemas and databases left by failed runs on PostgreSQL"
  psql "$TEST_DATABASE_URL" -Atq -c "SELECT 'DROP SCHEMA ' || nspname || ' CASCADE;' FROM pg_namespace WHERE nspname LIKE 'qc_test_%'" \
    | psql "$TEST_DATABASE_URL" -q >/dev/null || true
  psql "$TEST_DATABASE_URL" -Atq -c "SELECT 'DROP DATABASE ' || datname || ';' FROM pg_database WHERE datname LIKE 'qc_e2e_%'" \
    | psql "$TEST_DATABASE_URL" -q >/dev/null || true
fi

step "Layers import downward only: nothing on the server side names the doors (crate::api)"
if grep -rn "crate::api" app/src/server; then
  echo "app/src/server must not import from app/src/api: move the shared type to app/src/model" >&2
  exit 1
fi

# The tests build the server's crates with the flags and name cargo-leptos gives them
# (type-erased components; the site's output name), so its server build below reuses
# them instead of compiling every crate a second time.
export RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=qcommons

step "Unit and service tests (SQLite${TEST_DATABASE_URL:+ and PostgreSQL})"
cargo test -p app --features ssr

step "Server guards (body limit, headers, time limit, shutdown, static files and caching, forms sent back without JavaScript, the home page kept for visitors) on the real router"
# Every test file in server/tests.
cargo test -p server --tests

unset RUSTFLAGS LEPTOS_OUTPUT_NAME

step "The WASM a participant downloads, against its budget (release build, end2end/size-budget.json)"
cargo leptos build --release --frontend-only --split --precompress
node end2end/sizes.mjs target/site/pkg --budget

step "Building the site (server + WASM)"
cargo leptos build --split

step "End-to-end tests in Chromium on SQLite (desktop and 360 px phone)"
(cd end2end && npx playwright test)

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  e2e_db="qc_e2e_$$"
  # What the database does is the same at any screen width: the phone layouts were
  # checked on SQLite above.
  step "End-to-end tests in Chromium on PostgreSQL, desktop (database $e2e_db)"
  psql "$TEST_DATABASE_URL" -q -c "CREATE DATABASE $e2e_db"
  trap 'psql "$TEST_DATABASE_URL" -q -c "DROP DATABASE IF EXISTS $e2e_db" >/dev/null 2>&1 || true' EXIT
  pg_url="${TEST_DATABASE_URL%/*}/$e2e_db"
  (cd end2end && E2E_DATABASE_URL="$pg_url" npx playwright test --project=desktop)
fi
