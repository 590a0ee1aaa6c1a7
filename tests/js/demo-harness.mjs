// The harness of the demo page's end-to-end tests (tests/js/demo*.test.mjs), in Chromium, in the
// production topology: the demo server (scripts/demo-server.mjs, the same code as
// `scripts/demo.sh --upstream URL`) serves the page, the built package (/pkg/) and the
// key-holding proxy (/certcentral) on one origin; the in-process sandbox plays DigiCert upstream
// (no CORS, its own key, which the browser never gets). Screenshots land in
// target/test-results/demo-*.png. A test file calls `useDemo()` once at its top level (it
// registers the before/after hooks) and reads the servers and the browser from `ctx`.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sandbox, chromium, root } from './helpers.mjs';

const { startDemo } = await import(pathToFileURL(join(root, 'scripts/demo-server.mjs')).href);
/** The key the proxy holds and the sandbox accepts; it must reach no page, response or storage. */
export const KEY = `demo-secret-${Math.random().toString(36).slice(2)}`;
/** The key of a second proxy, which the sandbox refuses. */
export const WRONG_KEY = 'wrong-key-held-by-proxy';

export const SHOTS = join(root, 'target/test-results');
export const WIDE = { width: 1280, height: 900 };
export const NARROW = { width: 390, height: 844 };

/**
 * The servers and the browser of the current test file (set by `useDemo`'s before hook).
 * @type {{ sb: any, demo: any, browser: any }}
 */
export const ctx = { sb: null, demo: null, browser: null };
/** Demo servers started by one test, closed after all. */
const extraDemos = [];

/**
 * Registers the hooks that start the sandbox (playing DigiCert: no page of its own, no CORS, one
 * key), the demo server in front of it and Chromium, and close them after the file's tests.
 * @param {object} [sandboxOptions] more options for the sandbox (e.g. latency)
 */
export function useDemo(sandboxOptions = {}) {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ctx.sb = await sandbox({ keys: [KEY], wwwDir: join(root, 'target/no-such-dir'), pkgDir: join(root, 'target/no-such-dir'), ...sandboxOptions });
    ctx.demo = await startDemo({ upstream: ctx.sb.baseUrl, apiKey: KEY, rateLimit: false });
    ctx.browser = await chromium();
  });
  after(async () => {
    await ctx.browser?.close();
    for (const d of extraDemos.splice(0)) await d.close();
    await ctx.demo?.close();
    await ctx.sb?.close();
  });
}

/** Another demo server (page + proxy) in front of `upstream`, holding `apiKey`. */
export async function otherDemo(upstream, apiKey = KEY) {
  const d = await startDemo({ upstream, apiKey, rateLimit: false });
  extraDemos.push(d);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** A fresh page on the demo, instrumented; waits until the default connection is up. */
export async function openPage({ viewport = WIDE, connect = true, url = ctx.demo.url } = {}) {
  const page = await ctx.browser.context.newPage();
  const log = { consoleErrors: [], console: [], pageErrors: [], dialogs: [], requests: [], responses: [] };
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (m) => {
    log.console.push(m.text());
    if (m.type() === 'error') log.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  page.on('dialog', (d) => { log.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('request', (r) => log.requests.push(r.url()));
  // Every response the browser received: its URL, status line, headers and body.
  page.on('response', (r) => log.responses.push((async () => {
    const headers = await r.headersArray().catch(() => []);
    const body = await r.body().catch(() => Buffer.alloc(0));
    return { url: r.url(), head: `${r.status()} ${r.statusText()}\n${headers.map((h) => `${h.name}: ${h.value}`).join('\n')}`, body };
  })()));
  await page.setViewportSize(viewport);
  await page.goto(url);
  if (connect) await waitConnected(page);
  return { page, log };
}

export async function waitConnected(page) {
  await page.waitForFunction(() => document.getElementById('conn-badge')?.textContent === 'Connected', null, { timeout: 15_000 });
}

/**
 * The checks every page must pass: no CSP violation, no uncaught error, no dialog, no console
 * error other than the browser's own line for an HTTP error status, and the key nowhere it
 * must not be (storage, cookies, URL, request URLs, console).
 */
export async function finish({ page, log }, { expectHttpErrors = false } = {}) {
  const state = await page.evaluate(() => ({
    csp: window.__csp,
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookie: document.cookie,
    href: location.href,
    injected: document.querySelectorAll('main script, main img[src="x"], [onerror], [onload]').length,
  }));
  assert.deepEqual(state.csp, [], 'no Content-Security-Policy violations');
  assert.deepEqual(log.pageErrors, [], 'no uncaught exceptions');
  assert.deepEqual(log.dialogs, [], 'no dialogs (no script from data ran)');
  assert.equal(state.injected, 0, 'no elements injected from data');
  const otherErrors = log.consoleErrors.filter((t) => !(expectHttpErrors && /Failed to load resource: the server responded with a status of 4\d\d/.test(t)));
  assert.deepEqual(otherErrors, [], 'no console errors');
  const responses = await Promise.all(log.responses);
  assert.ok(responses.some((r) => r.url.includes('/certcentral/')), 'the page called the proxy');
  assert.ok(responses.every((r) => new URL(r.url).origin === new URL(page.url()).origin), 'one origin: the page talks to its own server only');
  const html = await page.content();
  for (const secret of [KEY, WRONG_KEY]) {
    for (const r of responses) {
      assert.ok(!r.head.includes(secret), `key not in the headers of ${r.url}`);
      assert.ok(!r.body.includes(secret), `key not in the body of ${r.url}`);
    }
    assert.ok(!html.includes(secret), 'key not in the page');
    assert.ok(!state.local.includes(secret) && !state.session.includes(secret), 'key not in web storage');
    assert.ok(!state.cookie.includes(secret), 'key not in cookies');
    assert.ok(!state.href.includes(secret), 'key not in the page URL');
    assert.ok(log.requests.every((u) => !u.includes(secret)), 'key not in any request URL');
    assert.ok(log.console.every((t) => !t.includes(secret)), 'key not logged');
  }
  const cookies = await ctx.browser.context.cookies();
  assert.ok(cookies.every((c) => !c.value.includes(KEY) && !c.value.includes(WRONG_KEY)), 'key not in cookies');
  await page.close();
}

/** Screenshots of the current view at 1280 and 390 px, with `selector` scrolled to the top. */
export async function shots(page, name, selector = '.tabs') {
  for (const [vp, tag] of [[WIDE, '1280'], [NARROW, '390']]) {
    await page.setViewportSize(vp);
    await page.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'start' }), selector);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(SHOTS, `demo-${name}-${tag}.png`) });
  }
  await page.setViewportSize(WIDE);
}

/** Body rows of the results table directly inside `container`. */
export const rowCount = (page, container) => page.$$eval(`${container} > .table-wrap > table > tbody > tr`, (r) => r.length);

/** The texts of one column (by header label) of the results table inside `container`. */
export function column(page, container, label) {
  return page.$eval(`${container} > .table-wrap > table`, (t, l) => {
    const i = [...t.tHead.rows[0].cells].findIndex((c) => c.textContent === l);
    if (i < 0) throw new Error(`no column ${l}`);
    return [...t.tBodies[0].rows].map((r) => r.cells[i].textContent);
  }, label);
}

export const alertText = (page) => page.textContent('#alerts');
export const int = (s) => Number(String(s).replace(/[^\d]/g, ''));

export async function tab(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#panel-${name}:not([hidden])`);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (from npm, WCAG 2.x A and AA rules and best practices) over the page as it is now
 * and asserts zero violations; `state` names the state in the failure message. The script is
 * evaluated through the DevTools protocol, so the page's CSP does not block it.
 * @param {import('playwright-core').Page} page
 * @param {string} state
 */
export async function axe(page, state) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // @ts-ignore: axe is the global the script above defined.
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((/** @type {any} */ v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((/** @type {any} */ n) => n.target.join(' ')).join(' | ')}`);
  });
  assert.deepEqual(violations, [], `axe-core: no violations in state "${state}"`);
}
