// Shared helpers of the client benchmarks (Node side): the sandbox in its own process,
// statistics and formatting.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { root } from '../../tests/js/helpers.mjs';

export { root };

/**
 * Starts `node sandbox/server.mjs --port 0 ...` in a SEPARATE process (so the server never
 * shares the measured client's event loop) and parses its first line.
 * Returns { url, baseUrl, proc, close() }.
 */
export async function spawnSandbox(args = []) {
  const proc = spawn(process.execPath, [join(root, 'sandbox/server.mjs'), '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout });
    rl.once('line', (l) => { rl.close(); resolve(l); });
    proc.once('exit', (code) => reject(new Error(`sandbox exited (${code}) before printing its address`)));
    proc.once('error', reject);
  });
  // "certcentral sandbox: http://127.0.0.1:PORT/ (API base http://127.0.0.1:PORT/services/v2, key sandbox-key)"
  const m = /^certcentral sandbox: (\S+) \(API base (\S+), key /.exec(line);
  if (!m) {
    proc.kill();
    throw new Error(`unexpected first line from the sandbox: ${line}`);
  }
  proc.stdout.resume(); // drain anything else it prints
  return {
    url: m[1],
    baseUrl: m[2],
    proc,
    close() {
      return new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    },
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Median and the spread (p25..p75) of `xs`. */
export function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  return { median: median(s), p25: q(0.25), p75: q(0.75), n: s.length };
}

export const fmtMs = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : 'n/a');
export const fmtKB = (b) => `${(b / 1024).toFixed(1)} KB`;
export const fmtRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a');

/** A markdown table from a header row and rows. */
export function table(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
