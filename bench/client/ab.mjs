#!/usr/bin/env node
// A/B of the decode overhead of two builds of the package, in one Node process against one
// sandbox (its own process, rate limit off): each round times one call of each case with the old
// package, the new one and a raw `fetch + res.json()`, in a rotating order, so machine noise
// hits the three alike. Prints medians (ms per call) and the ratios, and writes them to
// bench/results/client-ab.md (scripts/bench.sh puts that file in BENCHMARKS.md as it is: the A/B
// needs an old build, so the script does not run it).
//
//   node bench/client/ab.mjs OLD_SCRATCH [NEW_SCRATCH] [--rounds N]
//
// A scratch directory is what scripts/pack.sh installs the tarball into (default for the new
// build: target/scratch). To build an old commit's package: `git worktree add ../old <rev>`,
// then in it `bash scripts/build.sh && bash scripts/pack.sh` (its scratch: ../old/target/scratch).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSandbox, root, median, fmtMs, fmtRatio, table } from './lib.mjs';

const argv = process.argv.slice(2);
const roundsAt = argv.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 41;
const dirs = argv.filter((a, i) => !a.startsWith('--') && (roundsAt < 0 || i !== roundsAt + 1));
if (!dirs[0]) {
  console.error('usage: node bench/client/ab.mjs OLD_SCRATCH [NEW_SCRATCH] [--rounds N]');
  process.exit(2);
}
const OLD = resolve(dirs[0]);
const NEW = resolve(dirs[1] ?? join(root, 'target/scratch'));
const KEY = 'sandbox-key';

/** @param {string} scratch */
const load = (scratch) => import(pathToFileURL(join(scratch, 'node_modules/certcentral-wasm/node.js')).href);

const sb = await spawnSandbox(['--no-rate-limit']);
try {
  const [oldPkg, newPkg] = [await load(OLD), await load(NEW)];
  const opts = { apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false };
  const clients = { old: await oldPkg.createClient(opts), new: await newPkg.createClient(opts) };
  const cases = [
    { name: 'listSubaccountOrders({limit:1000})', path: '/account/subaccount/order?limit=1000', call: (c) => c.listSubaccountOrders({ limit: 1000 }) },
    { name: 'listUsedVoucherCodes({limit:1000})', path: '/voucher/download/used-codes?limit=1000', call: (c) => c.listUsedVoucherCodes({ limit: 1000 }) },
  ];
  const raw = async (path) => (await fetch(`${sb.baseUrl}${path}`, { headers: { 'X-DC-DEVKEY': KEY } })).json();
  const rows = [];
  for (const c of cases) {
    const t = { old: [], new: [], raw: [] };
    const variants = [
      ['old', () => c.call(clients.old)],
      ['new', () => c.call(clients.new)],
      ['raw', () => raw(c.path)],
    ];
    for (let r = -3; r < ROUNDS; r++) {
      for (let k = 0; k < variants.length; k++) {
        const [name, run] = variants[(k + r + 3) % variants.length];
        const t0 = performance.now();
        await run();
        if (r >= 0) t[name].push(performance.now() - t0);
      }
    }
    const [o, n, w] = [median(t.old), median(t.new), median(t.raw)];
    rows.push([`\`${c.name}\``, fmtMs(o), fmtMs(n), fmtMs(w), fmtRatio(o / w), fmtRatio(n / w), fmtRatio(n / o)]);
  }
  const report = [
    '## Decode overhead, A/B of two builds (bench/client/ab.mjs)',
    '',
    `- command: \`node bench/client/ab.mjs ${relative(root, OLD)}${dirs[1] ? ` ${relative(root, NEW)}` : ''} --rounds ${ROUNDS}\``,
    `- date: ${new Date().toISOString()}; Node ${process.version}; load average at start ${loadavg()[0].toFixed(2)}`,
    `- old: \`${relative(root, OLD)}\`${process.env.AB_OLD ? ` (${process.env.AB_OLD})` : ''}; new: \`${relative(root, NEW)}\`${process.env.AB_NEW ? ` (${process.env.AB_NEW})` : ''}`,
    `- medians of ${ROUNDS} interleaved rounds, ms per call, one sandbox in its own process (rate limit off)`,
    '',
    table(['call', 'old', 'new', 'raw fetch + res.json()', 'old / raw', 'new / raw', 'new / old'], rows),
    '',
  ].join('\n');
  console.log(report);
  writeFileSync(join(root, 'bench/results/client-ab.md'), report);
} finally {
  await sb.close();
}
