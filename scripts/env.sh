# Sourced by the scripts: puts the project's own tools (wasm-opt and esbuild from npm, the
# wasm-bindgen CLI) first on PATH, and gives them `step`, which prints a step's title and, when
# the next one starts (or `step ""` ends the last), how long it took; `steps_summary` lists them.
export PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Leptos reads the site's output name when it is compiled (the hydration script then asks for
# pkg/dealtracker.wasm). Every script compiles with it, so their builds share one set of
# artifacts; a plain `cargo build` without it recompiles leptos and what depends on it.
export LEPTOS_OUTPUT_NAME=dealtracker

step_name=""
step_started=$(date +%s)
step_log=()
step() {
  local now
  now=$(date +%s)
  if [ -n "$step_name" ]; then
    printf '    (%s: %d s)\n' "$step_name" $((now - step_started))
    step_log+=("$(printf '%6d s  %s' $((now - step_started)) "$step_name")")
  fi
  step_name="$*"
  step_started=$now
  if [ -n "$step_name" ]; then printf '\n\033[1m==> %s\033[0m\n' "$step_name"; fi
  return 0
}
steps_summary() {
  step ""
  printf '\033[1m==> %s\033[0m\n' "$1"
  printf '%s\n' "${step_log[@]}"
}
# wrk, Debian's package, for the load benchmarks.
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
}
