#!/usr/bin/env bash
# Installs the toolchain this project builds and tests with. Idempotent: every step first checks
# whether its tool is already there, so a second run takes seconds. Everything comes from
# crates.io, npm or Debian packages; cargo-leptos would otherwise download wasm-bindgen and
# wasm-opt from GitHub, so we install both ourselves and put them first on PATH.
#
#   scripts/setup.sh          tools to build and run the app
#   scripts/setup.sh --e2e    also Chromium and the Playwright packages, for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10 # 0.3.11 needs a newer Rust than 1.95
BINARYEN_VERSION=132        # Debian's binaryen (v108) emits a wasm that fails to hydrate
TOOLS_DIR="$PWD/.tools"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "wasm32 target"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "    present"
else
  rustup target add wasm32-unknown-unknown
fi

step "cargo-leptos $CARGO_LEPTOS_VERSION"
if cargo leptos --version >/dev/null 2>&1; then
  echo "    present: $(cargo leptos --version)"
else
  echo "    installing from crates.io (about 21 minutes on 2 cores, once)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

# The CLI must be the exact version of the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
step "wasm-bindgen CLI $WASM_BINDGEN_VERSION"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$WASM_BINDGEN_VERSION" ]; then
  echo "    present"
else
  # Not --locked: one of its locked dependency versions is no longer on crates.io.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

step "wasm-opt (npm binaryen@$BINARYEN_VERSION) in .tools/"
if [ -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
  echo "    present"
else
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
fi

if [ "${1:-}" = "--e2e" ]; then
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
