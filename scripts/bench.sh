#!/usr/bin/env bash
# Measures Parley's release build on this machine: start-up, memory, first load in Chromium,
# chat streaming. Prints Markdown tables (the README quotes them).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/setup.sh
step "building the release (precompressed assets)"
leptos_build release --release --precompress --split
# One cargo invocation for all the bench binaries, so their shared dependencies compile once.
cargo build --release --locked -p parley-test-provider -p parley-bench
bin="$CARGO_TARGET_DIR/release/parley"

step "start-up and memory (parley-bench)"
"$CARGO_TARGET_DIR/release/parley-bench" "$bin" "${BENCH_RUNS:-10}"

step "first load in Chromium"
work=$(mktemp -d)
port=$(free_port)
PARLEY_BIND="127.0.0.1:$port" PARLEY_DATA_DIR="$work" PARLEY_DATABASE_URL="sqlite://$work/parley.db" \
  PARLEY_ADMIN_PASSWORD=bench-admin-password PARLEY_LOG=warn "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for_url "http://127.0.0.1:$port/readyz" 30
(cd end2end && BASE_URL="http://127.0.0.1:$port" node bench/first-load.mjs "${BENCH_BROWSER_RUNS:-8}")
ls -l "$CARGO_TARGET_DIR/release/site/pkg" | awk 'NR>1 {printf "  %-48s %8.1f KB\n", $9, $5/1000}'
# Stop the first-load server so the streaming bench has the machine to itself.
kill $pid 2>/dev/null; wait $pid 2>/dev/null || true

step "chat streaming: time to first token, CPU, memory per stream, long chats (parley-stream-bench)"
"$CARGO_TARGET_DIR/release/parley-stream-bench" "$bin" "$CARGO_TARGET_DIR/release/parley-test-provider"
