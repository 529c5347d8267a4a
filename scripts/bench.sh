#!/usr/bin/env bash
# Benchmark: build the release site (server + size-optimised WASM), then serve the home
# page from the real app and from a bare axum handler, and print both and the WASM size.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
cargo leptos build --release --split --precompress
cargo bench -p server --bench serve
