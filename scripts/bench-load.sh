#!/usr/bin/env bash
# Signed-in load on the app's common pages, with wrk (Debian's package), on SQLite and on
# PostgreSQL holding N generated contracts: each page at 64 connections (requests per second,
# median and 99th-percentile latency, errors), the list and the summary at 256 connections with
# --request-timeout 2 (how many were answered 200, how many turned away with 503), and the
# server's memory before, at the end and 10 s after. A static file of the same server is the
# ceiling the pages are compared with. Prints tab-separated rows for docs/benchmarks.md.
#
#   scripts/bench-load.sh [N]          N contracts (default 1000000)
#
#   DURATION=8s        how long each page is loaded
#   BACKENDS="sqlite postgres"
#   KEEP=1             keep the generated databases (target/bench/load-N.db, dealtracker_load_N)
#                      and reuse them next time: generating 1M contracts takes minutes
#
# Before each page the script waits until the server is idle again (see settle), so each row
# measures one page. Traffic goes to 127.0.0.1 only. The server and wrk share the machine's cores: compare the
# pages with the static file of the same run, not with absolute figures of another machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
N="${1:-1000000}"
DURATION="${DURATION:-8s}"
BACKENDS="${BACKENDS:-sqlite postgres}"
BIN=target/release/server
PORT=3390
BASE="http://127.0.0.1:$PORT"
PASSWORD='bench-load passphrase'
started=$(date +%s)
step() { printf '\033[1m==> %s\033[0m (%s s)\n' "$*" "$(($(date +%s) - started))" >&2; }

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

step "wrk (Debian package)"
ensure_wrk

step "release build (scripts/build.sh)"
scripts/build.sh >/dev/null 2>&1 || scripts/build.sh
mkdir -p target/bench/site
cp -r public/. target/bench/site/ # the static file: /favicon.svg, served by the app's own stack

rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

serve() { # URL EXTRA_ARGS...: starts the server, sets $server
  local url=$1
  shift
  RUST_LOG=error "$BIN" --database-url "$url" --addr "127.0.0.1:$PORT" --site-root target/bench/site "$@" \
    >target/bench/server.log 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf "$BASE/healthz" >/dev/null && return; sleep 0.2; done
  echo "the server did not start: see target/bench/server.log" >&2
  exit 1
}

stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop EXIT

sign_in() {
  curl -s -o /dev/null -D - -X POST --data-urlencode "username=bench" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$BASE/login" |
    awk 'tolower($1) == "set-cookie:" { sub(/;.*/, "", $2); print $2; exit }'
}

# Waits until the server answers a contract page within 50 ms again: a page too slow for its
# load leaves requests running after wrk has gone (on PostgreSQL, their queries too), and the
# next page must not pay for them.
settle() {
  for _ in $(seq 1 240); do
    local t
    t=$(curl -s -o /dev/null -H "Cookie: $cookie" -w '%{time_total}' "$BASE/contracts/1")
    awk -v t="$t" 'BEGIN { exit !(t < 0.05) }' && return
    sleep 0.5
  done
}

load() { # NAME PATH CONNECTIONS [count]: one tab-separated row; with `count`, the answers by
  # kind as well (scripts/wrk-statuses.lua: 200, turned away, timed out)
  local name=$1 path=$2 conns=$3 out script=()
  [ "${4:-}" = count ] && script=(-s scripts/wrk-statuses.lua)
  settle
  out=$(wrk -t2 -c"$conns" -d"$DURATION" --timeout 10s --latency "${script[@]}" -H "Cookie: $cookie" "$BASE$path")
  local rps p50 p99 requests non2xx errors
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
  errors=$(awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$name" "$path" "$conns" "$rps" "$p50" "$p99" \
    "${non2xx:-0}/${requests:-0}" "${errors:-0}" "$(awk '/^answers:/ { sub(/^answers: /, ""); print }' <<<"$out")"
}

bench() { # BACKEND URL
  backend=$1
  local url=$2
  step "$backend: $N contracts"
  if [ "${fresh:-1}" = 1 ]; then
    RUST_LOG=error "$BIN" --database-url "$url" generate --contracts "$N" --seed 1
  fi
  # The bench user, added or (on a kept database, perhaps by another script) given this password.
  printf '%s\n' "$PASSWORD" | RUST_LOG=error "$BIN" --database-url "$url" user add bench --role viewer >/dev/null 2>&1 ||
    printf '%s\n' "$PASSWORD" | RUST_LOG=error "$BIN" --database-url "$url" user reset-password bench >/dev/null
  serve "$url"
  cookie=$(sign_in)
  [ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }
  local id=$((N / 2 + 1))
  local idle
  idle=$(rss_mb "$server")
  printf 'backend\tpage\tpath\tconnections\treq/s\tp50\tp99\tnon-2xx/requests\tsocket errors\tanswers by kind\n'
  load "static file" /favicon.svg 64
  load "contract page" "/contracts/$id" 64
  load "list, first page" /contracts 64
  load "list by title" "/contracts?sort=title&dir=asc" 64
  load "list by value" "/contracts?sort=value" 64
  load "list by buyer" "/contracts?sort=buyer&dir=asc" 64
  load "summary" /summary 64
  load "summary, buyer=PL" "/summary?buyer=PL" 64
  load "headroom" /headroom 64
  load "list, page 20,000" "/contracts?page=20000" 64
  # The same page as its "Next" link reaches it: after the last contract of page 19,999.
  local after
  after=$(curl -s -H "Cookie: $cookie" "$BASE/contracts?page=19999" | grep -o 'page=20000&amp;after=[0-9]*' | head -1 | sed 's/&amp;/\&/')
  load "list, page 20,000 by its Next link" "/contracts?$after" 64
  load "list, buyer=PL" "/contracts?buyer=PL" 64
  load "list, q=K9" "/contracts?q=K9" 64
  local loaded
  loaded=$(rss_mb "$server")
  settle
  sleep 10
  printf '%s\tmemory (RSS, MB)\tidle %s, after the run %s, 10 s later %s\n' "$backend" "$idle" "$loaded" "$(rss_mb "$server")"
  stop

  serve "$url" --request-timeout 2
  cookie=$(sign_in)
  load "list, first page" /contracts 256 count
  load "summary" /summary 256 count
  load "contract page" "/contracts/$id" 256 count
  stop
}

fresh=1
for backend in $BACKENDS; do
  case $backend in
  sqlite)
    db=target/bench/load-$N.db
    if [ "${KEEP:-}" = 1 ] && [ -f "$db" ]; then fresh=0; else rm -f "$db" "$db-wal" "$db-shm"; fresh=1; fi
    bench sqlite "sqlite://$db"
    ;;
  postgres)
    pg="postgres://postgres@127.0.0.1:5432"
    name=dealtracker_load_$N
    if [ "${KEEP:-}" = 1 ] && psql "$pg/test" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
      fresh=0
    else
      psql "$pg/test" -q -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
      fresh=1
    fi
    bench postgres "$pg/$name"
    ;;
  esac
done
step "done"
