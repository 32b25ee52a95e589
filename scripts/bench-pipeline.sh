#!/bin/bash
# The summary's views one request at a time (docs/benchmarks.md, "The summary with the pipeline
# at 1M contracts"): ROUNDS rounds, each with a fresh server (nothing kept), every path's first
# request (computed) and second (kept at the register's version); prints each path's medians.
#   S=binary (target/release/server)  DB=database URL (target/bench/pipeline-1m.db, made first
#   with: target/release/server --database-url sqlite://target/bench/pipeline-1m.db generate
#   --contracts 1000000 --seed 1)  ROUNDS=3  PATHS="/summary /summary?count=weighted …"
set -u
cd "$(dirname "$0")/.." && mkdir -p target/bench
BASE=http://127.0.0.1:3400
S=${S:-target/release/server}
ROUNDS=${ROUNDS:-3}
DB=${DB:-sqlite://target/bench/pipeline-1m.db}
printf '%s\n' 'a long benchmark passphrase' | $S --database-url $DB user add bench --role editor >/dev/null 2>&1 || true
read -r -a paths <<< "${PATHS:-/summary /summary?count=pipeline /summary?count=weighted /summary?buyer=PL&count=weighted /headroom}"
declare -A first second
for round in $(seq 1 "$ROUNDS"); do
  $S --database-url $DB --addr 127.0.0.1:3400 --site-root target/site --request-timeout 300 > target/bench/serve-pipeline.log 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done
  cookie=$(curl -s -o /dev/null -D - -X POST --data-urlencode "username=bench" --data-urlencode "password=a long benchmark passphrase" --data-urlencode "next=/" "$BASE/login" | awk 'tolower($1) == "set-cookie:" { sub(/;.*/, "", $2); print $2; exit }')
  for path in "${paths[@]}"; do
    a=$(curl -s -o /dev/null -H "Cookie: $cookie" -w '%{time_total}' "$BASE$path")
    b=$(curl -s -o /dev/null -H "Cookie: $cookie" -w '%{time_total}' "$BASE$path")
    first[$path]="${first[$path]:-} $a"; second[$path]="${second[$path]:-} $b"
  done
  kill $server; wait $server 2>/dev/null
done
med() { printf '%s\n' $@ | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for path in "${paths[@]}"; do
  echo "$path | computed $(med ${first[$path]}) s | kept $(med ${second[$path]}) s | all: ${first[$path]}"
done
