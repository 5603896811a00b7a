#!/usr/bin/env bash
# Starts a built Parley binary on a free port with its own SQLite database, waits until it
# is ready, runs the Playwright suite against it in Debian's Chromium, and stops it.
# Usage: end2end/run.sh path/to/parley [playwright args…]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bin=${1:?usage: end2end/run.sh path/to/parley}; shift

work=$(mktemp -d)
port=$(free_port)
export PARLEY_BIND="127.0.0.1:$port"
export PARLEY_PUBLIC_URL="http://127.0.0.1:$port"
export PARLEY_DATABASE_URL="sqlite://$work/parley.db"
export PARLEY_DATA_DIR="$work"
export PARLEY_ADMIN_EMAIL="admin@parley.test"
export PARLEY_ADMIN_PASSWORD="e2e-admin-password"
export PARLEY_LOG="info"
"$bin" serve >"$work/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if ! wait_for_url "http://127.0.0.1:$port/readyz" 60; then
  echo "Parley did not become ready; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
cd end2end
BASE_URL="http://127.0.0.1:$port" npx --no-install playwright test "$@"
status=$?
if [ $status -ne 0 ]; then
  echo "--- server panics and errors ---"
  grep -E -A4 "panicked|ERROR" "$work/server.log" | grep -vE "^\s+[0-9]+: |^\s+at " | head -n 60
  echo "--- server log (last 30 lines) ---"
  tail -n 30 "$work/server.log"
fi
exit $status
