#!/usr/bin/env bash
# The README's two commands side by side: a release server built and started the way
# scripts/start.sh does keeps serving its pages' bundle while scripts/test.sh's debug build
# runs, and a server whose bundle is gone says so on /readyz and in its log.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step "release build, as scripts/start.sh builds it"
leptos_build release --release --precompress --split || exit 1
bin="$CARGO_TARGET_DIR/release/parley"
site="$CARGO_TARGET_DIR/release/site"

work=$(mktemp -d)
port=$(free_port)
base="http://127.0.0.1:$port"
PARLEY_BIND="127.0.0.1:$port" PARLEY_DATA_DIR="$work" PARLEY_DATABASE_URL="sqlite://$work/parley.db" \
  PARLEY_ADMIN_PASSWORD=side-by-side-password PARLEY_LOG=info "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
cleanup() {
  [ -d "$site.away" ] && mv "$site.away" "$site"
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
wait_for_url "$base/readyz" 60 || { cat "$work/server.log"; exit 1; }

failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

# Every bundle file the sign-in page links to answers 200.
bundle_serves() {
  local page assets asset status
  page=$(curl -fsS "$base/login") || { fail "the sign-in page did not load"; return; }
  assets=$(grep -oE '/pkg/[A-Za-z0-9_.-]+\.(js|wasm|css)' <<<"$page" | sort -u)
  [ "$(wc -l <<<"$assets")" -ge 3 ] || { fail "the page links fewer than 3 bundle files: $assets"; return; }
  for asset in $assets; do
    status=$(curl -s -o /dev/null -w '%{http_code}' "$base$asset")
    [ "$status" = 200 ] || fail "$asset answered $status $1"
  done
}

bundle_serves "before the debug build"

step "debug build, as scripts/test.sh builds it, while the release server runs"
rm -rf "$CARGO_TARGET_DIR/debug/site"
leptos_build debug --split || exit 1
bundle_serves "after the debug build"
curl -fsS -o /dev/null "$base/readyz" || fail "/readyz is not ready after the debug build"

step "a missing bundle is reported, not served as 404s"
mv "$site" "$site.away"
ready=$(curl -s -w '\n%{http_code}' "$base/readyz")
[ "$(tail -n1 <<<"$ready")" = 503 ] || fail "/readyz answered $(tail -n1 <<<"$ready") without the bundle"
grep -q "$site" <<<"$ready" || fail "/readyz does not name $site: $ready"
grep -q "scripts/start.sh" "$work/server.log" || fail "the log does not say what to run"
grep -q "$site" "$work/server.log" || fail "the log does not name $site"
mv "$site.away" "$site"
curl -fsS -o /dev/null "$base/readyz" || fail "/readyz is not ready once the bundle is back"

[ $failed -eq 0 ] && echo "the release server served its bundle throughout"
exit $failed
