#!/usr/bin/env bash
# Two builds of the server side by side on one SQLite database: the full CSV export (RUNS
# timed runs each, the two builds taking turns) and signed-in pages under load (wrk, 64
# connections, ROUNDS rounds, the builds taking turns page by page). For choosing a release
# profile: the machine's load drifts, so only what is measured in one run is compared.
# Prints tab-separated medians and the ratio B / A (above 1: B is slower for the export,
# faster for req/s).
#
#   scripts/bench-builds.sh A B DB     A, B: server binaries; DB: a SQLite file holding contracts
#                                      (e.g. `server --database-url sqlite://DB generate --contracts 1000000 --seed 1`)
#   RUNS=5 ROUNDS=3 DURATION=8s
#   DB_B=FILE       B on a copy of DB of its own (when B adds a migration A does not know)
#   PAGES="…"       the pages loaded (default: a contract page, the list, the summary)
#
# Traffic goes to 127.0.0.1 only.
{
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ $# -ne 3 ] || [ "$1" = --help ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
A=$1 B=$2 DB=$3
DB_B="${DB_B:-$DB}"
RUNS="${RUNS:-5}" ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-8s}"
PASSWORD='bench-builds passphrase'
ensure_wrk
mkdir -p target/bench/site
cp -r public/. target/bench/site/

bench_user() { # BIN DB: the bench user, added or (on a kept database) given this password
  printf '%s\n' "$PASSWORD" | RUST_LOG=error "$1" --database-url "sqlite://$2" user add bench --role viewer >/dev/null 2>&1 ||
    printf '%s\n' "$PASSWORD" | RUST_LOG=error "$1" --database-url "sqlite://$2" user reset-password bench >/dev/null
}
bench_user "$A" "$DB"
[ "$DB_B" = "$DB" ] || bench_user "$B" "$DB_B"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
declare -A base cookie
for which in A B; do
  port=$([ "$which" = A ] && echo 3395 || echo 3396)
  bin=$([ "$which" = A ] && echo "$A" || echo "$B")
  db=$([ "$which" = A ] && echo "$DB" || echo "$DB_B")
  RUST_LOG=error "$bin" --database-url "sqlite://$db" --addr "127.0.0.1:$port" --site-root target/bench/site \
    --max-requests 256 >"target/bench/server-$which.log" 2>&1 &
  pids+=($!)
  base[$which]="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do curl -sf "${base[$which]}/healthz" >/dev/null && break; sleep 0.2; done
  cookie[$which]=$(curl -s -o /dev/null -D - -X POST --data-urlencode username=bench \
    --data-urlencode "password=$PASSWORD" --data-urlencode next=/ "${base[$which]}/login" |
    awk 'tolower($1) == "set-cookie:" { sub(/;.*/, "", $2); print $2; exit }')
  [ -n "${cookie[$which]}" ] || { echo "could not sign in to $bin" >&2; exit 1; }
done

median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.3f", a[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b / a }'; }
n=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM contracts' 2>/dev/null || echo '?')
printf 'what\tA: %s\tB: %s\tB / A\n' "$A" "$B"

times=$(for _ in $(seq 1 "$RUNS"); do
  for which in A B; do
    echo "$which $(curl -s -o /dev/null -H "Cookie: ${cookie[$which]}" -w '%{time_total}' "${base[$which]}/export/contracts")"
  done
done)
ea=$(awk '$1 == "A" { print $2 }' <<<"$times" | median)
eb=$(awk '$1 == "B" { print $2 }' <<<"$times" | median)
printf 'CSV export of %s contracts, median of %s (s)\t%s\t%s\t%s\n' "$n" "$RUNS" "$ea" "$eb" "$(ratio "$ea" "$eb")"

id=$(sqlite3 "$DB" 'SELECT MAX(id) / 2 FROM contracts' 2>/dev/null || echo 1)
for page in ${PAGES:-"/contracts/$id" /contracts /summary}; do
  rates=$(for _ in $(seq 1 "$ROUNDS"); do
    for which in A B; do
      rps=$(wrk -t2 -c64 -d"$DURATION" --timeout 10s -H "Cookie: ${cookie[$which]}" "${base[$which]}$page" |
        awk '/^Requests\/sec/ { printf "%.0f", $2 }')
      echo "$which $rps"
    done
  done)
  ra=$(awk '$1 == "A" { print $2 }' <<<"$rates" | median)
  rb=$(awk '$1 == "B" { print $2 }' <<<"$rates" | median)
  printf '%s at 64 connections, median of %s rounds (req/s)\t%.0f\t%.0f\t%s\n' "$page" "$ROUNDS" "$ra" "$rb" "$(ratio "$ra" "$rb")"
done
exit
}
