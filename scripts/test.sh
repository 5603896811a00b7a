#!/usr/bin/env bash
# Runs Parley's whole test suite: formatting, lints, unit and integration tests (SQLite and
# PostgreSQL), then end-to-end tests in Chromium against a freshly built server.
# Prints a summary; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/setup.sh || exit 1

results=()
failed=0
run() {
  local name=$1; shift
  step "$name"
  local started=$SECONDS
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - started)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - started)) s)")
    failed=1
  fi
}

summary() {
  printf '\n\033[1m==== Parley test summary ====\033[0m\n'
  printf '%s\n' "${results[@]}"
  if [ $failed -ne 0 ]; then
    printf '\033[1;31mFAILED\033[0m\n'
  else
    printf '\033[1;32mALL PASSED\033[0m\n'
  fi
}

run "cargo fmt --check" cargo fmt --all --check
run "clippy (server, all targets)" env RUSTFLAGS="$DEBUG_RUSTFLAGS" \
  cargo clippy --all-targets --locked -- -D warnings
run "clippy (browser bundle)" env RUSTFLAGS="$DEBUG_RUSTFLAGS" \
  cargo clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings
run "build (cargo leptos, debug)" leptos_build debug --split
run "unit and integration tests (SQLite + PostgreSQL)" env RUSTFLAGS="$DEBUG_RUSTFLAGS" \
  cargo test --locked --workspace --exclude frontend -- --color=never
if [ $failed -eq 0 ]; then
  run "end-to-end tests (Chromium)" bash end2end/run.sh "$CARGO_TARGET_DIR/debug/parley"
  run "the two README commands side by side (release server, debug build)" \
    bash end2end/side_by_side.sh
else
  results+=("SKIP  end-to-end tests (an earlier step failed)")
fi
summary
exit $failed
