#!/usr/bin/env bash
# Starts the demo in the production topology: builds the package, then runs scripts/demo-server.mjs,
# which serves the demo page (www/), the package (/pkg/) and the key-holding proxy (/certcentral)
# on one origin. Upstream: by default the sandbox (started beside it, playing DigiCert: no CORS,
# a random key the page never sees); with --upstream URL the real API, key in DIGICERT_API_KEY:
#   DIGICERT_API_KEY=... scripts/demo.sh --upstream https://www.digicert.com/services/v2
# Usage: scripts/demo.sh [--port 8787] [--host 127.0.0.1] [--upstream URL]. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
bash scripts/build.sh
exec node scripts/demo-server.mjs "$@"
