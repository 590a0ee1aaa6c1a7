#!/usr/bin/env bash
# Starts the demo: builds the package, then runs the sandbox, which serves the demo page (www/),
# the package (/pkg/) and the API stand-in (/services/v2) on one origin. Ctrl-C stops it.
# Usage: scripts/demo.sh [--port 8787] (any sandbox option, see sandbox/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
bash scripts/build.sh
exec node sandbox/server.mjs "$@"
