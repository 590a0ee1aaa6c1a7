#!/usr/bin/env bash
# Packs pkg/ with `npm pack` and installs the tarball into a scratch project, the way users
# install it. The JS tests load the package from there. Usage: scripts/pack.sh [SCRATCH_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${1:-target/scratch}
rm -rf target/pack "$scratch"
mkdir -p target/pack "$scratch"
tarball=$(npm pack ./pkg --pack-destination target/pack --silent | tail -n 1)
cat > "$scratch/package.json" <<'JSON'
{ "name": "certcentral-wasm-scratch", "private": true, "type": "module" }
JSON
(cd "$scratch" && npm install --no-audit --no-fund --loglevel=error "../pack/$tarball" >/dev/null)
# An ESM file that imports the package by name, so tests resolve it through its exports map.
echo "export * from 'certcentral-wasm';" > "$scratch/entry.mjs"
echo "[pack] target/pack/$tarball installed into $scratch"
