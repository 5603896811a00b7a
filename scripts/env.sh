# Shared settings for Parley's scripts (sourced, not run).
# One cargo target directory outside the checkout survives fresh clones, so CI and local
# runs stay incremental. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/parley/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-leptos debug builds pass this cfg; plain cargo commands must pass the same, or every
# dependency is compiled a second time. Used as `RUSTFLAGS=$DEBUG_RUSTFLAGS cargo …`.
DEBUG_RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME=parley
mkdir -p "$CARGO_TARGET_DIR"

# Builds Parley with cargo-leptos for a profile (`debug` or `release`; further arguments go to
# `cargo leptos build`). Each profile writes its own site (wasm, JS, CSS) beside its binary,
# where that binary looks for it: a debug build never replaces the bundle under a running
# release server.
leptos_build() {
  local profile=$1; shift
  LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/$profile/site" cargo leptos build "$@"
}

step() { printf '\n\033[1;35m==> %s\033[0m\n' "$*"; }

# Waits until $1 answers 200, or fails after $2 seconds.
wait_for_url() {
  local url=$1 timeout=${2:-60} start=$SECONDS
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if (( SECONDS - start > timeout )); then
      echo "timed out waiting for $url" >&2
      return 1
    fi
    sleep 0.2
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
