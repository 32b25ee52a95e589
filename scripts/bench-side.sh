#!/bin/bash
# Side by side (docs/benchmarks.md, "Amendments, options and the waterfall"): two binaries over
# one database, taking turns, ROUNDS rounds each: a fresh server per round, every path's first
# (computed) request timed; prints each path's medians and their ratio.
# Usage: copy the two release binaries to $DIR (target/bench) as old and new, make the
# database with `server generate --contracts 1000000 --seed 1`, add the user bench (password
# "a long benchmark passphrase", role viewer), then: ROUNDS=5 PATHS="/headroom /agreements/1" scripts/bench-side.sh
set -u
cd "$(dirname "$0")/.." && mkdir -p target/bench
DB=${DB:-sqlite://target/bench/amend-1m.db}
ROUNDS=${ROUNDS:-5}
read -r -a paths <<< "${PATHS}"
declare -A t
for round in $(seq 1 "$ROUNDS"); do
  for bin in old new; do
    ${DIR:-target/bench}/$bin --database-url $DB --addr 127.0.0.1:3400 --site-root target/site --request-timeout 300 > target/bench/serve-$bin.log 2>&1 &
    server=$!
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:3400/healthz" >/dev/null && break; sleep 0.2; done
    cookie=$(curl -s -o /dev/null -D - -X POST -H "Origin: http://127.0.0.1:3400" --data-urlencode "username=bench" --data-urlencode "password=a long benchmark passphrase" --data-urlencode "next=/" "http://127.0.0.1:3400/login" | awk 'tolower($1) == "set-cookie:" { sub(/;.*/, "", $2); print $2; exit }')
    for path in "${paths[@]}"; do
      r=$(curl -s -o /dev/null -H "Cookie: $cookie" -w '%{http_code} %{time_total}' "http://127.0.0.1:3400$path")
      t[$bin,$path]="${t[$bin,$path]:-} ${r#* }"
      [ "${r%% *}" = 200 ] || echo "round $round $bin $path: status ${r%% *}"
    done
    kill $server; wait $server 2>/dev/null
  done
done
med() { printf '%s\n' $@ | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for path in "${paths[@]}"; do
  o=$(med ${t[old,$path]}); n=$(med ${t[new,$path]})
  echo "$path | old $o s | new $n s | ratio $(awk -v a=$o -v b=$n 'BEGIN { printf "%.1f", a / b }')× | old: ${t[old,$path]} | new: ${t[new,$path]}"
done
