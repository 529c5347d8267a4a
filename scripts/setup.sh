#!/usr/bin/env bash
# Install whatever this machine is missing to build, run and test Q Commons.
# Quick when everything is there already. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! command -v cargo >/dev/null; then
  echo "Rust is needed: see https://rustup.rs" >&2
  exit 1
fi

# Chromium and the Node packages come over the network while cargo compiles the tools.
others() {
  if ! command -v chromium >/dev/null; then
    say "Installing Chromium (for the end-to-end tests and screenshots)"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi
  fi

  # Node packages: Playwright, axe-core, and binaryen's wasm-opt (Debian's is too old).
  if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "Installing the Node packages in end2end/"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}
others_log=$(mktemp)
others >"$others_log" 2>&1 &
others_pid=$!

if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

CARGO_LEPTOS_VERSION=0.3.10
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "Installing wasm-bindgen-cli $WB_VERSION"
  # Not --locked: its lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

if ! wait "$others_pid"; then
  cat "$others_log" >&2
  echo "Installing Chromium or the Node packages failed (above)" >&2
  exit 1
fi
cat "$others_log"
rm -f "$others_log"
