#!/usr/bin/env bash
# Set up what is missing, then run every test: unit and service tests (on SQLite, and on
# PostgreSQL too when TEST_DATABASE_URL is set), then the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  step "Sweeping test schemas left by failed runs on PostgreSQL"
  if command -v psql >/dev/null; then
    psql "$TEST_DATABASE_URL" -Atq -c "SELECT 'DROP SCHEMA ' || nspname || ' CASCADE;' FROM pg_namespace WHERE nspname LIKE 'qc_test_%'" \
      | psql "$TEST_DATABASE_URL" -q >/dev/null || true
  fi
fi

step "Unit and service tests (${TEST_DATABASE_URL:+PostgreSQL and }SQLite)"
cargo test -p app --features ssr
cargo test -p migration -p server

step "Building the site (server + WASM)"
cargo leptos build

step "End-to-end tests in Chromium (desktop and 360 px phone)"
(cd end2end && npx playwright test)
