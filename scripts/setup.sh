#!/usr/bin/env bash
# Installs what a fresh machine lacks, and skips what is already there:
#   the wasm32 target, the wasm-bindgen CLI matching Cargo.lock, the npm dev tools
#   (package-lock.json), and Debian's Chromium + ChromeDriver (browser tests, demo checks).
# Usage: scripts/setup.sh [--no-browser]
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=1
[ "${1:-}" = "--no-browser" ] && want_browser=0

log() { printf '[setup] %s\n' "$*"; }

rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || rustup target add wasm32-unknown-unknown
log "wasm32-unknown-unknown target ready"

wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wb" ]; then echo "[setup] no wasm-bindgen in Cargo.lock" >&2; exit 1; fi
if ! { command -v wasm-bindgen >/dev/null && wasm-bindgen --version | grep -q " $wb\$"; }; then
  log "installing wasm-bindgen-cli $wb (a few minutes; --locked fails on this registry, see docs/TOOLCHAIN.md)"
  cargo install wasm-bindgen-cli --version "$wb"
fi
log "wasm-bindgen $wb ready"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` installs exactly the locked versions and leaves package-lock.json as it is
  # (docs/TOOLCHAIN.md); `npm ci` works from the lockfile too.
  log "installing npm dev tools (npm install from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
fi
log "npm dev tools ready"

if [ "$want_browser" = 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  log "installing Debian's chromium and chromium-driver"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
[ "$want_browser" = 1 ] && log "chromium ready: $(/usr/bin/chromedriver --version | cut -d' ' -f1-2)"
exit 0
