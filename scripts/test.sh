#!/usr/bin/env bash
# Runs every test of the project, after installing what this machine lacks (scripts/setup.sh).
#   lint   cargo fmt --check, cargo clippy -D warnings (native and wasm32)
#   native cargo test (the sans-IO core, CSV property tests)
#   sandbox node --test sandbox/test/
#   build  scripts/build.sh + scripts/pack.sh (npm pack, installed into a scratch project)
#   js-types tsc over every hand-written JS file, JSDoc types, --strict: tsconfig.checkjs.json
#          (the package and the demo page), tsconfig.checkjs.worker.json (the demo's CSV worker,
#          lib webworker) and tsconfig.checkjs.node.json (the Node loader, the
#          sandbox, the tests' helpers); after the build, for the generated glue's typings
#   wasm   wasm-bindgen tests against a live sandbox, in Node and in headless Chromium
#   js     node --test tests/js/ (the installed package: client, CSV, faults, packaging,
#          typings, demo page end-to-end in Chromium)
# Ends with one line "N passed, M failed" summed over every runner; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logs=target/test-logs
mkdir -p "$logs"
rm -f "$logs"/*.log

bash scripts/setup.sh || { echo "setup failed"; exit 1; }

failed_steps=()
step() {
  local name=$1; shift
  echo "=== $name: $*"
  # pipefail: the pipeline fails when the command does, whatever tee says.
  "$@" 2>&1 | tee "$logs/$name.log" || failed_steps+=("$name")
}

step fmt cargo fmt --all -- --check
step clippy cargo clippy --all-targets --quiet -- -D warnings
step clippy-wasm cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
step native cargo test --quiet
step sandbox node --test sandbox/test/
step build bash -c 'bash scripts/build.sh && bash scripts/pack.sh'
step js-types bash -c 'r=0; for c in tsconfig.checkjs.json tsconfig.checkjs.worker.json tsconfig.checkjs.node.json; do node_modules/.bin/tsc -p "$c" || r=1; done; exit $r'

# A sandbox for the wasm-bindgen tests (their URL is compiled in; --cors: their Chromium page is
# on the test runner's origin).
sb_log=$(mktemp)
node sandbox/server.mjs --port 0 --no-rate-limit --cors >"$sb_log" 2>&1 &
sb_pid=$!
trap 'kill $sb_pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do grep -q "API base" "$sb_log" && break; sleep 0.1; done
api=$(sed -n 's/.*API base \(http[^ ,]*\).*/\1/p' "$sb_log" | head -n 1)
echo "sandbox for wasm tests: $api"
export CERTCENTRAL_SANDBOX=$api
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
step wasm-node cargo test --target wasm32-unknown-unknown --test wasm_node
step wasm-chromium env CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_browser
kill $sb_pid 2>/dev/null

step js node --test --test-concurrency=1 tests/js/

# Sum what the runners printed: cargo's "test result: ... N passed; M failed" and node's "# pass N" / "# fail N".
passed=$(cat "$logs"/*.log | sed -n -e 's/^test result: .* \([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\1/p' -e 's/^# pass \([0-9][0-9]*\)$/\1/p' | awk '{ s += $1 } END { print s + 0 }')
failed=$(cat "$logs"/*.log | sed -n -e 's/^test result: .* \([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\2/p' -e 's/^# fail \([0-9][0-9]*\)$/\1/p' | awk '{ s += $1 } END { print s + 0 }')
echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]} (logs in $logs/)"
  [ "${failed:-0}" = 0 ] && failed=${#failed_steps[@]}
fi
echo "${passed:-0} passed, ${failed:-0} failed"
[ ${#failed_steps[@]} -eq 0 ]
