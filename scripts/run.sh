#!/usr/bin/env bash
# Set up what is missing, then run Q Commons on an embedded SQLite file with demo data
# at http://127.0.0.1:3000. Set DATABASE_URL=postgres://… to run on PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
export QC_DEMO="${QC_DEMO:-true}"
exec cargo leptos serve --split "$@"
