#!/usr/bin/env bash
# CSV export benchmark: a full export of N synthetic contracts over HTTP (`/export/contracts`,
# one row per contract line) next to the database's own CSV writer running the same SELECT
# (`sqlite3 -csv`, PostgreSQL's `COPY … TO STDOUT`), and the server's memory while it streams.
# Reuses the databases of scripts/bench.sh when they hold N contracts, else generates them.
# Prints tab-separated results; paste them into docs/benchmarks.md with the command line.
#
#   scripts/bench-export.sh [N]     N contracts (default 1000000); RUNS=5 timed runs each
#   BIN=path/to/server ONLY=postgres scripts/bench-export.sh
#                                   another build of the server (no build step), one backend
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
N="${1:-1000000}"
RUNS="${RUNS:-5}"
if [ -z "${BIN:-}" ]; then
  scripts/build.sh >/dev/null 2>&1 || scripts/build.sh
  BIN=target/release/server
fi
ONLY="${ONLY:-}"
mkdir -p target/bench
export RUST_LOG="${RUST_LOG:-error}"

# Every request but the sign-in carries the session cookie of the server being measured.
jar=/dev/null
curl() { command curl -b "$jar" "$@"; }

median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] }'; }
seconds() { # COMMAND…: wall seconds of one run, output discarded
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

ensure() { # URL CONTRACTS-NOW: generates N contracts unless the database has them
  if [ "$2" -lt "$N" ]; then
    echo "== $1: generating $N contracts" >&2
    "$BIN" --database-url "$1" generate --contracts "$N"
  fi
}

bench() { # NAME URL PORT REFERENCE-COMMAND…
  local name=$1 url=$2 port=$3
  shift 3
  # Exports need a signed-in user: a bench user (added once), signed in with curl's cookie jar.
  printf '%s\n' 'bench password long enough' | "$BIN" --database-url "$url" user add bench --role viewer >/dev/null 2>&1 || true
  "$BIN" --database-url "$url" --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  local pid=$!
  # A failure below must not leave the server holding its port.
  trap "kill $pid 2>/dev/null || true" EXIT
  for _ in $(seq 1 100); do command curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  jar=target/bench/cookies-$name.txt
  command curl -s -c "$jar" -o /dev/null -d 'username=bench&password=bench+password+long+enough' "http://127.0.0.1:$port/login"
  local rss_before
  rss_before=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
  local export_url="http://127.0.0.1:$port/export/contracts"
  local bytes rows
  bytes=$(curl -s "$export_url" | tee target/bench/export.csv | wc -c)
  rows=$(($(wc -l < target/bench/export.csv) - 1))
  # The HTTP export and the reference take turns, run by run: this machine's load drifts.
  local times http reference
  times=$(for _ in $(seq 1 "$RUNS"); do
    echo "http $(curl -s -o /dev/null -w '%{time_total}' "$export_url")"
    echo "reference $(seconds "$@")"
  done)
  http=$(awk '$1 == "http" { print $2 }' <<<"$times" | median)
  reference=$(awk '$1 == "reference" { print $2 }' <<<"$times" | median)
  local rss_peak
  rss_peak=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
  echo -e "$name\t$N contracts, $rows rows, $((bytes / 1048576)) MiB\tHTTP export median ${http} s\t$*: median ${reference} s\tratio $(awk -v a="$http" -v b="$reference" 'BEGIN { printf "%.2f", a / b }')\tserver RSS ${rss_before} KiB before, peak ${rss_peak} KiB"
}

SQL=$("$BIN" --database-url "sqlite://target/bench/bench.db" export contracts --show-sql)
if [ "$ONLY" != postgres ]; then
  ensure "sqlite://target/bench/bench.db" "$(sqlite3 target/bench/bench.db 'SELECT COUNT(*) FROM contracts' 2>/dev/null || echo 0)"
  bench sqlite "sqlite://target/bench/bench.db" 3310 sqlite3 -csv -header target/bench/bench.db "$SQL"
fi
if [ "$ONLY" = sqlite ]; then
  :
elif psql -h 127.0.0.1 -U postgres -d test -qc 'SELECT 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d test -qc 'CREATE DATABASE dealtracker_bench' 2>/dev/null || true
  "$BIN" --database-url "postgres://postgres@127.0.0.1:5432/dealtracker_bench" export contracts --show-sql >/dev/null
  ensure "postgres://postgres@127.0.0.1:5432/dealtracker_bench" \
    "$(psql -h 127.0.0.1 -U postgres -d dealtracker_bench -tAc 'SELECT COUNT(*) FROM contracts' 2>/dev/null || echo 0)"
  bench postgres "postgres://postgres@127.0.0.1:5432/dealtracker_bench" 3311 \
    psql -h 127.0.0.1 -U postgres -d dealtracker_bench -qc "COPY ($SQL) TO STDOUT WITH (FORMAT csv, HEADER)"
else
  echo "PostgreSQL is not running at 127.0.0.1:5432: its half is skipped" >&2
fi
