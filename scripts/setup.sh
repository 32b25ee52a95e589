#!/usr/bin/env bash
# Installs the tools this project builds and tests with. Idempotent: every step first checks
# whether its tool is already there, so a second run takes a second. Everything comes from
# crates.io, npm or Debian packages (nothing from GitHub); each step prints its duration.
#
#   scripts/setup.sh                  the build's tools, for scripts/build.sh and scripts/run.sh:
#                                     the wasm32 target, the wasm-bindgen CLI, wasm-opt, esbuild
#   scripts/setup.sh --e2e            also Chromium and the Playwright packages (scripts/test.sh)
#   scripts/setup.sh --dev            also cargo-leptos, for `cargo leptos watch` (about 21
#                                     minutes to compile on 2 cores, once; nothing else needs it)
#   scripts/setup.sh --no-wasm-bindgen   skip the wasm-bindgen CLI (scripts/build.sh installs it
#                                     beside the server's compile instead)
#   scripts/setup.sh --wasm-bindgen   only the wasm-bindgen CLI
# In braces: bash reads the whole script before it runs, so editing it meanwhile is safe.
{
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

CARGO_LEPTOS_VERSION=0.3.10 # 0.3.11 needs a newer Rust than 1.95
BINARYEN_VERSION=132        # Debian's binaryen (v108) emits a wasm that fails to hydrate
ESBUILD_VERSION=0.28.2
TOOLS_DIR="$PWD/.tools"

e2e=false dev=false wasm_bindgen=true only_wasm_bindgen=false
for arg in "$@"; do
  case "$arg" in
    --e2e) e2e=true ;;
    --dev) dev=true ;;
    --no-wasm-bindgen) wasm_bindgen=false ;;
    --wasm-bindgen) only_wasm_bindgen=true ;;
    -h | --help) sed -n '2,13p' "$0" | cut -c3-; exit 0 ;;
    *) echo "scripts/setup.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

install_wasm_bindgen() {
  # The CLI must be the exact version of the wasm-bindgen crate in Cargo.lock.
  local version
  version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
  step "wasm-bindgen CLI $version"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$version" ]; then
    echo "    present"
  else
    echo "    installing from crates.io (about 3 minutes on 2 cores, once)"
    # Not --locked: one of its locked dependency versions is no longer on crates.io. Its own
    # target dir, so it can compile beside the project's build without waiting for its lock.
    CARGO_TARGET_DIR="$PWD/target/tools" cargo install --quiet wasm-bindgen-cli --version "$version" --force
  fi
}

if $only_wasm_bindgen; then
  install_wasm_bindgen
  step ""
  exit 0
fi

step "wasm32 target"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "    present"
else
  rustup target add wasm32-unknown-unknown
fi

$wasm_bindgen && install_wasm_bindgen

step "wasm-opt (npm binaryen@$BINARYEN_VERSION) and esbuild@$ESBUILD_VERSION in .tools/"
if [ -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ] &&
  [ "$("$TOOLS_DIR/node_modules/.bin/esbuild" --version 2>/dev/null)" = "$ESBUILD_VERSION" ]; then
  echo "    present"
else
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" \
    "binaryen@$BINARYEN_VERSION" "esbuild@$ESBUILD_VERSION"
fi

if $dev; then
  step "cargo-leptos $CARGO_LEPTOS_VERSION (for cargo leptos watch)"
  if cargo leptos --version >/dev/null 2>&1; then
    echo "    present: $(cargo leptos --version)"
  else
    echo "    installing from crates.io (about 21 minutes on 2 cores, once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  fi
fi

if $e2e; then
  step "Chromium (Debian package)"
  if [ -x /usr/bin/chromium ]; then
    echo "    present"
  else
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  fi

  step "Playwright packages in e2e/ (no browser download: tests use /usr/bin/chromium)"
  if [ -d e2e/node_modules/@playwright/test ] && [ e2e/node_modules/.package-lock.json -nt e2e/package-lock.json ]; then
    echo "    present"
  else
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund --prefix e2e
  fi
fi
step ""
exit
}
