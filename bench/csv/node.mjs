// Node side of the benchmark: `node --expose-gc bench/csv/node.mjs --rows N [--runs 5] [--warmup 1]`.
// Prints progress on stderr and the results as one JSON line on stdout (run.mjs reads it).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { runSuite } from './suite.mjs';
import { scratch } from '../../tests/js/helpers.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const require = createRequire(import.meta.url);
// The package as users get it (installed from the npm tarball by scripts/pack.sh).
const pkg = await import(pathToFileURL(join(scratch, 'entry.mjs')).href);
const Papa = require('papaparse');
const d3 = await import('d3-dsv');
const { parse: csvParseSync } = await import('csv-parse/sync');

const out = await runSuite({ pkg, Papa, d3, csvParseSync }, {
  rows: Number(arg('rows', 100000)),
  runs: Number(arg('runs', 5)),
  warmup: Number(arg('warmup', 1)),
  profile: arg('profile', '1') !== '0',
  gc: globalThis.gc ?? (() => {}),
  log: (m) => process.stderr.write(`[node] ${m}\n`),
});
process.stdout.write(`${JSON.stringify({ runtime: 'node', version: process.version, ...out })}\n`);
