#!/usr/bin/env bash
# Prints what a browser downloads for the app's code, as served: raw, and the precompressed
# .gz and .br files that `cargo leptos build --release --precompress` writes and the server
# sends to browsers that accept them. Run after a release build; paste into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
[ -f "$pkg/dealtracker.wasm.br" ] || { echo "no release build with precompression in $pkg: run cargo leptos build --release --precompress" >&2; exit 1; }
kb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
echo "| file | raw | gzip | brotli |"
echo "|---|---:|---:|---:|"
for f in dealtracker.wasm dealtracker.js dealtracker.css; do
  echo "| $f | $(kb "$pkg/$f") | $(kb "$pkg/$f.gz") | $(kb "$pkg/$f.br") |"
done
wasm_br=$(stat -c %s "$pkg/dealtracker.wasm.br")
js_br=$(stat -c %s "$pkg/dealtracker.js.br")
awk -v w="$wasm_br" -v j="$js_br" 'BEGIN { printf "\nbrotli: wasm %.1f KB, wasm + JS glue %.1f KB; the budget is 150 KB\n", w / 1024, (w + j) / 1024 }'
