#!/usr/bin/env bash
# Summary benchmarks at scale: fills a SQLite database and a PostgreSQL one with N synthetic
# contracts (`server generate`), then times the filtered total and the whole dashboard
# (`server measure`) and the dashboard page over HTTP. Prints tab-separated results; paste
# them into docs/benchmarks.md with the command line.
#
#   scripts/bench.sh [N]        N contracts (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
N="${1:-1000000}"
RUNS="${RUNS:-15}"
scripts/build.sh >/dev/null 2>&1 || scripts/build.sh
BIN=target/release/server
mkdir -p target/bench

median_http() { # URL: median of RUNS page loads, in ms
  for _ in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' "$1"
  done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] * 1000 }'
}

bench() { # NAME URL PORT
  local name=$1 url=$2 port=$3
  echo "== $name: generating $N contracts" >&2
  RUST_LOG="${RUST_LOG:-error}" "$BIN" --database-url "$url" generate --contracts "$N"
  RUST_LOG="${RUST_LOG:-error}" "$BIN" --database-url "$url" measure --runs "$RUNS"
  "$BIN" --database-url "$url" --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  curl -s -o /dev/null "http://127.0.0.1:$port/summary" # warm up
  echo -e "$name\t$N\tdashboard page over HTTP (/summary)\tmedian $(median_http "http://127.0.0.1:$port/summary") ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

rm -f target/bench/bench.db*
bench sqlite "sqlite://target/bench/bench.db" 3300
if psql -h 127.0.0.1 -U postgres -d test -qc 'SELECT 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d test -qc 'DROP DATABASE IF EXISTS dealtracker_bench' -c 'CREATE DATABASE dealtracker_bench' 2>/dev/null
  bench postgres "postgres://postgres@127.0.0.1:5432/dealtracker_bench" 3301
else
  echo "PostgreSQL is not running at 127.0.0.1:5432: its half is skipped" >&2
fi
