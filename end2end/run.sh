#!/usr/bin/env bash
# Starts a built Parley binary on a free port with its own SQLite database, the bundled
# test provider (parley-test-provider, built next to it) as its AI backend, and an OpenID
# Provider shaped like Microsoft Entra ID (end2end/oidc/op.mjs, oidc-provider) for single
# sign-on (the organisations' connections and the platform's own, PARLEY_PLATFORM_SSO_*);
# waits until all are ready, runs the Playwright suite against them in Debian's
# Chromium, and stops them.
# Usage: end2end/run.sh path/to/parley [playwright args…]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bin=${1:?usage: end2end/run.sh path/to/parley}; shift

provider_bin="$(dirname "$bin")/parley-test-provider"
if [ ! -x "$provider_bin" ]; then
  step "building the test provider"
  RUSTFLAGS="$DEBUG_RUSTFLAGS" cargo build -q -p parley-test-provider --bin parley-test-provider || exit 1
  provider_bin="$CARGO_TARGET_DIR/debug/parley-test-provider"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

provider_port=$(free_port)
export TEST_PROVIDER_KEY="e2e-provider-key-$RANDOM$RANDOM"
export TEST_PROVIDER_URL="http://127.0.0.1:$provider_port/v1"
"$provider_bin" --port "$provider_port" --api-key "$TEST_PROVIDER_KEY" >"$work/provider.log" 2>&1 &
pids+=($!)
port=$(free_port)

# The OpenID Provider: its issuer is Entra's v2.0 shape, $authority/{directory id}/v2.0, so
# Parley's Entra connections reach it through PARLEY_ENTRA_AUTHORITY. It has two clients: one
# for the organisations' connections (sso.spec.ts) and one for the platform's own connection
# (PARLEY_PLATFORM_SSO_* below, platform_sso.spec.ts). Both client secrets are canaries: they
# must never show up in Parley's log (checked below) or its pages (the specs).
op_port=$(free_port)
export OP_TENANT_ID="11111111-2222-3333-4444-555555555555"
export OP_CLIENT_SECRET="canary-sso-secret-e2e-7f3a"
export OP_PLATFORM_CLIENT_ID="parley-platform-e2e"
export OP_PLATFORM_CLIENT_SECRET="canary-platform-sso-secret-e2e-c41d"
export OP_PLATFORM_ADMIN_ROLE="Parley.PlatformAdmin"
export OP_URL="http://127.0.0.1:$op_port/$OP_TENANT_ID/v2.0"
OP_PORT="$op_port" PARLEY_URL="http://127.0.0.1:$port" node end2end/oidc/op.mjs >"$work/op.log" 2>&1 &
pids+=($!)
if ! wait_for_url "$OP_URL/.well-known/openid-configuration" 30; then
  echo "The OpenID Provider did not start; its log:" >&2
  cat "$work/op.log" >&2
  exit 1
fi
export PARLEY_ENTRA_AUTHORITY="http://127.0.0.1:$op_port"

export PARLEY_BIND="127.0.0.1:$port"
export PARLEY_PUBLIC_URL="http://127.0.0.1:$port"
export PARLEY_DATABASE_URL="sqlite://$work/parley.db"
export PARLEY_DATA_DIR="$work"
export PARLEY_ADMIN_EMAIL="admin@parley.test"
export PARLEY_ADMIN_PASSWORD="e2e-admin-password"
export PARLEY_LOG="info"
# Every spec signs up its own people from 127.0.0.1: the per-address sign-up throttle
# (its own integration test uses the default) would stop the suite after ten.
export PARLEY_SIGNUPS_PER_ADDRESS=100000
# The test provider and the OpenID Provider listen on loopback, which the SSRF guard refuses
# unless allowed.
export PARLEY_ALLOW_PRIVATE_PROVIDER_HOSTS="127.0.0.1"
# It also plays the platform's own provider, which super-admins may offer to organisations.
export PARLEY_OPENAI_API_KEY="$TEST_PROVIDER_KEY"
export PARLEY_OPENAI_BASE_URL="$TEST_PROVIDER_URL"
export PARLEY_OPENAI_MODELS="parley-echo"
# The platform's own single sign-on, Entra-shaped, against the same OpenID Provider: its
# `operator…` logins hold the admin role and become super-admins.
export PARLEY_PLATFORM_SSO_NAME="Contoso ID"
export PARLEY_PLATFORM_SSO_DIRECTORY_ID="$OP_TENANT_ID"
export PARLEY_PLATFORM_SSO_CLIENT_ID="$OP_PLATFORM_CLIENT_ID"
export PARLEY_PLATFORM_SSO_CLIENT_SECRET="$OP_PLATFORM_CLIENT_SECRET"
export PARLEY_PLATFORM_SSO_ADMIN_ROLE="$OP_PLATFORM_ADMIN_ROLE"
export PLATFORM_SSO_NAME="$PARLEY_PLATFORM_SSO_NAME"
"$bin" serve >"$work/server.log" 2>&1 &
pids+=($!)

if ! wait_for_url "http://127.0.0.1:$port/readyz" 60; then
  echo "Parley did not become ready; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
# The provider prints "listening on …" once it accepts connections.
for _ in $(seq 100); do grep -q listening "$work/provider.log" && break; sleep 0.1; done
if ! grep -q listening "$work/provider.log"; then
  echo "The test provider did not start; its log:" >&2
  cat "$work/provider.log" >&2
  exit 1
fi
# A key or client secret never reaches the log, whatever the tests did.
check_log_for_key() {
  local leaked=0
  if grep -qF "$TEST_PROVIDER_KEY" "$work/server.log"; then
    echo "The provider key appeared in the server log" >&2
    leaked=1
  fi
  if grep -qF "$OP_CLIENT_SECRET" "$work/server.log"; then
    echo "The SSO client secret appeared in the server log" >&2
    leaked=1
  fi
  if grep -qF "$OP_PLATFORM_CLIENT_SECRET" "$work/server.log"; then
    echo "The platform SSO client secret appeared in the server log" >&2
    leaked=1
  fi
  return $leaked
}
cd end2end
BASE_URL="http://127.0.0.1:$port" npx --no-install playwright test "$@" 2>&1 | tee "$work/playwright.log"
status=${PIPESTATUS[0]}
check_log_for_key || status=1
if grep -q "panicked" "$work/server.log"; then
  echo "--- the server panicked while the tests ran ---"
  grep -E -A6 "panicked" "$work/server.log" | grep -vE "^\s+[0-9]+: |^\s+at " | head -n 40
fi
# A test that passed only on retry is reported too: its server side is gone with $work.
if [ $status -ne 0 ] || grep -qE "^\s+[0-9]+ flaky" "$work/playwright.log"; then
  echo "--- refused and failed requests ---"
  grep -E "status=(401|403|5[0-9][0-9])" "$work/server.log" | tail -n 40
  echo "--- server panics and errors ---"
  grep -E -A4 "panicked|ERROR" "$work/server.log" | grep -vE "^\s+[0-9]+: |^\s+at " | head -n 60
  echo "--- server log (last 30 lines) ---"
  tail -n 30 "$work/server.log"
  echo "--- OpenID Provider log (warnings and notices left out) ---"
  grep -vE "WARNING|NOTICE" "$work/op.log" | tail -n 20
fi
exit $status
