#!/usr/bin/env node
// Proxy benchmarks (issue 14, point 6): what `certcentral-wasm/proxy` costs.
//
//   node bench/proxy/run.mjs [--quick] [--note "text"]
//
// 1. Added latency per request: GET /account/subaccount/order?limit=1, one at a time, direct to
//    the sandbox (with the key) and through the proxy (without), alternated so both see the same
//    machine; p50 and p99 of each and their difference. Full: 1000 of each; --quick: 200.
// 2. Peak memory while streaming: the used-codes CSV export (60 MB: 241,000 codes) through the
//    proxy to a slow reader (the socket paused between chunks, 8 MB/s full, 30 MB/s --quick, so
//    the proxy must hold back, not buffer), three times in a row. The proxy's RSS is sampled
//    every 20 ms from /proc/PID/status (VmRSS), and its kernel-recorded peak (VmHWM) read at the
//    end; bounded means the growth over idle stays below the body's 60 MB and does not rise
//    from pass to pass.
//
// The sandbox and the proxy each run in their own process (bench/proxy/server.mjs: the
// npm-installed package's listener on node:http, rate windows off, one request in flight);
// this process is only the caller. Prints a markdown report and writes bench/results/proxy.md.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, platform, arch } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { scratch, KEY } from '../../tests/js/helpers.mjs';
import { spawnSandbox, root, fmtMs } from '../client/lib.mjs';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const noteAt = argv.indexOf('--note');
const NOTE = noteAt >= 0 ? argv[noteAt + 1] : undefined;
const N = QUICK ? 200 : 1000;
const CODES = 241_000;
const PASSES = 3;
const READ_BYTES_PER_S = QUICK ? 30e6 : 8e6;
const LIST = '/account/subaccount/order?limit=1';
const CSV = '/voucher/download/used-codes';

/** @param {number[]} xs @param {number} p */
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(1)} MB`;

/** The proxy in its own process; resolves with its URL, pid and close(). */
async function spawnProxy(upstream) {
  const proc = spawn(process.execPath, [join(root, 'bench/proxy/server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KEY, UPSTREAM: upstream },
  });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: /** @type {import('node:stream').Readable} */ (proc.stdout) });
    rl.once('line', (l) => { rl.close(); resolve(l); });
    proc.once('exit', (code) => reject(new Error(`proxy exited (${code}) before printing its address`)));
  });
  const m = /^proxy: (\S+)/.exec(line);
  if (!m) throw new Error(`unexpected first line from the proxy: ${line}`);
  return {
    url: m[1],
    pid: /** @type {number} */ (proc.pid),
    close: () => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve(undefined);
      proc.once('exit', () => resolve(undefined));
      proc.kill('SIGTERM');
    }),
  };
}

/** VmRSS and VmHWM (bytes) of `pid`, from /proc. */
function memOf(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (/** @type {string} */ k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One GET, body read whole; resolves with its status, byte count and milliseconds.
 * @param {string} url
 * @param {Record<string, string>} headers
 */
function get(url, headers) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http.get(url, { agent, headers }, (res) => {
      let n = 0;
      res.on('data', (c) => { n += c.length; });
      res.on('end', () => resolve({ status: res.statusCode, bytes: n, ms: performance.now() - t0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * Reads `url` at about `rate` bytes per second (the socket paused between chunks).
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {number} rate
 * @returns {Promise<{ status: number | undefined, bytes: number, ms: number }>}
 */
function slowRead(url, headers, rate) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http.get(url, { agent: false, headers }, (res) => {
      let n = 0;
      res.on('data', (c) => {
        n += c.length;
        const due = (n / rate) * 1000 - (performance.now() - t0);
        if (due > 1) {
          res.pause();
          setTimeout(() => res.resume(), due);
        }
      });
      res.on('end', () => resolve({ status: res.statusCode, bytes: n, ms: performance.now() - t0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const load0 = loadavg().map((x) => x.toFixed(2)).join(' ');
const sb = await spawnSandbox(['--no-rate-limit', '--orders', '500', '--used-codes', String(CODES)]);
const proxy = await spawnProxy(sb.baseUrl);
const out = [];
try {
  const direct = `${sb.baseUrl}${LIST}`;
  const via = `${proxy.url}certcentral${LIST}`;
  const H = { 'X-DC-DEVKEY': KEY, Accept: 'application/json' };
  const P = { Accept: 'application/json' };
  // Warm-up: connections, the proxy's wasm, the sandbox's caches.
  for (let i = 0; i < 20; i++) {
    await get(direct, H);
    await get(via, P);
  }
  /** @type {number[]} */ const d = [];
  /** @type {number[]} */ const p = [];
  for (let i = 0; i < N; i++) {
    const a = /** @type {{ status: number, ms: number }} */ (await get(direct, H));
    const b = /** @type {{ status: number, ms: number }} */ (await get(via, P));
    if (a.status !== 200 || b.status !== 200) throw new Error(`status ${a.status} direct, ${b.status} via the proxy`);
    d.push(a.ms);
    p.push(b.ms);
  }
  const added = p.map((x, i) => x - d[i]);

  // Streaming: idle RSS, then the 60 MB export to a slow reader, PASSES times in a row, sampled.
  const idle = memOf(proxy.pid);
  /** @type {{ peak: number, after: number, bytes: number, ms: number }[]} */
  const passes = [];
  let samples = 0;
  for (let i = 0; i < PASSES; i++) {
    let peak = memOf(proxy.pid).rss;
    const timer = setInterval(() => {
      try {
        peak = Math.max(peak, memOf(proxy.pid).rss);
        samples++;
      } catch { /* exited */ }
    }, 20);
    const csv = await slowRead(`${proxy.url}certcentral${CSV}`, { Accept: 'text/csv' }, READ_BYTES_PER_S);
    clearInterval(timer);
    if (csv.status !== 200) throw new Error(`CSV through the proxy: status ${csv.status}`);
    passes.push({ peak, after: memOf(proxy.pid).rss, bytes: csv.bytes, ms: csv.ms });
  }
  const hwm = memOf(proxy.pid).hwm;
  const csv = passes[0];
  const growth = passes.map((x) => x.peak - idle.rss);
  const flat = Math.max(...growth) < csv.bytes && growth[growth.length - 1] <= growth[0] + 8e6;
  const after2 = await get(via, P);

  let wasmBytes = NaN;
  try { wasmBytes = statSync(join(scratch, 'node_modules/certcentral-wasm/certcentral_wasm_bg.wasm')).size; } catch { /* not installed */ }
  out.push(
    '## Proxy benchmarks (bench/proxy)',
    '',
    `- command: \`node bench/proxy/run.mjs${QUICK ? ' --quick' : ''}\``,
    `- date: ${new Date().toISOString()}`,
    `- node ${process.version}, ${platform()}/${arch()}, ${cpus().length} x ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}; load average at start: ${load0}`,
    `- package: the npm-installed copy in ${relative(root, scratch)} (wasm ${wasmBytes} bytes); the proxy (bench/proxy/server.mjs) and the sandbox each in their own process, on loopback; proxy rate windows off, one request in flight`,
    ...(NOTE ? [`- note: ${NOTE}`] : []),
    '',
    `### Added latency per request (${N} of each, alternated, one at a time)`,
    '',
    `\`GET ${LIST}\` (a small JSON answer), keep-alive connections both ways.`,
    '',
    '|  | p50 ms | p99 ms |',
    '| --- | --- | --- |',
    `| direct to the sandbox (with the key) | ${fmtMs(pct(d, 0.5))} | ${fmtMs(pct(d, 0.99))} |`,
    `| through the proxy (no key; it adds it) | ${fmtMs(pct(p, 0.5))} | ${fmtMs(pct(p, 0.99))} |`,
    `| **added by the proxy** (per pair: proxy - direct) | **${fmtMs(pct(added, 0.5))}** | **${fmtMs(pct(added, 0.99))}** |`,
    '',
    `### Memory while streaming a ${mb(csv.bytes)} CSV export to a slow reader (${PASSES} times in a row)`,
    '',
    `The used-codes CSV export (${CODES.toLocaleString('en-US')} codes) through the proxy, read at ~${mb(READ_BYTES_PER_S)}/s (${(csv.ms / 1000).toFixed(1)} s a pass); the proxy's RSS sampled every 20 ms (${samples} samples). Idle RSS (after the latency runs): ${mb(idle.rss)}.`,
    '',
    '| pass | peak RSS while streaming | growth over idle | RSS after the pass |',
    '| --- | --- | --- | --- |',
    ...passes.map((x, i) => `| ${i + 1} | ${mb(x.peak)} | **${mb(x.peak - idle.rss)}** | ${mb(x.after)} |`),
    '',
    `Peak of the process's life (VmHWM): ${mb(hwm)}. The next call after the streams: ${after2.status}.`,
    '',
    flat
      ? `Bounded: the growth stays below the body (${mb(csv.bytes)}) and does not rise from pass to pass (no accumulation); the proxy holds back with the reader. It is not near zero: the growth is chunks not yet collected and memory the allocator keeps after the first pass (in-process, after a forced GC, the proxy's array buffers stayed under ~26 MB at any moment of a 60 MB stream; measured once by hand, not by this script).`
      : 'NOT bounded: the proxy grew by more than the body, or more with every pass.',
  );
} finally {
  await proxy.close();
  await sb.close();
  agent.destroy();
}
const text = out.join('\n') + '\n';
process.stdout.write(text);
writeFileSync(join(root, 'bench/results/proxy.md'), text);
