#!/usr/bin/env bash
# The whole test suite: formatting and lints, the Rust tests on SQLite and PostgreSQL, then the
# Playwright browser tests (JavaScript on and off, on both databases) against the release build.
#
# PostgreSQL: TEST_DATABASE_URL if set, else postgres://postgres@127.0.0.1:5432/test when a
# server listens there. With CI=true, a PostgreSQL that cannot be reached fails the run; on a
# developer machine the PostgreSQL half is skipped, and the summary says so.
#
# Every step prints its duration, and the run ends with a table of them (docs/benchmarks.md,
# "Set-up times", keeps the measured ones).
# In braces: bash reads the whole script before it runs, so editing it meanwhile is safe.
{
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
started=$(date +%s)

step "set-up"
scripts/setup.sh --e2e --no-wasm-bindgen # scripts/build.sh installs it beside its compile

step "PostgreSQL"
default_pg=postgres://postgres@127.0.0.1:5432/test
listening() { timeout 2 bash -c '</dev/tcp/127.0.0.1/5432' 2>/dev/null; }
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! listening && [ "${CI:-}" = "true" ] && command -v pg_ctlcluster >/dev/null; then
    echo "    not listening on 127.0.0.1:5432; starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do listening && break; sleep 1; done
  fi
  if listening; then
    export TEST_DATABASE_URL=$default_pg
  fi
fi
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "    using $TEST_DATABASE_URL"
  postgres_half=ran
elif [ "${CI:-}" = "true" ]; then
  echo "FAILED: CI=true but PostgreSQL is not reachable at 127.0.0.1:5432 (and TEST_DATABASE_URL is not set)." >&2
  exit 1
else
  echo "    PostgreSQL is not reachable: the PostgreSQL half of the suite will be SKIPPED."
  postgres_half=skipped
fi

step "cargo fmt --check"
cargo fmt --all -- --check

# The release build for the browser tests (scripts/build.sh, what scripts/run.sh serves) compiles
# beside the lints and the test build: each of them spends long stretches on one core, so
# together they fill both (target/release and target/wasm beside target/debug: no shared lock).
# The Rust tests run after it has finished, with the machine to themselves.
build_log=target/release-build.log
mkdir -p target
scripts/build.sh >"$build_log" 2>&1 &
release_build=$!
trap 'kill $release_build 2>/dev/null || true' EXIT
echo "    the release build (scripts/build.sh) runs beside the next steps; its log: $build_log"

step "cargo clippy (server side, every target)"
cargo clippy --workspace --all-targets --features app/ssr -- -D warnings

step "cargo clippy (the wasm: app with hydrate)"
cargo clippy -p app --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

step "Rust tests: the build"
cargo test --workspace --features app/ssr --no-run

step "release build for the browser tests (scripts/build.sh): waiting for it to finish"
if ! wait "$release_build"; then
  cat "$build_log" >&2
  echo "FAILED: the release build (its log is above)" >&2
  exit 1
fi
trap - EXIT
sed -n '/==> built in/,$p' "$build_log"

step "Rust tests (unit, storage and HTTP; SQLite and PostgreSQL)"
cargo test --workspace --features app/ssr

step "browser tests (Playwright on /usr/bin/chromium; JavaScript on and off)"
mkdir -p target/e2e
rm -f target/e2e/e2e.db target/e2e/e2e.db-wal target/e2e/e2e.db-shm
if [ "$postgres_half" = ran ]; then
  # A fresh database of its own beside TEST_DATABASE_URL's, so runs never see each other's rows.
  e2e_db=dealtracker_e2e
  psql "$TEST_DATABASE_URL" -q -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $e2e_db WITH (FORCE)" -c "CREATE DATABASE $e2e_db"
  export E2E_POSTGRES_URL="${TEST_DATABASE_URL%/*}/$e2e_db"
fi
(cd e2e && npx playwright test)

elapsed=$(( $(date +%s) - started ))
steps_summary "all tests passed in $((elapsed / 60)) min $((elapsed % 60)) s"
if [ "$postgres_half" = skipped ]; then
  echo "    NOTE: the PostgreSQL half was SKIPPED (no server at 127.0.0.1:5432, TEST_DATABASE_URL unset)."
fi
exit
}
