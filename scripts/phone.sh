#!/usr/bin/env bash
# How Q Commons loads on a mid-range phone on weak Wi-Fi (Lighthouse's mobile profile:
# 1.6 Mbps, 150 ms, CPU 4× slower): builds the release site, serves it with demo data on
# a fresh SQLite file, and prints for the key pages the time until the HTML is on screen,
# until the page is interactive, and the bytes transferred; then the size of every WASM
# and JS file, and (with twiggy installed: cargo install twiggy) the largest functions.
# Usage: scripts/phone.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

if [ "${1:-}" != "--no-build" ]; then
  scripts/setup.sh
  cargo leptos build --release --split --precompress
fi

port=3200
dir=$(mktemp -d)
DATABASE_URL="sqlite://$dir/phone.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT=target/site QC_DEMO=true RUST_LOG=warn \
  target/release/server >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.2
done

printf '\n## Pages on a phone (cold, nothing cached)\n\n'
(cd end2end && node phone.mjs "http://127.0.0.1:$port") | grep -v '^\[{'

printf '\n## What the browser downloads\n\n'
node end2end/sizes.mjs target/site/pkg

if command -v twiggy >/dev/null; then
  # rustc's own output, before wasm-bindgen and wasm-opt strip the function names.
  wasm=target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm
  printf '\n## Largest functions and data in %s, by name (twiggy top)\n\n```\n' "$wasm"
  # Without the linker's and the name sections, which are not shipped.
  twiggy top -n 60 "$wasm" | grep -v "custom section\|subsection" | head -32 || true
  printf '```\n'
fi
