#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md (from bench/results/*.md). Against the sandbox
# on loopback; every figure a median of repeated runs, comparisons side by side in one run.
# Usage: scripts/bench.sh [--quick]   (--quick: fewer rounds, 100k CSV rows only, paging at 1/10 time scale,
#   proxy: 200 requests and a faster reader)
# Takes ~38 min in full on a 2-core machine (paging: ~12 min; proxy: ~1 min; its 300 ms latency per page is real waiting); run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
bash scripts/pack.sh
if [ "${1:-}" = "--quick" ]; then
  node bench/client/run.mjs --quick
  node bench/csv/run.mjs --quick
  node bench/paging/run.mjs --quick
  node bench/proxy/run.mjs --quick
  node bench/cli/run.mjs --quick
  node bench/inline/run.mjs --quick
else
  node bench/client/run.mjs
  node bench/csv/run.mjs
  node bench/paging/run.mjs
  node bench/proxy/run.mjs
  node bench/cli/run.mjs
  node bench/inline/run.mjs
fi
{
  echo "# Benchmarks"
  echo
  echo "Written by \`bash scripts/bench.sh\` (sections from \`bench/results/*.md\`); every figure below"
  echo "was measured by the command shown in its section, on the machine it names."
  echo
  sections=(client csv paging proxy cli inline)
  # Measured by hand (it needs an old build; see its command): included as it is when present.
  if [ -f bench/results/client-ab.md ]; then sections+=(client-ab); fi
  for i in "${!sections[@]}"; do
    if [ "$i" -gt 0 ]; then echo; fi
    cat "bench/results/${sections[$i]}.md"
  done
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md"
