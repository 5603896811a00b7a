#!/usr/bin/env bash
# Installs what is missing, builds Parley (release) and starts it on PARLEY_BIND
# (default 127.0.0.1:3000) with the embedded SQLite database under ./data.
# PARLEY_PROFILE=debug builds faster but serves a larger, slower bundle.
# `--split` is required: pages are lazy-loaded wasm chunks (app/src/routes/lazy.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/setup.sh
profile=${PARLEY_PROFILE:-release}
step "building Parley ($profile)"
if [ "$profile" = release ]; then
  leptos_build release --release --precompress --split
else
  leptos_build debug --split
fi
step "starting Parley on ${PARLEY_BIND:-127.0.0.1:3000}"
exec "$CARGO_TARGET_DIR/$profile/parley" serve
