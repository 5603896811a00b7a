#!/usr/bin/env bash
# Installs what building and testing Parley needs, skipping what is already present.
# Idempotent: every step checks first. Works offline against crates.io, npm and Debian apt only.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
# Must equal the wasm-bindgen crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION=0.2.130

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && echo sudo || { echo "need root for apt-get" >&2; exit 1; }
  fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo; sudo=$(need_root)
    log "apt-get install ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Installs a crate from its unpacked source with one dependency pinned back, because the
# published lock files need a newer rustc or a crate the registry mirror lacks.
cargo_install_pinned() {
  local crate=$1 version=$2 bin=$3 dep=$4 dep_version=$5
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  log "installing $crate $version (takes several minutes once)"
  cargo info "$crate@$version" >/dev/null 2>&1
  local src
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate-$version" | head -n1)
  local work; work=$(mktemp -d)
  cp -r "$src" "$work/src"
  (cd "$work/src" && cargo update -q -p "$dep" --precise "$dep_version")
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install -q --path "$work/src" --locked
  rm -rf "$work"
}

apt_install chromium pkg-config

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  log "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q rustfmt || rustup component add rustfmt clippy

cargo_install_pinned wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen webpki-roots 1.0.10
cargo_install_pinned cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-leptos cargo-util-schemas 0.14.1

# Build tools from npm (binaryen's wasm-opt); cargo-leptos puts node_modules/.bin on PATH.
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci (build tools)"
  npm ci --no-audit --no-fund --silent
fi
if [ ! -d end2end/node_modules/@playwright ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  log "npm ci (end-to-end tests)"
  (cd end2end && npm ci --no-audit --no-fund --silent)
fi
log "tools ready"
