// End-to-end tests of the demo admin page (www/) in Chromium, in the production topology (see
// demo-harness.mjs): the demo server serves the page, the built package and the key-holding
// proxy on one origin, in front of the in-process sandbox playing DigiCert.
// Screenshots land in target/test-results/demo-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  useDemo, ctx, otherDemo, openPage, waitConnected, finish, shots, rowCount, column, alertText, int, tab, axe,
  KEY, WRONG_KEY, NARROW,
} from './demo-harness.mjs';

useDemo();

test('used voucher codes: first page on load, filters, sort, paging, Export CSV', async () => {
  const p = await openPage();
  const { page } = p;
  const total = ctx.sb.dataset.usedCodes.length;
  await page.waitForSelector('#codes-results table');
  assert.equal(await page.textContent('#codes-results .summary'), `Showing 1–50 of ${total.toLocaleString('en-US')}`);
  assert.equal(await rowCount(page, '#codes-results'), 50);
  assert.match(await page.textContent('#codes-results .pager-pos'), /^Page 1 of 400$/);
  assert.ok(await page.isDisabled('#codes-results .pager-prev'));
  const ids = (await column(page, '#codes-results', 'Id')).map(Number);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'sorted by id');

  await page.click('#codes-results .pager-next');
  await page.waitForFunction(() => document.querySelector('#codes-results .pager-pos')?.textContent === 'Page 2 of 400');
  assert.match(await page.textContent('#codes-results .summary'), /^Showing 51–100 of/);

  // Filters: product + date range; sort descending by voucher order.
  await page.fill('#codes-product', 'ssl_wildcard');
  await page.selectOption('#codes-date-mode', 'range');
  await page.fill('#codes-date-from', '2023-01-01');
  await page.fill('#codes-date-to', '2024-12-31');
  await page.selectOption('#codes-sort', 'voucher_order_id');
  await page.selectOption('#codes-dir', '-');
  await page.click('#codes-search');
  await page.waitForFunction(() => document.querySelector('#codes-results .pager-pos')?.textContent.startsWith('Page 1 of'));
  const products = await column(page, '#codes-results', 'Product');
  assert.ok(products.length > 0 && products.every((x) => x === 'WildCard SSL'), 'product filter applied');
  const till = await column(page, '#codes-results', 'Voucher valid till');
  assert.ok(till.every((d) => d >= '2023-01-01' && d <= '2024-12-31'), 'date range applied');
  const vo = (await column(page, '#codes-results', 'Voucher order')).map(Number);
  assert.deepEqual(vo, [...vo].sort((a, b) => b - a), 'descending sort applied');
  const expected = ctx.sb.dataset.usedCodes.filter((c) => c.product_name === 'WildCard SSL'
    && c.voucher_validity_end_date >= '2023-01-01' && c.voucher_validity_end_date <= '2024-12-31').length;
  assert.match(await page.textContent('#codes-results .summary'), new RegExp(`of ${expected.toLocaleString('en-US')}$`));

  // Nulls are an em dash; all columns on demand.
  await page.check('#codes-allcols');
  assert.equal(await page.$$eval('#codes-results > .table-wrap th', (t) => t.length), 21);
  assert.ok((await column(page, '#codes-results', 'Cert valid from')).includes('—'), 'null shown as an em dash');

  // Export CSV downloads the filtered export.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#codes-export')]);
  assert.match(download.suggestedFilename(), /^used-voucher-codes-\d{8}-\d{6}\.csv$/);
  const { readFileSync } = await import('node:fs');
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('id,value,product_name,'), 'CSV header');
  await page.waitForSelector('#codes-results .export-note');
  await page.uncheck('#codes-allcols');
  await shots(page, 'codes');
  await axe(p.page, 'used codes: filtered, all columns, after the export');
  await finish(p);
});

test('voucher order by id: details and its codes; reissues with showArchived / dedupeBySerial', async () => {
  const p = await openPage();
  const { page } = p;
  // A voucher order with several codes.
  const v = ctx.sb.dataset.voucherOrders.find((x) => x.codes.length >= 3);
  await tab(page, 'voucher');
  await page.fill('#voucher-id', String(v.id));
  await page.click('#voucher-get');
  await page.waitForSelector('#voucher-results table');
  assert.equal(await page.textContent('#voucher-results .result-title'), `Voucher order ${v.id}`);
  assert.equal(await rowCount(page, '#voucher-results'), v.codes.length);
  assert.deepEqual(await column(page, '#voucher-results', 'Code'), v.codes.map((c) => c.value));
  const dd = await page.$$eval('#voucher-results .detail', (ds) => Object.fromEntries(ds.map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent])));
  assert.equal(dd.Status, v.status);
  assert.equal(dd.Created, v.created_date.slice(0, 10), 'the date in one readable form');
  assert.equal(await page.getAttribute('#voucher-results .detail:nth-child(5) dd .date', 'title'), v.created_date, 'the raw value in the tooltip');
  await shots(page, 'voucher');

  // An order hit by the duplicate-primary bug that also has archived reissues.
  const serialDupes = (list) => list.length - new Set(list.map((r) => r.serial_number ?? `null-${r.id}`)).size;
  const [orderId, list] = [...ctx.sb.dataset.reissues].find(([, l]) => serialDupes(l) > 0 && l.some((r) => r.archived === 1)
    && serialDupes(l.filter((r) => r.archived !== 1)) > 0);
  const visible = list.filter((r) => r.archived !== 1);
  await tab(page, 'reissues');
  await page.fill('#reissues-id', String(orderId));
  await page.uncheck('#reissues-dedupe');
  await page.click('#reissues-get');
  await page.waitForSelector('#reissues-results table');
  assert.equal(await rowCount(page, '#reissues-results'), visible.length);

  const waitSummary = (n) => page.waitForFunction((n) => document.querySelector('#reissues-results .summary')?.textContent.includes(`: ${n} certificate`), n);
  await page.check('#reissues-archived'); // re-runs the query
  await waitSummary(list.length);
  assert.equal(await rowCount(page, '#reissues-results'), list.length);
  await page.check('#reissues-dedupe');
  await waitSummary(list.length - serialDupes(list));
  assert.equal(await rowCount(page, '#reissues-results'), list.length - serialDupes(list));
  const serials = (await column(page, '#reissues-results', 'Serial number')).filter((s) => s !== '—');
  assert.equal(new Set(serials).size, serials.length, 'no repeated serials');
  assert.ok((await column(page, '#reissues-results', 'Archived')).includes('yes'));
  await shots(page, 'reissues');
  await axe(p.page, 'voucher order and reissues shown');
  await finish(p);
});

test('subaccount orders: filters, descending sort, page X of Y, Load all to 100%', async () => {
  const p = await openPage();
  const { page } = p;
  await tab(page, 'orders');
  const revoked = ctx.sb.dataset.subaccountOrders.filter((o) => o.status === 'revoked').length;
  await page.fill('#orders-status', 'revoked');
  await page.selectOption('#orders-sort', '-date_created');
  await page.selectOption('#orders-limit', '25');
  await page.check('#orders-allcols'); // Created and Account type are among the "all columns"
  await page.click('#orders-search-btn');
  await page.waitForSelector('#orders-results table');
  const pages = Math.ceil(revoked / 25);
  assert.equal(await page.textContent('#orders-results .pager-pos'), `Page 1 of ${pages}`);
  assert.equal(await page.textContent('#orders-results .summary'), `Showing 1–25 of ${revoked}`);
  assert.ok((await column(page, '#orders-results', 'Status')).every((s) => s === 'revoked'));
  // Dates show as yyyy-MM-dd (as written), the raw value in the cell's tooltip.
  const created = await page.$eval('#orders-results > .table-wrap > table', (t) => {
    const i = [...t.tHead.rows[0].cells].findIndex((c) => c.textContent === 'Created');
    return [...t.tBodies[0].rows].map((r) => [r.cells[i].textContent, r.cells[i].title]);
  });
  assert.ok(created.every(([shown, raw]) => shown === raw.slice(0, 10)), 'readable date, raw in the title');
  const raw = created.map(([, r]) => r);
  assert.deepEqual(raw, [...raw].sort((a, b) => Date.parse(b) - Date.parse(a)), 'newest first');
  await page.click('#orders-results .pager-next');
  await page.waitForFunction((t) => document.querySelector('#orders-results .pager-pos')?.textContent === t, `Page 2 of ${pages}`);

  // Account type + created range narrow it further.
  await page.fill('#orders-status', '');
  await page.selectOption('#orders-type', 'managed');
  await page.selectOption('#orders-date-mode', 'range');
  await page.fill('#orders-date-from', '2024-01-01');
  await page.fill('#orders-date-to', '2024-06-30');
  await page.click('#orders-search-btn');
  await page.waitForFunction(() => document.querySelector('#orders-results .pager-pos')?.textContent.startsWith('Page 1 of'));
  assert.ok((await column(page, '#orders-results', 'Account type')).every((s) => s === 'managed'));
  assert.ok((await column(page, '#orders-results', 'Created')).every((d) => d.slice(0, 10) >= '2024-01-01' && d.slice(0, 10) <= '2024-06-30'));

  // Load all: every order, 1000 per page.
  await page.selectOption('#orders-type', '');
  await page.selectOption('#orders-date-mode', 'any');
  await page.selectOption('#orders-sort', 'id');
  await page.selectOption('#orders-limit', '1000');
  const total = ctx.sb.dataset.subaccountOrders.length;
  await page.click('#orders-loadall');
  await page.waitForSelector('#orders-loadall-box[data-state="done"]', { timeout: 20_000 });
  const n = total.toLocaleString('en-US');
  assert.match(await page.textContent('#orders-progress-text'), new RegExp(`^Loaded ${n} of ${n} orders \\(100%\\)`));
  const bar = await page.$eval('#orders-progress', (b) => [b.value, b.max]);
  assert.deepEqual(bar, [total, total]);
  assert.equal(await rowCount(page, '#orders-results'), 1000, 'renders the first page of 1000');
  assert.equal(await page.textContent('#orders-results .pager-pos'), `Page 1 of ${Math.ceil(total / 1000)}`, 'and pages through the rest');
  assert.equal(await page.$$eval('#orders-results svg.chart-root rect', (r) => r.length) > 3, true, 'status chart drawn');
  assert.ok(await page.isHidden('#orders-cancel'), 'Cancel shown only while Load all runs');
  await page.uncheck('#orders-allcols');
  await shots(page, 'orders', '#orders-form');
  await axe(p.page, 'all orders loaded and paged');
  await finish(p);
});

test('subaccount orders: Cancel stops Load all part-way (slow API)', async () => {
  // A proxy in front of the sandbox's slow fault path.
  const slow = await otherDemo(`${ctx.sb.url}fault/slow-150/services/v2`);
  const p = await openPage({ url: slow.url });
  const { page } = p;
  await tab(page, 'orders');
  await page.selectOption('#orders-limit', '100');
  await page.click('#orders-loadall');
  // Wait for some progress, then cancel.
  await page.waitForFunction(() => document.getElementById('orders-progress').value >= 100, null, { timeout: 10_000 });
  assert.ok(!(await page.isDisabled('#orders-cancel')));
  await page.click('#orders-cancel');
  await page.waitForSelector('#orders-loadall-box[data-state="cancelled"]', { timeout: 5_000 });
  const text = await page.textContent('#orders-progress-text');
  const m = /^Cancelled after ([\d,]+) of ([\d,]+) orders/.exec(text);
  assert.ok(m, text);
  const got = int(m[1]);
  assert.equal(int(m[2]), ctx.sb.dataset.subaccountOrders.length);
  assert.ok(got >= 100 && got < ctx.sb.dataset.subaccountOrders.length, `stopped part-way at ${got}`);
  const requestsAtCancel = ctx.sb.stats.requests;
  await page.waitForTimeout(500);
  assert.equal(await page.textContent('#orders-progress-text'), text, 'no more progress after Cancel');
  assert.ok(ctx.sb.stats.requests - requestsAtCancel <= 1, 'no further pages requested');
  assert.equal(await alertText(page), '', 'a cancel is not an error');
  assert.equal(await rowCount(page, '#orders-results'), Math.min(got, 100), 'what was loaded is shown, 100 a page');
  assert.match(await page.textContent('#orders-results .summary'), /not every order: the load stopped at/, 'and marked as not every order');
  await axe(p.page, 'Load all cancelled part-way');
  await finish(p);
});

test('CSV import: 100k-row file via the file picker, stats and summary charts; an unreadable CSV via drop shows line/column', async () => {
  // 100,000 rows: the sandbox export (hostile text included) five times over.
  const r = await fetch(`${ctx.sb.baseUrl}/voucher/download/used-codes`, { headers: { 'X-DC-DEVKEY': KEY, Accept: 'text/csv' } });
  const csv = await r.text();
  const nl = csv.indexOf('\n');
  const header = csv.slice(0, nl);
  const body = csv.slice(nl + 1);
  assert.equal(ctx.sb.dataset.usedCodes.length, 20_000);
  const file = join(tmpdir(), `cc-demo-${process.pid}.csv`);
  writeFileSync(file, `${header}\n${Array(5).fill(body).join('\n')}`);

  const p = await openPage();
  const { page } = p;
  try {
    await tab(page, 'csv');
    await page.setInputFiles('#csv-file', file);
    await page.waitForSelector('#csv-progress-box[data-state="done"]', { timeout: 30_000 });
  } finally {
    rmSync(file, { force: true });
  }
  assert.equal(await page.textContent('#csv-results .stat-rows'), '100,000');
  assert.match(await page.textContent('#csv-results .stat-parse-time'), /^[\d,]+ ms$/);
  assert.match(await page.textContent('#csv-results .stat-throughput'), /^[\d,.]+ MB\/s$/);
  assert.match(await page.textContent('#csv-results .stat-rows-per-second'), /^[\d,]+$/);
  assert.equal(await rowCount(page, '#csv-results'), 100, 'first 100 rows');
  const [pv, pm] = await page.$eval('#csv-progress', (b) => [b.value, b.max]);
  assert.equal(pv, pm);

  // Two hand-drawn charts: by product (one bar per product) and by month.
  const charts = await page.$$eval('#csv-results figure.chart', (fs) => fs.map((f) => ({
    title: f.querySelector('figcaption').textContent,
    bars: f.querySelectorAll('svg rect').length,
    rows: [...f.querySelectorAll('details tbody tr')].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]),
  })));
  assert.deepEqual(charts.map((c) => c.title), ['Codes by product', 'Codes by month created']);
  const byProduct = new Map();
  const byMonth = new Map();
  for (const c of ctx.sb.dataset.usedCodes) {
    byProduct.set(c.product_name, (byProduct.get(c.product_name) ?? 0) + 5);
    byMonth.set(c.created_date.slice(0, 7), (byMonth.get(c.created_date.slice(0, 7)) ?? 0) + 5);
  }
  assert.equal(charts[0].bars, byProduct.size);
  assert.deepEqual(new Map(charts[0].rows.map(([k, v]) => [k, int(v)])), byProduct);
  assert.equal(charts[1].bars, byMonth.size);
  assert.equal(charts[1].rows.reduce((a, [, v]) => a + int(v), 0), 100_000);
  assert.equal(await alertText(page), '');
  await shots(page, 'csv', '#csv-results');

  // A file the parser cannot read at all (its header lacks columns; bad rows are only listed, see
  // demo-import.test.mjs), dropped on the zone (a real DataTransfer).
  const lines = csv.split('\n', 3);
  const bad = `id,value\n${lines[1]}\n${lines[2]}`;
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'bad.csv', { type: 'text/csv' }));
    const zone = document.getElementById('csv-drop');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, bad);
  await page.waitForSelector('#csv-progress-box[data-state="failed"]');
  await page.waitForSelector('#alerts .alert-error');
  assert.equal(await page.textContent('#alerts .fact-kind'), 'csv');
  assert.equal(await page.textContent('#alerts .fact-line'), '1');
  assert.equal(await page.textContent('#alerts .fact-column'), '1');
  assert.match(await page.textContent('#csv-results .csv-error'), /^bad\.csv: .*header row lacks columns.* \(line 1, column 1\)$/);
  assert.equal(await page.$$eval('#csv-results table, #csv-results .stats', (e) => e.length), 0, 'the previous file\'s results are gone');
  await shots(page, 'csv-error', '#alerts');
  await axe(p.page, 'CSV import: an unreadable file');
  await finish(p);
});

test('API errors are shown for people, in the panel in use: wrong key (403), unknown voucher (404), insecure http; stale results marked', async () => {
  // A proxy holding a key the sandbox refuses: DigiCert's 403 passes through to the page.
  const wrong = await otherDemo(ctx.sb.baseUrl, WRONG_KEY);
  const w = await openPage({ url: wrong.url, connect: false });
  let page = w.page;
  await page.waitForSelector('#conn-card #alerts .alert-error');
  assert.equal(await page.getAttribute('#alerts', 'role'), 'alert');
  assert.equal(await page.textContent('#alerts .alert-what'), 'The API key was refused.');
  assert.match(await page.textContent('#alerts .alert-todo'), /^Check the key the proxy holds/);
  // The technical facts, once, folded away.
  assert.equal(await page.isVisible('#alerts .fact-kind'), false);
  assert.doesNotMatch(await page.innerText('#alerts'), /Kind|access_denied|the client was created/);
  assert.equal(await page.textContent('#alerts .fact-kind'), 'http');
  assert.equal(await page.textContent('#alerts .fact-status'), '403');
  assert.equal(await page.textContent('#alerts .err-code'), 'access_denied|access_denied_invalid_key');
  assert.ok((await page.textContent('#alerts .err-message')).length > 0);
  assert.equal(await page.$$eval('#alerts .alert-message', (m) => m.length), 0, 'the message is not repeated under the codes');
  assert.equal(await page.textContent('#conn-badge'), 'Connection check failed');
  await axe(page, '403 in the connection panel');
  await shots(page, 'error-403', 'main');

  // Views still answer with the API's error while the key is wrong, in their own panel.
  await tab(page, 'orders');
  await page.click('#orders-search-btn');
  await page.waitForFunction(() => document.querySelector('#panel-orders #alerts .alert-title')?.textContent === 'Subaccount orders: The API key was refused.');
  assert.equal(await page.textContent('#alerts .fact-status'), '403');
  await shots(page, 'error-403-orders', '#panel-orders');
  await finish(w, { expectHttpErrors: true });

  // A key typed into the page is never forwarded: through the right proxy it changes nothing.
  const p = await openPage();
  page = p.page;
  await page.click('#conn-direct > summary');
  await page.fill('#conn-key', WRONG_KEY);
  await page.click('#conn-connect');
  await waitConnected(page);
  assert.equal(await alertText(page), '', 'a successful action clears the alert');
  await page.fill('#conn-key', '');

  // An unknown voucher order, after a known one: the error names it, and the old result is
  // cleared or marked as from before the error.
  await tab(page, 'voucher');
  await page.fill('#voucher-id', String(ctx.sb.dataset.voucherOrders[0].id));
  await page.click('#voucher-get');
  await page.waitForSelector('#voucher-results table');
  await page.fill('#voucher-id', '999999999');
  await page.click('#voucher-get');
  await page.waitForSelector('#panel-voucher #alerts .alert-error');
  assert.equal(await page.textContent('#alerts .alert-what'), 'No voucher order 999999999 in this account.');
  assert.equal(await page.textContent('#alerts .fact-status'), '404');
  assert.equal(await page.textContent('#alerts .err-code'), 'not_found');
  const stale = await page.$eval('#voucher-results', (r) => r.childElementCount === 0 || r.hasAttribute('data-stale'));
  assert.ok(stale, 'old results cleared or marked');
  await axe(page, '404 in the voucher panel');

  // Missing input: a plain message, not a request.
  await page.fill('#voucher-id', '');
  await page.click('#voucher-get');
  await page.waitForSelector('#panel-voucher #alerts .alert-warn');
  assert.match(await alertText(page), /Enter a voucher order id/);

  // Plain http to a non-loopback host: the client refuses; the page shows why.
  await page.fill('#conn-base', 'http://example.invalid/services/v2');
  await page.click('#conn-connect');
  await page.waitForSelector('#conn-card #alerts .alert-error');
  assert.match(await page.textContent('#alerts .alert-what'), /^The request was not sent: /);
  assert.equal(await page.textContent('#alerts .fact-kind'), 'invalid_input');
  assert.equal(await page.textContent('#conn-badge'), 'Not connected');
  await finish(p, { expectHttpErrors: true });
});

test('hostile text from the API renders as text (no script, no injected element)', async () => {
  const p = await openPage();
  const { page } = p;
  await tab(page, 'orders');
  for (const cn of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>']) {
    const expected = ctx.sb.dataset.subaccountOrders.filter((o) => o.certificate?.common_name === cn).length;
    assert.ok(expected > 0, `dataset has ${cn}`);
    await page.fill('#orders-cn', cn);
    await page.click('#orders-search-btn');
    await page.waitForFunction((n) => document.querySelector('#orders-results .summary')?.textContent.endsWith(` of ${n}`), expected);
    const names = await column(page, '#orders-results', 'Common name');
    assert.equal(names.length, expected);
    assert.ok(names.every((x) => x === cn));
    assert.ok((await page.textContent('#orders-results')).includes(cn));
  }
  await shots(page, 'hostile', '#orders-results');

  // A used code whose organization is markup, found by its id.
  const code = ctx.sb.dataset.usedCodes.find((c) => c.cert_organization === '<img src=x onerror=alert(1)>');
  await tab(page, 'codes');
  await page.fill('#codes-id', String(code.id));
  await page.click('#codes-search');
  await page.waitForFunction(() => document.querySelector('#codes-results .summary')?.textContent === 'Showing 1–1 of 1');
  assert.deepEqual(await column(page, '#codes-results', 'Organization'), ['<img src=x onerror=alert(1)>']);
  const counts = await page.evaluate(() => ({
    scripts: document.querySelectorAll('body script').length,
    imgs: [...document.images].filter((i) => !i.src.endsWith('/favicon.svg')).length,
  }));
  assert.deepEqual(counts, { scripts: 0, imgs: 0 });
  await page.waitForTimeout(200); // an onerror would have fired by now
  await axe(p.page, 'hostile text rendered');
  await finish(p);
});

test('usable: labelled controls, keyboard tabs, region select, 390 px without page overflow, CSP enforced', async () => {
  const p = await openPage({ viewport: NARROW });
  const { page } = p;
  const unlabelled = await page.$$eval('input, select, textarea, button, [role=tab]', (els) => els
    .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || (e.tagName === 'BUTTON' && e.textContent.trim())))
    .map((e) => e.id || e.outerHTML.slice(0, 60)));
  assert.deepEqual(unlabelled, []);
  await page.waitForSelector('#codes-results table');
  await axe(page, 'used codes loaded, 390 px');

  // Tabs by keyboard (roving tabindex, arrows); every panel fits 390 px (tables scroll inside).
  await page.focus('#tab-codes');
  for (const name of ['voucher', 'reissues', 'orders', 'csv']) {
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), `tab-${name}`);
    assert.ok(await page.isVisible(`#panel-${name}`));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `no horizontal page scroll on ${name}`);
  }
  await page.keyboard.press('Home');
  assert.ok(await page.isVisible('#panel-codes'));
  await page.waitForSelector('#codes-results table');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
  const wrap = await page.$eval('#codes-results > .table-wrap', (w) => [w.scrollWidth > w.clientWidth, getComputedStyle(w).overflowX]);
  assert.deepEqual(wrap, [true, 'auto'], 'the wide table scrolls inside its container');

  // The file picker is reachable by Tab.
  await tab(page, 'csv');
  await page.focus('#csv-fromapi');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'csv-file');

  // Region select (folded away under "Direct") sets the base URL unless a custom one was typed.
  assert.equal(await page.inputValue('#conn-base'), '/certcentral', 'the proxy by default');
  assert.equal(await page.inputValue('#conn-key'), '', 'no key by default');
  await page.click('#conn-direct > summary');
  await page.selectOption('#conn-region', 'eu');
  assert.equal(await page.inputValue('#conn-base'), 'https://certcentral.digicert.eu/services/v2');
  await page.selectOption('#conn-region', 'us');
  assert.equal(await page.inputValue('#conn-base'), 'https://www.digicert.com/services/v2');
  await page.fill('#conn-base', 'https://proxy.example.com/cc/services/v2');
  await page.selectOption('#conn-region', 'eu');
  assert.equal(await page.inputValue('#conn-base'), 'https://proxy.example.com/cc/services/v2');

  // The key field is a password field without a name (never part of a form submission).
  assert.deepEqual(await page.$eval('#conn-key', (k) => [k.type, k.name]), ['password', '']);
  await finish(p);

  // Finally, the CSP really is enforced: an injected inline script is blocked and reported.
  const q = await openPage({ connect: false });
  const blocked = await q.page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return { ran: window.__inlineRan === true, violations: window.__csp.length };
  });
  assert.deepEqual(blocked, { ran: false, violations: 1 });
  await q.page.close();
});
