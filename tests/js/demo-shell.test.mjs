// End-to-end tests of the demo page's shell (issue 16): Cancel in every panel and a Connect that
// is never locked (against a stalled API), honest waits (attempt n of m, the rate limit, the real
// time a timeout took), errors for people placed in the panel in use, focus kept on the control
// used, visible focus, the skip link, the page refusing to be framed, the date range check and
// the chart's whole-number axis. Chromium, through the demo server and its proxy (see
// demo-harness.mjs); screenshots in target/test-results/demo-shell-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  useDemo, ctx, otherDemo, openPage, waitConnected, finish, shots, alertText, tab, axe,
} from './demo-harness.mjs';

useDemo();

/** The id (or, without one, the classes) of the focused element. */
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? (a.id || `.${[...a.classList].join('.')}`) : null;
});

/** Waits until no action is running in `panel` (its Cancel button gone). */
const idle = (page, panel) => page.waitForFunction((p) => !document.querySelector(`${p} .run-cancel`) && !document.querySelector(`${p}[aria-busy]`), panel);

/** Records every text the panels' status lines show, from each page's start (all pages of the
 * browser context; harmless for the others). */
let recording = false;
async function recordStatuses() {
  if (recording) return;
  recording = true;
  await ctx.browser.context.addInitScript(() => {
    /** @type {string[]} */
    const seen = [];
    // @ts-ignore: a test global
    window.__statuses = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('.run-status')) {
        const t = el.textContent ?? '';
        if (t && seen[seen.length - 1] !== t) seen.push(t);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}
// @ts-ignore: the test global above
const statuses = (page) => page.evaluate(() => window.__statuses);

/**
 * Resolves once `check()` is true (polled every 20 ms); rejects after 10 s.
 * @param {() => boolean} check
 */
async function until(check) {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`still false after 10 s: ${check}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * An upstream that holds every request without answering until `release()`; then it passes
 * requests on to the sandbox.
 */
async function stallingUpstream() {
  let stalling = true;
  let seen = 0;
  /** @type {Set<import('node:http').ServerResponse>} */
  const held = new Set();
  const server = http.createServer(async (req, res) => {
    seen++;
    if (stalling) { held.add(res); res.on('close', () => held.delete(res)); return; }
    const r = await fetch(new URL(String(req.url).replace(/^\//, ''), ctx.sb.url), { headers: { 'X-DC-DEVKEY': String(req.headers['x-dc-devkey']) } });
    res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    baseUrl: `http://127.0.0.1:${port}/services/v2`,
    seen: () => seen,
    held: () => held.size,
    release() { stalling = false; },
    stall() { stalling = true; },
    close: () => new Promise((r) => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close(() => r(undefined));
    }),
  };
}

test('Cancel in every panel against a stalled API; Connect is never locked; focus comes back to the control used', async (t) => {
  const upstream = await stallingUpstream();
  t.after(() => upstream.close());
  const stalled = await otherDemo(upstream.baseUrl);
  const p = await openPage({ url: stalled.url, connect: false });
  const { page } = p;
  // The start-up check hangs: Connect stays usable, and the panel offers Cancel.
  await page.waitForSelector('#conn-card .run-cancel');
  assert.equal(await page.isDisabled('#conn-connect'), false, 'Connect is not locked while checking');
  assert.equal(await page.textContent('#conn-card .run-status'), 'Working…');
  await axe(page, 'connection check in flight');

  // Connect again: the check in flight is replaced (one Cancel, no error), focus stays on Connect.
  await page.focus('#conn-connect');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#conn-card .run-cancel').length === 1);
  assert.equal(await page.textContent('#conn-card .run-status'), 'Working…');
  assert.equal(await alertText(page), '');
  assert.equal(await focused(page), 'conn-connect');

  // Cancel the check: "Cancelled.", no error box, focus back on Connect.
  await page.click('#conn-card .run-cancel');
  await page.waitForFunction(() => document.querySelector('#conn-card .run-status')?.textContent === 'Cancelled.');
  assert.equal(await alertText(page), '', 'a cancel is not an error');
  assert.equal(await page.textContent('#conn-badge'), 'Not checked');
  assert.equal(await focused(page), 'conn-connect');
  await idle(page, '#conn-card');

  // Changing a setting stops a check in flight.
  await page.click('#conn-connect');
  await page.waitForSelector('#conn-card .run-cancel');
  await page.click('#conn-advanced > summary');
  await page.fill('#conn-retries', '1');
  await idle(page, '#conn-card');
  assert.equal(await page.textContent('#conn-status'), 'Connection settings changed: press Connect.');
  assert.equal(await alertText(page), '');

  // Every panel's action, started from the keyboard: the button is busy, Cancel takes focus,
  // Enter on Cancel stops it, and focus returns to the button.
  const actions = [
    { name: 'codes', button: '#codes-search' },
    { name: 'codes', button: '#codes-export' },
    { name: 'voucher', button: '#voucher-get', fill: ['#voucher-id', '1'] },
    { name: 'reissues', button: '#reissues-get', fill: ['#reissues-id', '1'] },
    { name: 'orders', button: '#orders-search-btn' },
    { name: 'orders', button: '#orders-loadall', cancel: '#orders-cancel' }, // its own, beside the progress bar
    { name: 'csv', button: '#csv-fromapi' },
  ];
  let first = true;
  for (const { name, button, fill, cancel } of actions) {
    const panel = `#panel-${name}`;
    await tab(page, name);
    if (fill) await page.fill(fill[0], fill[1]);
    await page.focus(button);
    await page.keyboard.press('Enter');
    await page.waitForSelector(cancel ?? `${panel} .run-cancel`);
    assert.equal(await page.$$eval(`${panel} button`, (bs) => bs.filter((b) => b.textContent === 'Cancel' && b.offsetParent !== null).length), 1, `${button}: one Cancel`);
    assert.equal(await page.isDisabled(button), true, `${button} is busy`);
    assert.equal(await focused(page), cancel ? cancel.slice(1) : '.btn.btn-danger.run-cancel', `${button}: Cancel holds focus while the button is busy`);
    assert.equal(await page.textContent(`${panel} .run-status`), 'Working…');
    if (first) await axe(page, 'an action in flight, Cancel shown');
    if (button === '#orders-loadall') await shots(page, 'shell-in-flight', '#panel-orders');
    first = false;
    await page.keyboard.press('Enter');
    await page.waitForFunction((pn) => document.querySelector(`${pn} .run-status`)?.textContent === 'Cancelled.', panel);
    await idle(page, panel);
    assert.equal(await alertText(page), '', `${button}: a cancel is not an error`);
    assert.equal(await page.isDisabled(button), false, `${button} usable again`);
    assert.equal(await focused(page), button.slice(1), `${button}: focus back on the button`);
  }
  assert.match(await page.textContent('#orders-progress-text'), /^Cancelled after 0 of/);
  await axe(page, 'after cancels');

  // The API is back: Connect works at once (nothing left waiting in the page's client).
  upstream.release();
  await page.click('#conn-connect');
  await waitConnected(page);
  await finish(p);
});

test('an action waiting in the client\'s queue behind another panel\'s request says so; each panel\'s status follows its own requests', async (t) => {
  const upstream = await stallingUpstream();
  t.after(() => upstream.close());
  upstream.release();
  const d = await otherDemo(upstream.baseUrl);
  const p = await openPage({ url: d.url });
  const { page } = p;
  await page.waitForSelector('#codes-results table');
  upstream.stall();

  // Load all sends its first request, which hangs: the orders panel is working.
  await tab(page, 'orders');
  await page.click('#orders-loadall');
  await page.waitForFunction(() => document.querySelector('#panel-orders .run-status')?.textContent === 'Working…');
  await until(() => upstream.held() === 1);
  const sent = upstream.seen();
  // A search in another panel waits for its turn (one request at a time per key): it says so.
  await tab(page, 'codes');
  await page.click('#codes-search');
  await page.waitForFunction(() => document.querySelector('#panel-codes .run-status')?.textContent.startsWith('Waiting for its turn'), null, { timeout: 5_000 });
  assert.equal(upstream.seen(), sent, 'the search was not sent: it waits in the client\'s queue');
  assert.equal(await page.textContent('#panel-orders .run-status'), 'Working…', 'the orders panel keeps its own status');
  await axe(page, 'a search waiting for its turn');

  // Load all cancelled: the search gets its turn and is sent; its panel says it is working.
  await tab(page, 'orders');
  await page.click('#orders-cancel');
  await page.waitForFunction(() => document.querySelector('#panel-orders .run-status')?.textContent === 'Cancelled.');
  await page.waitForFunction(() => document.querySelector('#panel-codes .run-status')?.textContent === 'Working…');
  await until(() => upstream.seen() === sent + 1); // the search went out once Load all stopped
  // (The upstream holds it: stop it too.)
  await tab(page, 'codes');
  await page.click('#panel-codes .run-cancel');
  await page.waitForFunction(() => document.querySelector('#panel-codes .run-status')?.textContent === 'Cancelled.');
  assert.equal(await alertText(page), '');
  await finish(p);
});

test('waits are told (attempt n of m, the rate limit); errors say what happened and what to do, in the panel; a timeout states the real time waited', async (t) => {
  // Every request answered 503: the connection panel counts the attempts, then explains.
  const failing = await otherDemo(`${ctx.sb.url}fault/503/services/v2`);
  await recordStatuses();
  let p = await openPage({ url: failing.url, connect: false });
  let { page } = p;
  await page.waitForSelector('#conn-card #alerts .alert-error');
  const seen503 = await statuses(page);
  assert.ok(seen503.includes('Attempt 2 of 3…') && seen503.includes('Attempt 3 of 3…'), seen503.join(' | '));
  assert.ok(seen503.includes('Attempt 1 of 3 got HTTP 503; trying again…'), seen503.join(' | '));
  assert.match(await page.textContent('#alerts .alert-what'), /^CertCentral had a problem \(HTTP 503\) after [\d.]+ s and 3 attempts\./);
  assert.match(await page.textContent('#alerts .alert-todo'), /try again in a few minutes/);
  assert.equal(await page.isVisible('#alerts .fact-kind'), false, 'the technical facts are folded away');
  assert.doesNotMatch(await page.innerText('#alerts'), /Kind|http\b/, 'no developer words on show');
  await page.click('#alerts .alert-details > summary');
  assert.equal(await page.textContent('#alerts .fact-status'), '503');
  assert.equal(await page.textContent('#alerts .err-code'), 'service_unavailable');
  assert.match(await page.textContent('#alerts .alert-url'), /\/certcentral\//);
  await axe(page, '503 error with details open');
  await shots(page, 'shell-error-503', '#conn-card');
  // The browser logs each 503 it received; those are expected here.
  p.log.consoleErrors = p.log.consoleErrors.filter((t) => !/status of 503 \(Service Unavailable\)/.test(t));
  await finish(p, { expectHttpErrors: true });

  // 429 with Retry-After: 1: "waiting for the rate limit", then the error says when to retry.
  const limited = await otherDemo(`${ctx.sb.url}fault/429/services/v2`);
  p = await openPage({ url: limited.url, connect: false });
  page = p.page;
  await page.waitForSelector('#conn-card #alerts .alert-error');
  const seen429 = await statuses(page);
  assert.ok(seen429.includes('Waiting for the rate limit, about 1 s…'), seen429.join(' | '));
  assert.match(await page.textContent('#alerts .alert-what'), /rate limit was reached and the retries ran out after [\d.]+ s and 3 attempts/);
  assert.match(await page.textContent('#alerts .alert-todo'), /^Try again in about 1 s/);
  await axe(page, '429 error');
  await finish(p, { expectHttpErrors: true });

  // A stalled API with a 1 s timeout per attempt: the error states the whole time waited.
  const upstream = await stallingUpstream();
  t.after(() => upstream.close());
  const stalled = await otherDemo(upstream.baseUrl);
  p = await openPage({ url: stalled.url, connect: false });
  page = p.page;
  await page.waitForSelector('body[data-ready]');
  await page.click('#conn-advanced > summary');
  await page.fill('#conn-timeout', '1');
  const t0 = Date.now();
  await page.click('#conn-connect');
  await page.waitForSelector('#conn-card #alerts .alert-error', { timeout: 20_000 });
  const wall = (Date.now() - t0) / 1000;
  const what = await page.textContent('#alerts .alert-what');
  const m = /^No complete answer: waited ([\d.]+) s in all, over 3 attempts of up to 1 s each\.$/.exec(what);
  assert.ok(m, what);
  const stated = Number(m[1]);
  assert.ok(stated >= 3 && stated <= wall + 0.1, `stated ${stated} s: at least 3 attempts of 1 s, at most the ${wall} s seen`);
  assert.equal(await page.textContent('#alerts .fact-kind'), 'timeout');
  // The package's own message says the whole wait too (for every user of the client, not only
  // this page).
  const msg = /** @type {string} */ (await page.textContent('#alerts .alert-message'));
  const mm = /^no complete response within 1000 ms on any of 3 attempts \((\d+) ms in all\)$/.exec(msg);
  assert.ok(mm, msg);
  assert.ok(Number(mm[1]) >= 3000 && Number(mm[1]) <= wall * 1000 + 100, msg);
  assert.equal(await page.textContent('#conn-badge'), 'Connection check failed');
  assert.equal(await page.textContent('#conn-status'), '', 'no second sentence about the failure');
  await axe(page, 'timeout error');
  await shots(page, 'shell-error-timeout', '#conn-card');
  upstream.release();
  await page.click('#conn-connect');
  await waitConnected(page);
  assert.equal(await alertText(page), '', 'the next success clears the error');
  await finish(p);
});

test('focus stays on the control used (Next, Search, Connect, Load all, Get); visible focus; skip link; a focused tab is not a selected one', async () => {
  const p = await openPage();
  const { page } = p;

  // Skip link: the first Tab stop, visible when focused; it moves focus to the content.
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  const box = await page.$eval('.skip-link', (a) => a.getBoundingClientRect().top);
  assert.ok(box >= 0, 'the skip link is on screen while focused');
  await axe(page, 'skip link focused');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'main');
  assert.equal(await page.evaluate(() => location.hash), '', 'the URL is left alone');

  await page.waitForSelector('#codes-results .pager-next');
  await page.focus('#codes-results .pager-next');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#codes-results .pager-pos')?.textContent.startsWith('Page 2 of'));
  await idle(page, '#panel-codes');
  assert.equal(await focused(page), '.btn.btn-small.pager-next', 'Next keeps focus (the new Next)');

  await page.focus('#codes-search');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#codes-results .pager-pos')?.textContent.startsWith('Page 1 of'));
  await idle(page, '#panel-codes');
  assert.equal(await focused(page), 'codes-search');

  await page.focus('#conn-connect');
  await page.keyboard.press('Enter');
  await waitConnected(page);
  await idle(page, '#conn-card');
  assert.equal(await focused(page), 'conn-connect');

  const voucher = ctx.sb.dataset.voucherOrders[0];
  await tab(page, 'voucher');
  await page.fill('#voucher-id', String(voucher.id));
  await page.focus('#voucher-get');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#voucher-results table');
  await idle(page, '#panel-voucher');
  assert.equal(await focused(page), 'voucher-get');

  await tab(page, 'orders');
  await page.selectOption('#orders-limit', '1000');
  await page.focus('#orders-loadall');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#orders-loadall-box[data-state="done"]', { timeout: 30_000 });
  await idle(page, '#panel-orders');
  assert.equal(await focused(page), 'orders-loadall');

  // Every control reached by Tab shows a ring of at least 2 px (the file input: on its label).
  for (const name of ['codes', 'csv']) {
    await tab(page, name);
    await page.focus('#conn-base');
    const rings = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const r = await page.evaluate(() => {
        const a = /** @type {HTMLElement} */ (document.activeElement);
        if (!a || a === document.body || a.closest('footer')) return null;
        const shown = a.classList.contains('file-input') ? /** @type {HTMLElement} */ (document.querySelector(`label[for="${a.id}"]`)) : a;
        const cs = getComputedStyle(shown);
        return { el: a.id || a.className || a.tagName, ok: cs.outlineStyle === 'solid' && parseFloat(cs.outlineWidth) >= 2 };
      });
      if (!r) break;
      rings.push(r);
    }
    assert.ok(rings.length >= 6, `walked ${rings.length} controls: ${JSON.stringify(rings)}`);
    assert.deepEqual(rings.filter((r) => !r.ok).map((r) => r.el), [], `every control in ${name} shows its focus`);
    if (name === 'csv') await axe(page, 'CSV panel, file input focused');
  }

  // The selected tab with focus looks different from the selected tab without it.
  await tab(page, 'codes');
  const look = () => page.$eval('#tab-codes', (t) => { const c = getComputedStyle(t); return `${c.outlineStyle} ${c.textDecorationLine}`; });
  await page.focus('#tab-voucher');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focused(page), 'tab-codes');
  const withFocus = await look();
  await page.focus('#codes-search');
  const without = await look();
  assert.notEqual(withFocus, without, `focused: ${withFocus}; selected only: ${without}`);
  await finish(p);
});

test('the page refuses to be framed (frame-ancestors, X-Frame-Options)', async () => {
  const res = await fetch(ctx.demo.url);
  assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'none'");
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  await res.arrayBuffer();
  const page = await ctx.browser.context.newPage();
  await page.goto(`${ctx.sb.url}no-such-page`);
  const loaded = page.waitForEvent('frameattached');
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.src = src;
    f.title = 'framed demo';
    document.body.append(f);
    return new Promise((r) => { f.onload = r; setTimeout(r, 5000); });
  }, ctx.demo.url);
  const frame = await loaded;
  const inner = await frame.evaluate(() => !!document.getElementById('conn-form')).catch(() => false);
  assert.equal(inner, false, 'the demo page did not load in the frame');
  await page.close();
});

test('a "from" date after the "to" date is an input error; the chart axis has whole, distinct labels for small counts', async () => {
  const p = await openPage();
  const { page } = p;
  await page.waitForSelector('#codes-results table');
  await page.selectOption('#codes-date-mode', 'range');
  await page.fill('#codes-date-from', '2024-05-01');
  await page.fill('#codes-date-to', '2024-01-01');
  const before = p.log.requests.length;
  await page.click('#codes-search');
  await page.waitForSelector('#panel-codes #alerts .alert-warn');
  assert.match(await alertText(page), /Voucher valid till: the start date \(2024-05-01\) is after the end date \(2024-01-01\)/);
  assert.equal(p.log.requests.length, before, 'no request sent');
  await axe(page, 'date range error');
  await shots(page, 'shell-date-error', '#panel-codes');

  const ticks = await page.evaluate(async () => {
    // @ts-ignore: the page's own module, served next to it
    const { barChart } = await import('/chart.js');
    const box = document.createElement('div');
    document.querySelector('main')?.append(box);
    /** @type {Record<string, string[]>} */
    const out = {};
    for (const counts of [[1], [1, 2, 3], [0, 5, 7], [1234, 10]]) {
      barChart(box, { title: 'test', data: counts.map((c, i) => [`m${i}`, c]), kind: 'columns' });
      out[counts.join(',')] = [...box.querySelectorAll('text.tick[text-anchor="end"]')].map((t) => t.textContent ?? '');
    }
    box.remove();
    return out;
  });
  assert.deepEqual(ticks, {
    1: ['0', '1'],
    '1,2,3': ['0', '1', '2', '3'],
    '0,5,7': ['0', '2', '4', '6', '8'],
    '1234,10': ['0', '250', '500', '750', '1,000', '1,250'],
  });
  await finish(p);
});
