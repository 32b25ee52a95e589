#!/usr/bin/env bash
# Prints what a browser downloads for the app's code, as served: raw, and the precompressed
# .gz and .br files that `scripts/build.sh` writes and the server
# sends to browsers that accept them; then what each kind of page loads. Only the pages marked
# `[islands]` in their feature's `page_routes!` (they render an island) load the wasm and its
# JS glue; every other page loads the stylesheet alone (the server's test `page_weight` holds
# both to that). Run after a release build; paste into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
pkg=target/site/pkg
[ -f "$pkg/dealtracker.wasm.br" ] || { echo "no release build with precompression in $pkg: run scripts/build.sh" >&2; exit 1; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
size() { stat -c %s "$1"; }
echo "| file | raw | gzip | brotli |"
echo "|---|---:|---:|---:|"
for f in dealtracker.wasm dealtracker.js dealtracker.css; do
  echo "| $f | $(kb "$(size "$pkg/$f")") | $(kb "$(size "$pkg/$f.gz")") | $(kb "$(size "$pkg/$f.br")") |"
done
wasm_br=$(size "$pkg/dealtracker.wasm.br")
js_br=$(size "$pkg/dealtracker.js.br")
css_br=$(size "$pkg/dealtracker.css.br")
islands=$(grep -rhoE '"[^"]+" \[islands\]' app/src | cut -d'"' -f2 | paste -sd' ' -)
echo
echo "| page | loads | brotli |"
echo "|---|---|---:|"
echo "| without an island (all but the ones below) | stylesheet | $(kb "$css_br") |"
echo "| with an island ($islands) | stylesheet, JS glue, wasm | $(kb $((css_br + js_br + wasm_br))) |"
awk -v w="$wasm_br" -v j="$js_br" 'BEGIN { printf "\nbrotli: wasm %.1f KB, wasm + JS glue %.1f KB (pages with an island only); the budget is 150 KB\n", w / 1024, (w + j) / 1024 }'
echo "(each page's HTML itself, and the hydration script inlined in an island page's head, come on top)"
