#!/usr/bin/env bash
# Builds the npm package into pkg/: one optimised .wasm, the wasm-bindgen `web` glue, and the
# hand-written loaders from pkg-template/. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."

name=certcentral_wasm
out=pkg
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

cargo build --quiet --target wasm32-unknown-unknown --release
rm -rf "$out" target/bindgen
wasm-bindgen --target web --out-dir target/bindgen "target/wasm32-unknown-unknown/release/$name.wasm"
mkdir -p "$out"
# binaryen from npm (v132). Never Debian's binaryen: its wasm-opt writes a broken module.
# The --enable flags are the wasm features rustc (1.82+) turns on by default for wasm32.
# --converge repeats -Oz until the module stops shrinking (about 100 B gzip; 2026-12-02).
node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "target/bindgen/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
cp target/bindgen/"$name".js target/bindgen/"$name".d.ts "$out/"
# wasm-bindgen's loader internals (InitInput, InitOutput, SyncInitInput, initSync, the default
# init) name DOM types and `any`: cut from the public typings (index.d.ts types `init` itself).
sed -i '/^export type InitInput/,$d' "$out/$name.d.ts"
if grep -q -e 'InitOutput' -e 'initSync' -e ': any\b' "$out/$name.d.ts"; then echo "build: wasm-bindgen internals left in $name.d.ts" >&2; exit 1; fi
if [ -d target/bindgen/snippets ]; then cp -r target/bindgen/snippets "$out/"; fi
cp pkg-template/*.js pkg-template/*.d.ts pkg-template/README.md "$out/"
sed "s/\"version\": \"0.0.0-template\"/\"version\": \"$version\"/" pkg-template/package.json > "$out/package.json"
echo "built $out/ (certcentral-wasm $version): $(wc -c < "$out/${name}_bg.wasm") bytes of wasm"
