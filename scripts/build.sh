#!/usr/bin/env bash
# The release build, over plain cargo: what `cargo leptos build --release --precompress` does
# for this project, without the 20-minute cargo-leptos install. scripts/run.sh and the browser
# tests in scripts/test.sh serve what this writes, so they cannot drift apart.
#
#   target/release/server          the server (profile `release`)
#   target/site/pkg/dealtracker.*  the islands' wasm (profile `wasm-release`, wasm-bindgen,
#                                  wasm-opt -Oz), its JS glue and the stylesheet, minified,
#                                  each with .gz and .br beside it
#   target/site/*                  the files of public/
#
#   scripts/build.sh             everything (each step prints its duration)
#   scripts/build.sh --timings   also cargo's per-crate timing reports (target/cargo-timings/)
#
# The tools (wasm32 target, wasm-bindgen CLI, wasm-opt, esbuild) come from scripts/setup.sh,
# run first; on a new machine the wasm-bindgen CLI compiles beside the server, whose last
# crates keep only one of the two cores busy.
# In braces: bash reads the whole script before it runs, so editing it meanwhile is safe.
{
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

NAME=$LEPTOS_OUTPUT_NAME # pkg/dealtracker.{wasm,js,css} (scripts/env.sh)
SITE=target/site
timings=()
case "${1:-}" in
  "") ;;
  --timings) timings=(--timings) ;;
  -h | --help) sed -n '2,17p' "$0" | cut -c3-; exit 0 ;;
  *) echo "scripts/build.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
esac

build_started=$(date +%s)

# A failed step stops the script: the builds left in the background stop with it.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

step "tools (scripts/setup.sh)"
scripts/setup.sh --no-wasm-bindgen
mkdir -p target/tools
scripts/setup.sh --wasm-bindgen >target/tools/wasm-bindgen.log 2>&1 &
wasm_bindgen_setup=$!

# The server and the wasm compile side by side: each spends long stretches on one core (the
# `app` crate, the server binary, the wasm's LTO), so together they fill both. The wasm has a
# target dir of its own (target/wasm), else each build would wait for the other's lock.
step "server and wasm, side by side"
wasm_log=target/wasm-build.log
mkdir -p target
(
  cargo build "${timings[@]}" -p app --lib --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features --features hydrate --target-dir target/wasm
  date +%s >target/wasm-build.done
) >"$wasm_log" 2>&1 &
wasm_build=$!
echo "    wasm: cargo build -p app --lib --target wasm32-unknown-unknown --profile wasm-release --features hydrate (log: $wasm_log)"
echo "    server: cargo build --release -p server"
cargo build "${timings[@]}" --release -p server --no-default-features
echo "    server built after $(($(date +%s) - step_started)) s"
if ! wait "$wasm_build"; then
  cat "$wasm_log" >&2
  echo "scripts/build.sh: the wasm build failed (its log is above)" >&2
  exit 1
fi
echo "    wasm built after $(($(cat target/wasm-build.done) - step_started)) s: $(grep Finished "$wasm_log" | sed 's/^ *//')"

step "wasm-bindgen, wasm-opt -Oz"
if ! wait "$wasm_bindgen_setup"; then
  cat target/tools/wasm-bindgen.log >&2
  echo "scripts/build.sh: installing the wasm-bindgen CLI failed (log above)" >&2
  exit 1
fi
sed 's/^/    /' target/tools/wasm-bindgen.log
staging=target/site-staging
rm -rf "$staging"
mkdir -p "$staging/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$staging/pkg" --out-name "$NAME" \
  target/wasm/wasm32-unknown-unknown/wasm-release/app.wasm
# wasm-opt takes longest here, and a change in a page usually leaves the islands' wasm as it
# was: its last output is kept under the checksum of its input and reused while that matches.
wasm_sum=$(sha256sum "$staging/pkg/${NAME}_bg.wasm" | cut -d' ' -f1)
wasm_cache=target/wasm-opt-cache/$wasm_sum.wasm
if [ -f "$wasm_cache" ]; then
  cp "$wasm_cache" "$staging/pkg/$NAME.wasm"
  echo "    the wasm is the same as in the last build: its wasm-opt output reused"
else
  wasm-opt -Oz "$staging/pkg/${NAME}_bg.wasm" -o "$staging/pkg/$NAME.wasm"
  rm -rf target/wasm-opt-cache
  mkdir -p target/wasm-opt-cache
  cp "$staging/pkg/$NAME.wasm" "$wasm_cache"
fi
rm "$staging/pkg/${NAME}_bg.wasm"

step "JS glue and stylesheet, minified (esbuild)"
esbuild --log-level=warning --minify --format=esm "$staging/pkg/$NAME.js" --outfile="$staging/pkg/$NAME.min.js"
mv "$staging/pkg/$NAME.min.js" "$staging/pkg/$NAME.js"
esbuild --log-level=warning --minify --target=chrome100,firefox100,safari15 style/main.css \
  --outfile="$staging/pkg/$NAME.css"
cp -R public/. "$staging/"

step "precompressed copies (.gz, .br)"
node scripts/precompress.mjs "$staging/pkg"

# The site is replaced in one move, so a server started meanwhile never sees half of it.
rm -rf "$SITE.old"
[ -d "$SITE" ] && mv "$SITE" "$SITE.old"
mv "$staging" "$SITE"
rm -rf "$SITE.old"

steps_summary "built in $(($(date +%s) - build_started)) s: target/release/server, $SITE/"
exit
}
