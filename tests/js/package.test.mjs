// The npm tarball, installed into a scratch project, used five ways: Node ESM `import` (the main
// entry and certcentral-wasm/inline), Node CJS `require`, a plain browser page, and a Vite
// production build in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

// Async: the sandbox runs in this process, so a blocking spawn would starve it.
const run = promisify(execFile);
import { mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { sandbox, scratch, root, chromium, KEY } from './helpers.mjs';

let sb, browser;
before(async () => {
  sb = await sandbox({ pkgDir: join(scratch, 'node_modules/certcentral-wasm') });
  browser = await chromium();
});
after(async () => {
  await browser?.close();
  await sb?.close();
});

async function runNode(file, source) {
  const path = join(scratch, file);
  writeFileSync(path, source);
  const { stdout } = await run(process.execPath, [path], {
    cwd: scratch,
    env: { ...process.env, BASE: sb.baseUrl, KEY },
    encoding: 'utf8',
    timeout: 60000,
  });
  return stdout;
}

test('the tarball holds one .wasm and the exports map puts types first', () => {
  const dir = join(scratch, 'node_modules/certcentral-wasm');
  const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  assert.equal(pj.sideEffects, false);
  assert.equal(Object.keys(pj.exports['.'])[0], 'types');
  assert.ok(pj.exports['./certcentral_wasm_bg.wasm']);
  const wasm = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.wasm'));
  assert.deepEqual(wasm, ['certcentral_wasm_bg.wasm']);
});

test('the tarball holds certcentral-wasm/inline, whose JS carries exactly the .wasm', async () => {
  const dir = join(scratch, 'node_modules/certcentral-wasm');
  const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  assert.equal(pj.exports['./inline'].default, './inline.js');
  assert.equal(pj.exports['./inline'].types, pj.exports['.'].types, 'the same typings as the main entry');
  assert.ok(existsSync(join(dir, 'inline.js')));
  const { WASM_DEFLATE_RAW_BASE64 } = await import(pathToFileURL(join(dir, 'certcentral_wasm_inline.js')).href);
  const carried = inflateRawSync(Buffer.from(WASM_DEFLATE_RAW_BASE64, 'base64'));
  assert.ok(carried.equals(readFileSync(join(dir, 'certcentral_wasm_bg.wasm'))), 'the inline bytes are the .wasm');
});

test('every entry of the exports map exports the same names (the runtime loaders list them one by one)', async () => {
  const dir = join(scratch, 'node_modules/certcentral-wasm');
  const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const main = Object.keys(await import(pathToFileURL(join(dir, 'index.js')).href)).sort();
  assert.ok(main.includes('recordsToCsv') && main.includes('createClient'), main.join(','));
  // Every file an export condition of '.' or './inline' names; the ones Node cannot import (a
  // .wasm imported as a module) are read as text: their `export const { ... } = makeApi(...)`
  // list plus `export { CertCentralError }`.
  const files = new Set();
  for (const entry of ['.', './inline']) for (const [cond, f] of Object.entries(pj.exports[entry])) if (cond !== 'types') files.add(f);
  assert.ok(files.size >= 5, [...files].join(','));
  for (const f of files) {
    const src = readFileSync(join(dir, f), 'utf8');
    const list = /export const \{([^}]*)\} = makeApi\(/.exec(src);
    const names = list ? list[1].split(',').map((x) => x.trim()).filter(Boolean) : [];
    if (/export \{ CertCentralError \}/.test(src)) names.push('CertCentralError');
    if (/export \{ init \}/.test(src)) names.push('init');
    assert.deepEqual([...new Set(names)].sort(), main, `${f} exports what index.js does`);
  }
});

test('Node ESM: import certcentral-wasm/inline by name ', async () => {
  const out = await runNode('inline-check.mjs', `
    import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm/inline';
    const c = await createClient({ apiKey: process.env.KEY, baseUrl: process.env.BASE, rateLimit: false });
    const r = await c.listSubaccountOrders({ limit: 2 });
    const p = await parseUsedVoucherCodesCsv(await c.exportUsedVoucherCodesCsv({ limit: 3 }));
    console.log(JSON.stringify({ n: r.orders.length, records: p.records.length }));
  `);
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop()), { n: 2, records: 3 });
});

test('Node ESM: import by name', async () => {
  const out = await runNode('esm-check.mjs', `
    import { createClient, CertCentralError } from 'certcentral-wasm';
    const c = await createClient({ apiKey: process.env.KEY, baseUrl: process.env.BASE, rateLimit: false });
    const r = await c.listSubaccountOrders({ limit: 3 });
    let err; try { await c.getVoucherOrder(1) } catch (e) { err = e }
    console.log(JSON.stringify({ n: r.orders.length, total: r.page.total, isErr: err instanceof CertCentralError, status: err.status }));
  `);
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.deepEqual(r, { n: 3, total: sb.dataset.subaccountOrders.length, isErr: true, status: 404 });
});

// require() of ESM fails with ERR_REQUIRE_ASYNC_MODULE if the graph has a top-level await.
test('Node CommonJS: require by name', async () => {
  const out = await runNode('cjs-check.cjs', `
    const { createClient, CertCentralError } = require('certcentral-wasm');
    (async () => {
      const c = await createClient({ apiKey: process.env.KEY, baseUrl: process.env.BASE, rateLimit: false });
      const r = await c.listUsedVoucherCodes({ limit: 4 });
      console.log(JSON.stringify({ n: r.codes.length, cls: typeof CertCentralError }));
    })().catch((e) => { console.error(e); process.exit(1); });
  `);
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop()), { n: 4, cls: 'function' });
});

async function pageResult(url) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.done === '1', null, { timeout: 20000 });
  const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
  await page.close();
  assert.deepEqual(errors, []);
  return result;
}

/** Serves a page running PAGE_SCRIPT from its own sandbox and checks what it reports. */
async function checkServedPage(options) {
  const local = await sandbox(options);
  try {
    const r = await pageResult(local.url);
    const total = local.dataset.subaccountOrders.length;
    assert.deepEqual(r, { n: 6, iterated: total, total, status: 404 });
  } finally {
    await local.close();
  }
}

const PAGE_SCRIPT = (importFrom) => `
  import { createClient, CertCentralError } from '${importFrom}';
  try {
    const c = await createClient({ apiKey: '${KEY}', baseUrl: location.origin + '/services/v2', rateLimit: false });
    const r = await c.listSubaccountOrders({ limit: 6 });
    let n = 0;
    for await (const _ of c.iterateSubaccountOrders({ limit: 1000 })) n++;
    let status; try { await c.getVoucherOrder(1) } catch (e) { status = e instanceof CertCentralError ? e.status : 'wrong class' }
    document.body.dataset.result = JSON.stringify({ n: r.orders.length, iterated: n, total: r.page.total, status });
  } catch (e) {
    document.body.dataset.result = JSON.stringify({ error: String(e) });
  }
  document.body.dataset.done = '1';
`;

test('browser: a plain page imports the package as ES modules', async () => {
  const dir = join(scratch, 'browser');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>pkg</title>
    <script type="module">${PAGE_SCRIPT('/pkg/index.js')}</script>`);
  await checkServedPage({ wwwDir: dir, pkgDir: join(scratch, 'node_modules/certcentral-wasm') });
});

test('bundler: a Vite production build runs in Chromium', async () => {
  const app = join(scratch, 'vite-app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'index.html'), `<!doctype html><meta charset="utf-8"><title>vite</title>
    <script type="module" src="./main.js"></script>`);
  writeFileSync(join(app, 'main.js'), PAGE_SCRIPT('certcentral-wasm'));
  execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn', '--outDir', 'dist', '--emptyOutDir'], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const assets = readdirSync(join(app, 'dist/assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `Vite emitted the .wasm asset: ${assets}`);
  assert.ok(existsSync(join(app, 'dist/index.html')));
  await checkServedPage({ wwwDir: join(app, 'dist') });
});
