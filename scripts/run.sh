#!/usr/bin/env bash
# Builds the app (scripts/build.sh: release server, islands' wasm, precompressed assets) and
# serves it at http://127.0.0.1:3000 on the embedded SQLite database (data/dealtracker.db, with
# demo data on first start). Extra arguments go to the server: scripts/run.sh --help lists them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  if [ -x target/release/server ]; then exec target/release/server --help; fi
  echo "usage: scripts/run.sh [server options]   (build first to see the server's --help)"
  exit 0
fi

started=$(date +%s)
scripts/build.sh
printf '\033[1m==> serving http://127.0.0.1:3000 (Ctrl-C stops); built %d s after the command started\033[0m\n' $(($(date +%s) - started))
exec target/release/server --site-root target/site "$@"
