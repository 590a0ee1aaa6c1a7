// The packed tarball (installed into target/scratch by scripts/pack.sh) as users set it up in
// runtimes and bundlers: each scenario builds a fresh project under target/scratch/eco/, does
// one API call against the sandbox plus one CSV parse, and reports { orders, records }.
// Start-up failures are CertCentralErrors of kind `init` that say what to do, and a failed
// start-up is retried by the next call. README "Runtimes and bundlers" points here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync, readFileSync, readdirSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sandbox, scratch, root, chromium, KEY } from './helpers.mjs';

const run = promisify(execFile);
const pkgDir = join(scratch, 'node_modules/certcentral-wasm');
const eco = join(scratch, 'eco');
const esbuild = join(root, 'node_modules/.bin/esbuild');
const tsc = join(root, 'node_modules/.bin/tsc');

let sb, browser;
before(async () => {
  rmSync(eco, { recursive: true, force: true });
  mkdirSync(eco, { recursive: true });
  // CORS on: the vite dev page is served from another origin than the sandbox.
  sb = await sandbox({ pkgDir, cors: true });
  browser = await chromium();
});
after(async () => {
  await browser?.close();
  await sb?.close();
});

/** One API call and one CSV parse; `BASE` is the API base; prints/returns { orders, records }. */
const SCENARIO = (BASE) => `
  const c = await createClient({ apiKey: '${KEY}', baseUrl: ${BASE}, rateLimit: false });
  const r = await c.listSubaccountOrders({ limit: 3 });
  const csv = await c.exportUsedVoucherCodesCsv({ limit: 4 });
  const parsed = await parseUsedVoucherCodesCsv(csv);
  const result = { orders: r.orders.length, records: parsed.records.length };
`;
const EXPECTED = { orders: 3, records: 4 };

/**
 * Runs a Node script in `dir`; returns the JSON its last line prints.
 * @param {string} dir
 * @param {string} file
 */
async function node(dir, file) {
  const { stdout } = await run(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 60000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

/** A fresh project dir under target/scratch/eco/ that resolves the installed package. */
function project(name) {
  const dir = join(eco, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs esbuild with `args` in `dir` (the scratch project's node_modules resolve the package). */
async function bundle(dir, args) {
  await run(esbuild, args, { cwd: dir, encoding: 'utf8' });
}

const NODE_MAIN = `
  ${SCENARIO('process.env.BASE')}
  console.log(JSON.stringify(result));
`;

/** Runs a Node bundle with BASE set. */
async function nodeBundle(dir, file) {
  const { stdout } = await run(process.execPath, [file], {
    cwd: dir, encoding: 'utf8', timeout: 60000, env: { ...process.env, BASE: sb.baseUrl },
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

test('esbuild --platform=node, ESM bundle: the Node entry finds the .wasm through the package', async () => {
  const dir = project('esbuild-node-esm');
  writeFileSync(join(dir, 'main.mjs'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm';\n${NODE_MAIN}`);
  await bundle(dir, ['main.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/out.mjs', '--log-level=warning']);
  assert.deepEqual(await nodeBundle(scratch, join(dir, 'dist/out.mjs')), EXPECTED);
});

test('esbuild --platform=node, CommonJS bundle (no import.meta.url)', async () => {
  const dir = project('esbuild-node-cjs');
  writeFileSync(join(dir, 'main.cjs'), `const { createClient, parseUsedVoucherCodesCsv } = require('certcentral-wasm');
    (async () => { ${NODE_MAIN} })().catch((e) => { console.error(e); process.exit(1); });`);
  await bundle(dir, ['main.cjs', '--bundle', '--platform=node', '--format=cjs', '--outfile=dist/out.cjs', '--log-level=warning']);
  assert.deepEqual(await nodeBundle(scratch, join(dir, 'dist/out.cjs')), EXPECTED);
});

test('a Node bundle run where the package cannot be found: an init error naming certcentral-wasm/inline, whose bundle then runs there', async () => {
  const dir = project('esbuild-node-lost');
  writeFileSync(join(dir, 'main.mjs'), `import { init } from 'certcentral-wasm';
    try { await init(); console.log('{"ok":true}') } catch (e) { console.log(JSON.stringify({ kind: e.kind, name: e.name, message: e.message })) }`);
  await bundle(dir, ['main.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/out.mjs', '--log-level=warning']);
  const lost = project('lost-cwd');
  copyFileSync(join(dir, 'dist/out.mjs'), join(lost, 'out.mjs'));
  const r = await node('/', join(lost, 'out.mjs'));
  assert.equal(r.kind, 'init', JSON.stringify(r));
  assert.equal(r.name, 'CertCentralError');
  assert.match(r.message, /external|serverExternalPackages/);
  assert.match(r.message, /'certcentral-wasm\/inline'/);
  // The fix it names: the same bundle of certcentral-wasm/inline runs anywhere.
  writeFileSync(join(dir, 'inline.mjs'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm/inline';\n${NODE_MAIN}`);
  await bundle(dir, ['inline.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/inline.mjs', '--log-level=warning']);
  copyFileSync(join(dir, 'dist/inline.mjs'), join(lost, 'inline.mjs'));
  assert.deepEqual(await nodeBundle('/', join(lost, 'inline.mjs')), EXPECTED);
});

/**
 * Loads `html` from `dir` as served by its own sandbox; returns what the page reports.
 * @param {string} dir
 */
async function servedPage(dir) {
  const local = await sandbox({ wwwDir: dir, pkgDir });
  const page = await browser.context.newPage();
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(local.url);
    await page.waitForFunction(() => document.body.dataset.done === '1', null, { timeout: 20000 });
    assert.deepEqual(errors, []);
    return JSON.parse(await page.evaluate(() => document.body.dataset.result ?? 'null'));
  } finally {
    await page.close();
    await local.close();
  }
}

/** A page script: the scenario, or the failure's { kind, status, message }. */
const PAGE_MAIN = (before = '') => `
  try {
    ${before}
    ${SCENARIO("location.origin + '/services/v2'")}
    document.body.dataset.result = JSON.stringify(result);
  } catch (e) {
    document.body.dataset.result = JSON.stringify({ kind: e.kind, name: e.name, status: e.status, message: e.message });
  }
  document.body.dataset.done = '1';
`;

/**
 * @param {string} dir
 * @param {string} head what goes in <head> (a CSP meta)
 * @param {string} script the <script> element
 */
function page(dir, head, script) {
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8">${head}<title>eco</title><body>${script}`);
}

/** The .wasm files in `dir` (none when the bundle carries it). */
const wasmFiles = (dir) => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.wasm'));

test('esbuild browser ESM bundle of certcentral-wasm/inline: no copy, no init(url), it runs in Chromium', async () => {
  const dir = project('esbuild-esm-inline');
  writeFileSync(join(dir, 'main.js'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm/inline';\n${PAGE_MAIN()}`);
  await bundle(dir, ['main.js', '--bundle', '--format=esm', '--outfile=dist/main.js', '--log-level=warning']);
  page(join(dir, 'dist'), '', '<script type="module" src="./main.js"></script>');
  assert.deepEqual(wasmFiles(join(dir, 'dist')), []);
  assert.deepEqual(await servedPage(join(dir, 'dist')), EXPECTED);
});

test('esbuild browser ESM bundle of the default entry: without the .wasm, an init error (404) names certcentral-wasm/inline and the copy; with the copy it runs', async () => {
  const dir = project('esbuild-esm');
  writeFileSync(join(dir, 'main.js'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm';\n${PAGE_MAIN()}`);
  await bundle(dir, ['main.js', '--bundle', '--format=esm', '--outfile=dist/main.js', '--log-level=warning']);
  page(join(dir, 'dist'), '', '<script type="module" src="./main.js"></script>');
  const missing = await servedPage(join(dir, 'dist'));
  assert.equal(missing.kind, 'init', JSON.stringify(missing));
  assert.equal(missing.status, 404);
  assert.match(missing.message, /import from 'certcentral-wasm\/inline'/);
  assert.match(missing.message, /copy node_modules\/certcentral-wasm\/certcentral_wasm_bg\.wasm/);
  copyFileSync(join(pkgDir, 'certcentral_wasm_bg.wasm'), join(dir, 'dist/certcentral_wasm_bg.wasm'));
  assert.deepEqual(await servedPage(join(dir, 'dist')), EXPECTED);
});

test('esbuild iife bundle (no import.meta.url) of certcentral-wasm/inline: no copy, no init(url), it runs', async () => {
  const dir = project('esbuild-iife');
  writeFileSync(join(dir, 'main.js'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm/inline';
    (async () => { ${PAGE_MAIN()} })();`);
  await bundle(dir, ['main.js', '--bundle', '--format=iife', '--outfile=dist/main.js', '--log-level=warning']);
  page(join(dir, 'dist'), '', '<script src="./main.js"></script>');
  assert.deepEqual(wasmFiles(join(dir, 'dist')), []);
  assert.deepEqual(await servedPage(join(dir, 'dist')), EXPECTED);
});

const CSP = (scriptSrc) => `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src ${scriptSrc}; connect-src 'self'">`;

test("a page with a strict CSP: 'wasm-unsafe-eval' is all it needs, and without it the init error names it", async () => {
  const dir = project('csp');
  writeFileSync(join(dir, 'main.js'), `import { createClient, parseUsedVoucherCodesCsv } from '/pkg/index.js';\n${PAGE_MAIN()}`);
  page(dir, CSP("'self'"), '<script type="module" src="./main.js"></script>');
  const blocked = await servedPage(dir);
  assert.equal(blocked.kind, 'init', JSON.stringify(blocked));
  assert.match(blocked.message, /'wasm-unsafe-eval'/);
  assert.match(blocked.message, /not 'unsafe-eval'/);
  page(dir, CSP("'self' 'wasm-unsafe-eval'"), '<script type="module" src="./main.js"></script>');
  assert.deepEqual(await servedPage(dir), EXPECTED);
  // certcentral-wasm/inline compiles bytes carried in JS: the same 'wasm-unsafe-eval', no more.
  writeFileSync(join(dir, 'main.js'), `import { createClient, parseUsedVoucherCodesCsv } from '/pkg/inline.js';\n${PAGE_MAIN()}`);
  page(dir, CSP("'self'"), '<script type="module" src="./main.js"></script>');
  const inlineBlocked = await servedPage(dir);
  assert.equal(inlineBlocked.kind, 'init', JSON.stringify(inlineBlocked));
  assert.match(inlineBlocked.message, /'wasm-unsafe-eval'/);
  page(dir, CSP("'self' 'wasm-unsafe-eval'"), '<script type="module" src="./main.js"></script>');
  assert.deepEqual(await servedPage(dir), EXPECTED);
});

/**
 * A server for .wasm start-up failures: each path answers as its name says.
 * @returns {Promise<{ url: string, close: () => Promise<void>, hits: Record<string, number> }>}
 */
async function wasmHost() {
  const wasm = readFileSync(join(pkgDir, 'certcentral_wasm_bg.wasm'));
  /** @type {Record<string, number>} */
  const hits = {};
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    if (path === '/missing.wasm') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } else if (path === '/fallback.wasm') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>app</body></html>');
    } else if (path === '/flaky.wasm' && hits[path] === 1) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
    } else {
      res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${addr.port}`,
    hits,
    close: () => new Promise((r) => server.close(() => r(undefined))),
  };
}

test('the browser loader: 404, an HTML fallback and a 503 are init errors with url, status, content type and a hint; a failed start-up is retried', async () => {
  // The browser/bundler entry, loaded by path in a child Node (its own module instance).
  const host = await wasmHost();
  try {
    const dir = project('loader-errors');
    writeFileSync(join(dir, 'main.mjs'), `
      const { init, createClient, CertCentralError } = await import(${JSON.stringify(pathToFileURL(join(pkgDir, 'index.js')).href)});
      const out = [];
      const base = process.env.HOST;
      for (const path of ['/missing.wasm', '/fallback.wasm', '/flaky.wasm', '/flaky.wasm']) {
        try { await init(base + path); out.push('ok') }
        catch (e) { out.push({ cls: e instanceof CertCentralError, kind: e.kind, url: e.url, status: e.status, contentType: e.contentType, message: e.message }) }
      }
      let bytes; try { await init(new Uint8Array([60, 104, 116, 109, 108])); bytes = 'ok' } catch (e) { bytes = e.kind }
      console.log(JSON.stringify({ out, bytes }));
    `);
    const { stdout } = await run(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOST: host.url } });
    const { out, bytes } = JSON.parse(stdout.trim().split('\n').pop() ?? '');
    const [missing, html, busy, retried] = out;
    assert.deepEqual({ ...missing, message: undefined }, { cls: true, kind: 'init', url: `${host.url}/missing.wasm`, status: 404, contentType: 'text/plain', message: undefined });
    assert.match(missing.message, /missing.*copy/);
    assert.equal(html.kind, 'init');
    assert.equal(html.contentType, 'text/html');
    assert.match(html.message, /HTML page.*optimizeDeps: \{ exclude: \['certcentral-wasm'\] \}/);
    assert.equal(busy.kind, 'init');
    assert.equal(busy.status, 503);
    assert.equal(retried, 'ok', 'the call after a failed start-up tries again');
    assert.equal(host.hits['/flaky.wasm'], 2);
    assert.equal(bytes, 'ok', 'once started, init() resolves whatever it is given');
  } finally {
    await host.close();
  }
});

test('init(bytes) that are not a .wasm is an init error; init(Response) and init(WebAssembly.Module) start the browser loader', async () => {
  const dir = project('loader-sources');
  const wasmPath = join(pkgDir, 'certcentral_wasm_bg.wasm');
  // One child per source: the glue's instance is per process.
  writeFileSync(join(dir, 'main.mjs'), `
    import { readFileSync } from 'node:fs';
    const { init, UsedVoucherCodesCsvParser } = await import(${JSON.stringify(pathToFileURL(join(pkgDir, 'index.js')).href)});
    const bytes = readFileSync(${JSON.stringify(wasmPath)});
    const out = {};
    try { await init(new TextEncoder().encode('<!doctype html>')) } catch (e) { out.bad = e.kind }
    const source = process.argv[2] === 'module' ? await WebAssembly.compile(bytes)
      : new Response(bytes, { headers: { 'content-type': 'application/wasm' } });
    await init(source);
    new UsedVoucherCodesCsvParser().free(); // throws unless started
    out.started = true;
    console.log(JSON.stringify(out));
  `);
  for (const mode of ['response', 'module']) {
    const { stdout } = await run(process.execPath, ['main.mjs', mode], { cwd: dir, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop() ?? ''), { bad: 'init', started: true }, mode);
  }
});

/** tsc (TypeScript 5) or tsgo (TypeScript 7) over `file` in `dir` with `flags`, never skipLibCheck; returns its output ('' when clean). */
async function typecheck(dir, file, flags, compiler = tsc) {
  try {
    // tsgo refuses files on the command line beside a tsconfig.json up the tree unless told.
    const own = compiler === tsc ? [] : ['--ignoreConfig'];
    await run(compiler, [...own, '--strict', '--noEmit', '--skipLibCheck', 'false', ...flags, file], { cwd: dir, encoding: 'utf8' });
    return '';
  } catch (e) {
    return `${e.stdout}${e.stderr}`;
  }
}

const TS_CONSUMER = `
import { createClient, init, parseUsedVoucherCodesCsv, CertCentralError, type CertCentralErrorKind, type UsedVoucherCode } from 'certcentral-wasm';
import * as inline from 'certcentral-wasm/inline';
export async function main(base: string): Promise<number> {
  await init();
  const same: typeof init = inline.init; // the inline entry has the main entry's typings
  await same(new Uint8Array(0));
  const c = await createClient({ apiKey: 'k', baseUrl: base });
  const r = await c.listSubaccountOrders({ limit: 1 });
  const p = await parseUsedVoucherCodesCsv('');
  const codes: UsedVoucherCode[] = p.records;
  const kind: CertCentralErrorKind = 'init';
  c[Symbol.dispose]();
  return r.orders.length + codes.length + (new CertCentralError('x', { kind }).contentType === null ? 0 : 1);
}
`;

test('TypeScript 5 and 7 --strict without skipLibCheck: Node-only (es2022 + @types/node, nodenext), es2022 + dom (bundler), and a .cts', async () => {
  const dir = project('typescript');
  // Resolve the installed package and @types/node from here, as a user project would.
  mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  await run('ln', ['-sfn', pkgDir, join(dir, 'node_modules/certcentral-wasm')]);
  await run('ln', ['-sfn', join(root, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node')]);
  writeFileSync(join(dir, 'main.ts'), TS_CONSUMER);
  writeFileSync(join(dir, 'main.cts'), TS_CONSUMER.replace(/^export async function/m, 'export async function'));
  const nodeOnly = ['--target', 'es2022', '--lib', 'es2022', '--types', 'node', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
  assert.equal(await typecheck(dir, 'main.ts', nodeOnly), '');
  assert.equal(await typecheck(dir, 'main.cts', nodeOnly), '');
  // A browser project: no @types at all.
  const web = project('typescript-dom');
  mkdirSync(join(web, 'node_modules'), { recursive: true });
  await run('ln', ['-sfn', pkgDir, join(web, 'node_modules/certcentral-wasm')]);
  writeFileSync(join(web, 'main.ts'), TS_CONSUMER);
  const dom = ['--target', 'es2022', '--lib', 'es2022,dom', '--module', 'esnext', '--moduleResolution', 'bundler'];
  assert.equal(await typecheck(web, 'main.ts', dom), '');
  // TypeScript 7 (the native compiler, npm @typescript/native-preview).
  const tsgo = join(root, 'node_modules/.bin/tsgo');
  assert.equal(await typecheck(dir, 'main.ts', nodeOnly, tsgo), '');
  assert.equal(await typecheck(dir, 'main.cts', nodeOnly, tsgo), '');
  assert.equal(await typecheck(web, 'main.ts', dom, tsgo), '');
});

test('the exports map offers workerd and edge-light conditions whose loaders import the .wasm as a module', () => {
  const pj = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  assert.equal(pj.exports['.'].workerd, './workerd.js');
  // certcentral-wasm/inline: the main entry's typings; Workers keep their loader (no compiling bytes there).
  assert.deepEqual(pj.exports['./inline'], { types: './index.d.ts', workerd: './workerd.js', 'edge-light': './edge-light.js', default: './inline.js' });
  // Next.js's edge runtime: edge-light before node (both may be set), the .wasm imported with ?module.
  assert.equal(pj.exports['.']['edge-light'], './edge-light.js');
  assert.equal(pj.exports['./proxy']['edge-light'], './proxy-edge-light.js');
  assert.ok(Object.keys(pj.exports['.']).indexOf('edge-light') < Object.keys(pj.exports['.']).indexOf('node'));
  assert.match(readFileSync(join(pkgDir, 'edge-light.js'), 'utf8'), /^import wasmModule from '\.\/certcentral_wasm_bg\.wasm\?module';$/m);
  assert.ok(Object.keys(pj.exports['.']).indexOf('workerd') < Object.keys(pj.exports['.']).indexOf('node'));
  assert.match(readFileSync(join(pkgDir, 'workerd.js'), 'utf8'), /^import wasmModule from '\.\/certcentral_wasm_bg\.wasm';$/m);
  for (const f of ['index.js', 'inline.js', 'node.js', 'workerd.js']) {
    const src = readFileSync(join(pkgDir, f), 'utf8');
    // import.meta.url only inside a function, never at module level.
    for (const line of src.split('\n').filter((l) => l.includes('import.meta.url') && !l.trimStart().startsWith('//'))) {
      assert.match(line, /^\s+/, `${f}: ${line}`);
    }
  }
  assert.ok(existsSync(join(pkgDir, 'start.js')));
});

test('Rollup 4 (@rollup/plugin-node-resolve) browser ESM bundle of certcentral-wasm/inline: no copy, in Chromium', async () => {
  const dir = project('rollup');
  writeFileSync(join(dir, 'main.js'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm/inline';\n${PAGE_MAIN()}`);
  writeFileSync(join(dir, 'rollup.config.mjs'), `
    import { nodeResolve } from ${JSON.stringify(pathToFileURL(join(root, 'node_modules/@rollup/plugin-node-resolve/dist/es/index.js')).href)};
    export default { input: 'main.js', output: { dir: 'dist', format: 'es' }, plugins: [nodeResolve({ browser: true, rootDir: ${JSON.stringify(scratch)}, modulePaths: [${JSON.stringify(join(scratch, 'node_modules'))}] })] };
  `);
  await run(join(root, 'node_modules/.bin/rollup'), ['-c', '--silent'], { cwd: dir, encoding: 'utf8' });
  assert.deepEqual(wasmFiles(join(dir, 'dist')), []);
  page(join(dir, 'dist'), '', '<script type="module" src="./main.js"></script>');
  assert.deepEqual(await servedPage(join(dir, 'dist')), EXPECTED);
});

/** A free TCP port on 127.0.0.1. */
async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
  await new Promise((r) => s.close(() => r(undefined)));
  return port;
}

test('Cloudflare workerd: the workerd condition, bundled as wrangler does (.wasm imported as a module); the proxy too', async () => {
  const dir = project('workerd');
  writeFileSync(join(dir, 'worker.js'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm';
    import { createProxy } from 'certcentral-wasm/proxy';
    let proxy;
    export default {
      async fetch(request) {
        const url = new URL(request.url);
        if (url.pathname.startsWith('/certcentral/')) {
          proxy ??= createProxy({ apiKey: '${KEY}', baseUrl: '${sb.baseUrl}', rateLimit: false });
          return proxy.fetch(request);
        }
        try {
          ${SCENARIO("new URL(request.url).searchParams.get('base')")}
          return Response.json(result);
        } catch (e) {
          return Response.json({ kind: e.kind, message: e.message });
        }
      },
    };`);
  // wrangler's defaults: conditions workerd/worker/browser, .wasm imports kept as wasm modules.
  await bundle(dir, ['worker.js', '--bundle', '--format=esm', '--conditions=workerd,worker,browser', '--external:*.wasm', '--outfile=dist/worker.js', '--log-level=warning']);
  copyFileSync(join(pkgDir, 'certcentral_wasm_bg.wasm'), join(dir, 'dist/certcentral_wasm_bg.wasm'));
  const port = await freePort();
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    (name = "certcentral_wasm_bg.wasm", wasm = embed "dist/certcentral_wasm_bg.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
`);
  const { spawn } = await import('node:child_process');
  const child = spawn(join(root, 'node_modules/.bin/workerd'), ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  try {
    let body;
    for (let i = 0; i < 200 && body === undefined; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/?base=${encodeURIComponent(sb.baseUrl)}`);
        body = await res.json();
      } catch {
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100)); // polling for start-up, not a timed assertion
      }
    }
    assert.deepEqual(body, EXPECTED, log);
    // The proxy in the same worker (its workerd condition): one page of orders through it.
    const ok = await fetch(`http://127.0.0.1:${port}/certcentral/account/subaccount/order?limit=2`);
    const page = await ok.json();
    assert.equal(ok.status, 200, JSON.stringify(page) + log);
    assert.equal(page.orders.length, 2);
    assert.ok(!JSON.stringify(page).includes(KEY));
  } finally {
    child.kill();
  }
});

/**
 * `vite dev` on `app` with `config` (vite.config.mjs text); returns what its page reports.
 * @param {string} app
 * @param {string} config
 */
async function viteDev(app, config) {
  writeFileSync(join(app, 'vite.config.mjs'), config);
  const port = await freePort();
  const { spawn } = await import('node:child_process');
  const child = spawn(join(root, 'node_modules/.bin/vite'), ['--port', String(port), '--strictPort', '--clearScreen', 'false', '--force'], {
    cwd: app, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const page = await browser.context.newPage();
  try {
    for (let i = 0; i < 300 && !log.includes('ready in'); i++) {
      if (child.exitCode !== null) throw new Error(log);
      await new Promise((r) => setTimeout(r, 100)); // polling for start-up, not a timed assertion
    }
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.body.dataset.done === '1', null, { timeout: 30000 });
    return JSON.parse(await page.evaluate(() => document.body.dataset.result ?? 'null'));
  } finally {
    await page.close();
    child.kill();
  }
}

test("vite dev: without optimizeDeps.exclude an init error names it; with that one line it runs", async () => {
  const app = project('vite-dev');
  writeFileSync(join(app, 'index.html'), '<!doctype html><meta charset="utf-8"><title>vite dev</title><body><script type="module" src="./main.js"></script>');
  writeFileSync(join(app, 'main.js'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm';\n${PAGE_MAIN().replace("location.origin + '/services/v2'", JSON.stringify(sb.baseUrl))}`);
  const server = `server: { host: '127.0.0.1', fs: { allow: [${JSON.stringify(scratch)}] } }`;
  const plain = await viteDev(app, `export default { ${server} };`);
  assert.equal(plain.kind, 'init', JSON.stringify(plain));
  assert.match(plain.message, /optimizeDeps: \{ exclude: \['certcentral-wasm'\] \}/);
  const fixed = await viteDev(app, `export default { optimizeDeps: { exclude: ['certcentral-wasm'] }, ${server} };`);
  assert.deepEqual(fixed, EXPECTED);
});

const NODE_LIKE_MAIN = `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm';\n${NODE_MAIN}`;
const NODE_LIKE_INLINE = NODE_LIKE_MAIN.replace("from 'certcentral-wasm'", "from 'certcentral-wasm/inline'");

test('Bun (npm package bun) imports the package by name, and certcentral-wasm/inline', async () => {
  const dir = project('bun');
  writeFileSync(join(dir, 'main.mjs'), NODE_LIKE_MAIN);
  writeFileSync(join(dir, 'inline.mjs'), NODE_LIKE_INLINE);
  for (const file of ['main.mjs', 'inline.mjs']) {
    const { stdout } = await run(join(root, 'node_modules/.bin/bun'), [file], {
      cwd: dir, encoding: 'utf8', timeout: 60000, env: { ...process.env, BASE: sb.baseUrl },
    });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop() ?? ''), EXPECTED, file);
  }
});

test('Deno (npm package deno) imports the package by name from node_modules, and certcentral-wasm/inline', async () => {
  const dir = project('deno');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  await run('ln', ['-sfn', join(scratch, 'node_modules'), join(dir, 'node_modules')]);
  writeFileSync(join(dir, 'main.mjs'), NODE_LIKE_MAIN);
  writeFileSync(join(dir, 'inline.mjs'), NODE_LIKE_INLINE);
  for (const file of ['main.mjs', 'inline.mjs']) {
    const { stdout } = await run(join(root, 'node_modules/.bin/deno'), ['run', '--no-lock', '--allow-read', '--allow-env', '--allow-net', file], {
      cwd: dir, encoding: 'utf8', timeout: 60000, env: { ...process.env, BASE: sb.baseUrl, DENO_DIR: join(eco, '.deno'), NO_COLOR: '1' },
    });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop() ?? ''), EXPECTED, file);
  }
});

test('a module worker in Chromium imports the package', async () => {
  const dir = project('module-worker');
  writeFileSync(join(dir, 'worker.js'), `import { createClient, parseUsedVoucherCodesCsv } from '/pkg/index.js';
    try {
      ${SCENARIO("self.location.origin + '/services/v2'")}
      postMessage(result);
    } catch (e) {
      postMessage({ kind: e.kind, message: e.message });
    }`);
  page(dir, '', `<script type="module">
    const w = new Worker('./worker.js', { type: 'module' });
    w.onmessage = (ev) => { document.body.dataset.result = JSON.stringify(ev.data); document.body.dataset.done = '1'; };
    w.onerror = (ev) => { document.body.dataset.result = JSON.stringify({ error: ev.message }); document.body.dataset.done = '1'; };
  </script>`);
  assert.deepEqual(await servedPage(dir), EXPECTED);
});

/** webpack 5 (webpack-cli) in `dir` with `config` (webpack.config.mjs text). */
async function webpack(dir, config) {
  writeFileSync(join(dir, 'webpack.config.mjs'), config);
  await run(join(root, 'node_modules/.bin/webpack'), ['--config', 'webpack.config.mjs'], { cwd: dir, encoding: 'utf8' });
}

test('webpack 5, browser bundle: the .wasm emitted as an asset, in Chromium', async () => {
  const dir = project('webpack-web');
  writeFileSync(join(dir, 'main.js'), `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm';\n(async () => { ${PAGE_MAIN()} })();`);
  await webpack(dir, `export default { mode: 'production', entry: './main.js', output: { path: ${JSON.stringify(join(dir, 'dist'))}, filename: 'main.js' }, stats: 'errors-only' };`);
  page(join(dir, 'dist'), '', '<script src="./main.js"></script>');
  assert.deepEqual(await servedPage(join(dir, 'dist')), EXPECTED);
});

test('webpack 5, target node (as Next.js bundles a route handler): the Node entry still finds the .wasm', async () => {
  const dir = project('webpack-node');
  writeFileSync(join(dir, 'main.mjs'), NODE_LIKE_MAIN);
  await webpack(dir, `export default { mode: 'production', target: 'node', entry: './main.mjs', experiments: { outputModule: true }, output: { path: ${JSON.stringify(join(dir, 'dist'))}, filename: 'main.mjs', module: true, chunkFormat: 'module' }, stats: 'errors-only' };`);
  assert.deepEqual(await nodeBundle(scratch, join(dir, 'dist/main.mjs')), EXPECTED);
});

/**
 * One Next.js app (npm next, react, react-dom) for both bundlers: a route handler (Node
 * runtime) and a client component page, each doing the scenario against `?base=`. No config
 * beyond where to build (distDir, from NEXT_DIST_DIR) and the repository as the root (where
 * `next` is installed).
 * @returns {string} the app's directory
 */
function nextApp() {
  const app = join(eco, 'next');
  if (existsSync(join(app, 'app/page.js'))) return app;
  mkdirSync(join(app, 'app/api/x'), { recursive: true });
  writeFileSync(join(app, 'next.config.mjs'), `export default {
    distDir: process.env.NEXT_DIST_DIR ?? '.next',
    turbopack: { root: ${JSON.stringify(root)} },
    outputFileTracingRoot: ${JSON.stringify(root)},
  };`);
  writeFileSync(join(app, 'app/layout.js'), `export default function RootLayout({ children }) {
    return <html lang="en"><body>{children}</body></html>;
  }`);
  writeFileSync(join(app, 'app/page.js'), `'use client';
    import { useEffect } from 'react';
    import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm';
    export default function Page() {
      useEffect(() => { (async () => { ${PAGE_MAIN().replace("location.origin + '/services/v2'", "new URL(location.href).searchParams.get('base')")} })(); }, []);
      return <p>certcentral-wasm in a client component</p>;
    }`);
  // The proxy in a Node-runtime catch-all route (README "Next.js route handler"), created on
  // first use: at module level it would run at build time, where the key is not set.
  mkdirSync(join(app, 'app/cc-node/[...path]'), { recursive: true });
  writeFileSync(join(app, 'app/cc-node/[...path]/route.js'), `import { createProxy } from 'certcentral-wasm/proxy';
    let proxy;
    export const GET = (request) => (proxy ??= createProxy({ apiKey: '${KEY}', baseUrl: '${sb.baseUrl}', basePath: '/cc-node', rateLimit: false })).fetch(request);`);
  writeFileSync(join(app, 'app/api/x/route.js'), scenarioRoute(''));
  return app;
}

/**
 * A Next.js route handler doing the scenario against the sandbox named by `?base=`: its result,
 * or the failure's { kind, name, message }.
 * @param {string} runtime a line such as `export const runtime = 'edge';`, or ''
 */
function scenarioRoute(runtime) {
  return `import { createClient, parseUsedVoucherCodesCsv } from 'certcentral-wasm';
    ${runtime}
    export async function GET(request) {
      try {
        ${SCENARIO("new URL(request.url).searchParams.get('base')")}
        return Response.json(result);
      } catch (e) {
        return Response.json({ kind: e.kind, name: e.name, message: e.message });
      }
    }`;
}

/**
 * The edge runtime's routes (`export const runtime = 'edge'`: the `edge-light` condition): the
 * scenario, and the proxy under /certcentral. Written for the Turbopack build only: Next.js
 * 16.4.6's `build --webpack` fails on any edge route handler (ENOENT
 * route_client-reference-manifest.js), with or without this package.
 * @param {string} app
 * @param {boolean} on
 */
function nextEdgeRoutes(app, on) {
  rmSync(join(app, 'app/api/edge'), { recursive: true, force: true });
  rmSync(join(app, 'app/certcentral'), { recursive: true, force: true });
  if (!on) return;
  mkdirSync(join(app, 'app/api/edge'), { recursive: true });
  writeFileSync(join(app, 'app/api/edge/route.js'), scenarioRoute("export const runtime = 'edge';"));
  mkdirSync(join(app, 'app/certcentral/[...path]'), { recursive: true });
  writeFileSync(join(app, 'app/certcentral/[...path]/route.js'), `import { createProxy } from 'certcentral-wasm/proxy';
    export const runtime = 'edge';
    let proxy;
    export function GET(request) {
      proxy ??= createProxy({ apiKey: '${KEY}', baseUrl: '${sb.baseUrl}', rateLimit: false });
      // The edge runtime adds the catch-all segment to the query (?path=account&path=...),
      // which the proxy refuses as an unknown parameter: take it off.
      const url = new URL(request.url);
      url.searchParams.delete('path');
      return proxy.fetch(new Request(url, request));
    }`);
}

/**
 * `next build` (with `flags`) into its own distDir, then `next start` on a free port: returns
 * what the route handler answers and what the client component reports in Chromium (and, with
 * `edge`, what the edge runtime's route and proxy answer).
 * @param {string} distDir
 * @param {string[]} flags
 * @param {boolean} edge
 */
async function nextBuildAndStart(distDir, flags, edge) {
  const app = nextApp();
  nextEdgeRoutes(app, edge);
  const next = join(root, 'node_modules/.bin/next');
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_DIST_DIR: distDir };
  await run(next, ['build', ...flags], { cwd: app, encoding: 'utf8', env, timeout: 300000 });
  const port = await freePort();
  const { spawn } = await import('node:child_process');
  const child = spawn(next, ['start', '-p', String(port), '-H', '127.0.0.1'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const page = await browser.context.newPage();
  try {
    const base = encodeURIComponent(sb.baseUrl);
    let route;
    for (let i = 0; i < 300 && route === undefined; i++) {
      try {
        route = await (await fetch(`http://127.0.0.1:${port}/api/x?base=${base}`)).json();
      } catch {
        if (child.exitCode !== null) throw new Error(log);
        await new Promise((r) => setTimeout(r, 100)); // polling for start-up, not a timed assertion
      }
    }
    await page.goto(`http://127.0.0.1:${port}/?base=${base}`);
    await page.waitForFunction(() => document.body.dataset.done === '1', null, { timeout: 30000 });
    const client = JSON.parse(await page.evaluate(() => document.body.dataset.result ?? 'null'));
    const viaNode = await fetch(`http://127.0.0.1:${port}/cc-node/account/subaccount/order?limit=2`);
    const nodeProxy = { status: viaNode.status, body: await viaNode.text() };
    assert.equal(nodeProxy.status, 200, `${nodeProxy.body}${log}`);
    assert.equal(JSON.parse(nodeProxy.body).orders.length, 2);
    assert.ok(!nodeProxy.body.includes(KEY));
    if (!edge) return { route, client, log };
    const edgeRoute = await (await fetch(`http://127.0.0.1:${port}/api/edge?base=${base}`)).json();
    const proxied = await fetch(`http://127.0.0.1:${port}/certcentral/account/subaccount/order?limit=2`);
    const proxyPage = { status: proxied.status, body: await proxied.text() };
    return { route, client, edgeRoute, proxyPage, log };
  } finally {
    await page.close();
    child.kill();
  }
}

test('Next.js 16 with Turbopack (next build): a route handler, a client component, the proxy in a route, and in the edge runtime a route handler and the proxy (edge-light), no config', async () => {
  const { route, client, edgeRoute, proxyPage, log } = await nextBuildAndStart('.next-turbopack', [], true);
  assert.deepEqual(route, EXPECTED, log);
  assert.deepEqual(client, EXPECTED, log);
  assert.deepEqual(edgeRoute, EXPECTED, log);
  assert.equal(proxyPage?.status, 200, `${proxyPage?.body}${log}`);
  assert.equal(JSON.parse(proxyPage?.body ?? '{}').orders.length, 2);
  assert.ok(!proxyPage?.body.includes(KEY));
});

test('Next.js 16 with webpack (next build --webpack): a route handler, a client component and the proxy in a route, no config', async () => {
  const { route, client, log } = await nextBuildAndStart('.next-webpack', ['--webpack'], false);
  assert.deepEqual(route, EXPECTED, log);
  assert.deepEqual(client, EXPECTED, log);
});
