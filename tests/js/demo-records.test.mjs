// End-to-end tests of the demo page's record panels (issue 16: linked records, orders an admin
// can read, exports of what is on screen, text safety, stale results), in Chromium through the
// demo server and its proxy in front of the sandbox (demo-harness.mjs). Screenshots:
// target/test-results/demo-records-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  useDemo, ctx, otherDemo, openPage, finish, shots, rowCount, column, tab, axe, NARROW, SHOTS,
} from './demo-harness.mjs';

useDemo();

/** The sandbox's "today": days left are counted from it (the page's clock is fixed to it). */
const TODAY = Date.UTC(2025, 10, 1);
const DAY = 86_400_000;
const daysTo = (till) => Math.round((Date.parse(`${till}T00:00:00Z`) - TODAY) / DAY);

/** The page's hash, decoded. */
const hashOf = async (page) => decodeURIComponent(new URL(page.url()).hash);

/** Waits until `panel` is the one shown. */
const shown = (page, panel) => page.waitForSelector(`#panel-${panel}:not([hidden])`);

/** A download started by `click`, parsed back (csv-parse: header row as keys). */
async function downloadCsv(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const text = readFileSync(await download.path(), 'utf8');
  return { name: download.suggestedFilename(), text, rows: parseCsv(text, { columns: true, relax_quotes: false }) };
}

/** Every cell of a parsed CSV. */
const cells = (rows) => rows.flatMap((r) => Object.values(r));

test('linked records: ids open their record, the hash holds the view, Back returns, a URL with a hash opens it', async () => {
  const p = await openPage();
  const { page } = p;
  await page.waitForSelector('#codes-results table');
  const summary0 = await page.textContent('#codes-results .summary');

  // Used codes: the voucher order id and the certificate order id are links.
  const first = ctx.sb.dataset.usedCodes.slice().sort((a, b) => a.id - b.id)[0];
  const links = await page.$$eval('#codes-results tbody tr:first-child a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, [`#voucher/${first.voucher_order_id}`, `#reissues/${first.certificate_order_id}`]);
  await axe(page, 'used codes with links');

  // Click a voucher order id: the voucher order opens, in its tab, from the hash.
  await page.click('#codes-results tbody tr:first-child a[href^="#voucher/"]');
  await shown(page, 'voucher');
  await page.waitForSelector('#voucher-results table');
  assert.equal(await hashOf(page), `#voucher/${first.voucher_order_id}`);
  assert.equal(await page.textContent('#voucher-results .result-title'), `Voucher order ${first.voucher_order_id}`);
  assert.equal(await page.inputValue('#voucher-id'), String(first.voucher_order_id));
  assert.equal(await page.getAttribute('#tab-voucher', 'aria-selected'), 'true');
  await axe(page, 'voucher order opened from a link');
  await shots(page, 'records-voucher', '#panel-voucher');

  // From the voucher order to its used codes (a filtered search, in the hash).
  await page.click('#voucher-results a.voucher-used-link');
  await shown(page, 'codes');
  await page.waitForFunction(() => !document.querySelector('#codes-results[data-stale]') && document.querySelector('#codes-results table'));
  assert.equal(await hashOf(page), `#codes?voucher=${first.voucher_order_id}`);
  const expected = ctx.sb.dataset.usedCodes.filter((c) => c.voucher_order_id === first.voucher_order_id).length;
  await page.waitForFunction((n) => document.querySelector('#codes-results .summary')?.textContent.endsWith(` of ${n}`), expected);
  assert.ok((await column(page, '#codes-results', 'Voucher order')).every((v) => v === String(first.voucher_order_id)));
  await axe(page, 'used codes of one voucher order');
  await shots(page, 'records-codes', '#panel-codes');

  // Back: the voucher order; Back again: the first page of used codes, as it was.
  await page.goBack();
  await shown(page, 'voucher');
  assert.equal(await hashOf(page), `#voucher/${first.voucher_order_id}`);
  assert.equal(await page.textContent('#voucher-results .result-title'), `Voucher order ${first.voucher_order_id}`);
  await page.goBack();
  await shown(page, 'codes');
  await page.waitForFunction((s) => document.querySelector('#codes-results .summary')?.textContent === s, summary0);
  assert.equal(await page.inputValue('#codes-voucher'), '', 'the form follows the hash');

  // Orders: the order id opens its reissues (keyboard: Enter on the focused link); the
  // reissues name their order, which opens the order.
  const order = ctx.sb.dataset.subaccountOrders.find((o) => (ctx.sb.dataset.reissues.get(o.id) ?? []).length >= 2);
  await tab(page, 'orders');
  assert.equal(await hashOf(page), '#orders', 'a tab alone');
  await page.fill('#orders-id', String(order.id));
  await page.click('#orders-search-btn');
  await page.waitForFunction((id) => document.querySelector('#orders-results .summary')?.textContent === 'Showing 1–1 of 1' && location.hash === `#orders?id=${id}`, order.id);
  await page.focus(`#orders-results a[href="#reissues/${order.id}"]`);
  await page.keyboard.press('Enter');
  await shown(page, 'reissues');
  await page.waitForSelector('#reissues-results table');
  assert.equal(await hashOf(page), `#reissues/${order.id}`);
  assert.match(await page.textContent('#reissues-results .summary'), new RegExp(`^Order ${order.id}: \\d+ certificates?`));
  assert.notEqual(await page.evaluate(() => document.activeElement?.closest('[hidden]') !== null), true, 'focus not left in a hidden panel');
  await axe(page, 'reissues opened from an order link');
  await shots(page, 'records-reissues', '.tabs');
  await page.click('#reissues-results a.order-link');
  await shown(page, 'orders');
  assert.equal(await hashOf(page), `#orders?id=${order.id}`);
  await page.goBack();
  await shown(page, 'reissues');
  assert.equal(await hashOf(page), `#reissues/${order.id}`);
  await page.goBack();
  await shown(page, 'orders');
  await finish(p);

  // Opening the page with a hash shows that view, with the form filled from it.
  const q = await openPage({ url: `${ctx.demo.url}#reissues/${order.id}?archived=1` });
  await shown(q.page, 'reissues');
  await q.page.waitForSelector('#reissues-results table');
  assert.equal(await q.page.inputValue('#reissues-id'), String(order.id));
  assert.ok(await q.page.isChecked('#reissues-archived'));
  await axe(q.page, 'reissues opened from the URL');
  assert.equal(await rowCount(q.page, '#reissues-results'), new Set(ctx.sb.dataset.reissues.get(order.id).map((r) => r.serial_number ?? `n${r.id}`)).size);
  await finish(q);
  const r = await openPage({ url: `${ctx.demo.url}#orders?status=revoked&limit=25` });
  await shown(r.page, 'orders');
  await r.page.waitForSelector('#orders-results table');
  assert.equal(await r.page.inputValue('#orders-status'), 'revoked');
  const revoked = ctx.sb.dataset.subaccountOrders.filter((o) => o.status === 'revoked').length;
  assert.equal(await r.page.textContent('#orders-results .summary'), `Showing 1–25 of ${revoked}`);
  assert.ok((await column(r.page, '#orders-results', 'Status')).every((s) => s === 'revoked'));
  await axe(r.page, 'orders opened from the URL');
  await finish(r);
});

test('orders an admin can read: columns first, days left and expiry marks on a fixed clock, dates with raw tooltips, 390 px cards', async () => {
  const p = await openPage();
  const { page } = p;
  await page.clock.setFixedTime(new Date('2025-11-01T12:00:00Z'));
  await tab(page, 'orders');
  await page.selectOption('#orders-limit', '250');
  await page.click('#orders-search-btn');
  await page.waitForSelector('#orders-results table');
  const heads = await page.$$eval('#orders-results thead th', (t) => t.map((x) => x.textContent));
  assert.deepEqual(heads.slice(0, 5), ['Common name', 'Status', 'Product', 'Valid till', 'Days left']);
  assert.ok(!heads.includes('Created'), 'the rest behind "all columns"');

  // Days left from the fixed clock; expired and expiring marked with a word, not colour alone.
  const byId = new Map(ctx.sb.dataset.subaccountOrders.map((o) => [o.id, o]));
  const rows = await page.$$eval('#orders-results tbody tr', (trs) => trs.map((tr) => {
    const c = [...tr.cells];
    return { id: Number(c[5].textContent), till: c[3].textContent, tillTitle: c[3].title, days: c[4].firstChild?.textContent ?? '', flag: c[4].querySelector('.flag')?.textContent ?? null, cls: tr.className };
  }));
  assert.equal(rows.length, 250);
  let marked = 0;
  for (const r of rows) {
    const o = byId.get(r.id);
    const till = o.certificate?.valid_till;
    if (!till) {
      assert.equal(r.till, '—');
      continue;
    }
    const d = daysTo(till);
    assert.equal(r.till, till, 'valid till as yyyy-MM-dd');
    assert.equal(r.tillTitle, till, 'raw value in the tooltip');
    assert.equal(r.days, String(d).replace(/\B(?=(\d{3})+$)/g, ','), `days left of order ${r.id}`);
    const want = d < 0 ? 'Expired' : d <= 30 ? 'Expiring' : null;
    assert.equal(r.flag, want, `flag of order ${r.id} (${d} days)`);
    assert.equal(r.cls, want ? `row-${want === 'Expired' ? 'expired' : 'expiring'}` : '');
    if (want) marked += 1;
  }
  assert.ok(marked > 0, 'some orders marked');
  await axe(page, 'orders page with expiry marks');

  // All columns: the three raw date forms shown as one, raw in the title.
  await page.check('#orders-allcols');
  const created = await page.$eval('#orders-results > .table-wrap > table', (t) => {
    const i = [...t.tHead.rows[0].cells].findIndex((c) => c.textContent === 'Created');
    return [...t.tBodies[0].rows].slice(0, 20).map((r) => [r.cells[i].textContent, r.cells[i].title]);
  });
  assert.ok(created.every(([s, raw]) => /^\d{4}-\d{2}-\d{2}$/.test(s) && raw.startsWith(s) && raw.includes('T')), JSON.stringify(created[0]));
  await axe(page, 'orders with all columns');
  await page.uncheck('#orders-allcols');

  // Load all, then the expiry filter over every loaded order (counted from the sandbox's data).
  await page.selectOption('#orders-limit', '1000');
  await page.click('#orders-loadall');
  await page.waitForSelector('#orders-loadall-box[data-state="done"]', { timeout: 30_000 });
  const tills = ctx.sb.dataset.subaccountOrders.map((o) => o.certificate?.valid_till).filter(Boolean).map(daysTo);
  for (const [value, words, want] of [
    ['30', 'expiring within 30 days', tills.filter((d) => d >= 0 && d <= 30).length],
    ['90', 'expiring within 90 days', tills.filter((d) => d >= 0 && d <= 90).length],
    ['expired', 'expired', tills.filter((d) => d < 0).length],
  ]) {
    await page.selectOption('#orders-expiry', value);
    const total = ctx.sb.dataset.subaccountOrders.length.toLocaleString('en-US');
    const shownRows = Math.min(want, 1000);
    assert.equal(await page.textContent('#orders-results .summary'),
      `Showing 1–${shownRows.toLocaleString('en-US')} of ${want.toLocaleString('en-US')} loaded orders ${words} (of ${total} loaded)`);
    const flags = await page.$$eval('#orders-results tbody tr td:nth-child(5) .flag', (f) => f.map((x) => x.textContent));
    assert.equal(flags.length, shownRows);
    assert.ok(flags.every((f) => f === (value === 'expired' ? 'Expired' : 'Expiring')));
    if (value === '30') await axe(page, 'orders filtered: expiring within 30 days');
  }
  await page.selectOption('#orders-expiry', '30');
  await shots(page, 'records-orders-expiring', '#orders-results');
  // The display controls are in the URL too, changed in place (no request, no new history
  // entry), so a bookmark of "every order expiring within 30 days" opens that view.
  const requests = ctx.sb.stats.requests;
  const depth = await page.evaluate(() => history.length);
  assert.match(page.url(), /#orders\?(.*&)?all=1(&|$)/);
  assert.match(page.url(), /[?&]expiry=30(&|$)/);
  await page.check('#orders-allcols');
  assert.match(page.url(), /[?&]allcols=1(&|$)/);
  await page.uncheck('#orders-allcols');
  assert.doesNotMatch(page.url(), /allcols/);
  assert.equal(ctx.sb.stats.requests, requests, 'display controls send no request');
  assert.equal(await page.evaluate(() => history.length), depth, 'and add no history entry');
  const bookmark = page.url();
  await finish(p);
  const b = await openPage({ url: bookmark });
  await b.page.waitForSelector('#orders-loadall-box[data-state="done"]', { timeout: 30_000 });
  assert.equal(await b.page.inputValue('#orders-expiry'), '30');
  assert.match(await b.page.textContent('#orders-results .summary'), / loaded orders expiring within 30 days \(of [\d,]+ loaded\)$/);
  assert.equal(b.page.url(), bookmark);
  await finish(b);

  // A phone: after a search the first result's common name and valid till are on the first
  // screen, with no sideways scrolling.
  const q = await openPage({ viewport: NARROW });
  await q.page.clock.setFixedTime(new Date('2025-11-01T12:00:00Z'));
  await tab(q.page, 'orders');
  await q.page.fill('#orders-status', 'issued');
  await q.page.click('#orders-search-btn');
  await q.page.waitForSelector('#orders-results table');
  await q.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const boxes = await q.page.$eval('#orders-results tbody tr:first-child', (tr) => [0, 3].map((i) => {
    const b = tr.cells[i].getBoundingClientRect();
    return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, text: tr.cells[i].textContent };
  }));
  for (const b of boxes) {
    assert.ok(b.left >= 0 && b.right <= NARROW.width && b.top >= 0 && b.bottom <= NARROW.height, `on the first screen: ${JSON.stringify(b)}`);
  }
  assert.match(boxes[1].text, /^\d{4}-\d{2}-\d{2}$/);
  const sideways = await q.page.evaluate(() => {
    const w = /** @type {HTMLElement} */ (document.querySelector('#orders-results .table-wrap'));
    return [document.documentElement.scrollWidth - document.documentElement.clientWidth, w.scrollWidth - w.clientWidth];
  });
  assert.deepEqual(sideways, [0, 0], 'no sideways scrolling, page or table');
  await axe(q.page, 'orders as cards at 390 px');
  await q.page.screenshot({ path: join(SHOTS, 'demo-records-orders-after-search-390.png') });
  await shots(q.page, 'records-orders', '#orders-results');
  await finish(q);
});

test('exports of what is on screen: every loaded order, reissues, voucher codes, used codes; paged Load all; formula cells neutralised', async () => {
  const p = await openPage();
  const { page } = p;
  const all = ctx.sb.dataset.subaccountOrders;

  // Load all: every order paged in the table, and every order in the download.
  await tab(page, 'orders');
  await page.selectOption('#orders-limit', '1000');
  await page.click('#orders-loadall');
  await page.waitForSelector('#orders-loadall-box[data-state="done"]', { timeout: 30_000 });
  const ids = all.map((o) => o.id).sort((a, b) => a - b);
  assert.equal(await page.textContent('#orders-results .pager-pos'), `Page 1 of ${Math.ceil(all.length / 1000)}`);
  await page.click('#orders-results .pager-next');
  await page.waitForFunction(() => document.querySelector('#orders-results .pager-pos')?.textContent.startsWith('Page 2 of'));
  assert.deepEqual((await column(page, '#orders-results', 'Order id')).map(Number), ids.slice(1000, 2000), 'page 2 of the loaded orders');
  await axe(page, 'all orders loaded, page 2');
  const orders = await downloadCsv(page, () => page.click('#orders-export'));
  assert.match(orders.name, /^subaccount-orders-\d{8}-\d{6}\.csv$/);
  assert.equal(orders.rows.length, all.length, 'every loaded order, not the first 1,000');
  assert.deepEqual(orders.rows.map((r) => Number(r.id)), ids);
  const o0 = all.find((o) => o.id === ids[0]);
  assert.equal(orders.rows[0]['certificate.common_name'], o0.certificate?.common_name ?? '');
  assert.ok(cells(orders.rows).every((c) => !/^[=+@\t\r]/.test(c)), 'no live formula cells');
  await page.waitForSelector('#orders-results .export-note');
  await axe(page, 'orders downloaded');

  // Reissues of an order: the CSV holds the rows of the table.
  const [orderId] = [...ctx.sb.dataset.reissues].find(([, l]) => l.length >= 3);
  await page.goto(`${ctx.demo.url}#reissues/${orderId}`);
  await page.waitForSelector('#reissues-results table');
  const reissues = await downloadCsv(page, () => page.click('#reissues-export'));
  assert.equal(reissues.name, `order-${orderId}-reissues.csv`);
  assert.deepEqual(reissues.rows.map((r) => r.id), await column(page, '#reissues-results', 'Certificate id'));
  assert.deepEqual(reissues.rows.map((r) => r.valid_till).map((t) => t || '—'), await column(page, '#reissues-results', 'Valid till'));
  await axe(page, 'reissues downloaded');

  // A voucher order's codes.
  const v = ctx.sb.dataset.voucherOrders.find((x) => x.codes.length >= 3);
  await page.goto(`${ctx.demo.url}#voucher/${v.id}`);
  await page.waitForSelector('#voucher-results table');
  const codes = await downloadCsv(page, () => page.click('#voucher-export'));
  assert.equal(codes.name, `voucher-order-${v.id}-codes.csv`);
  assert.deepEqual(codes.rows.map((r) => r.value), await column(page, '#voucher-results', 'Code'));
  assert.deepEqual(codes.rows.map((r) => r.value), v.codes.map((c) => c.value));
  await axe(page, 'voucher codes downloaded');

  // Used codes: the API's export of the filters, neutralised: the sandbox's =HYPERLINK(...)
  // organisation comes out as '=HYPERLINK(...).
  const formula = ctx.sb.dataset.usedCodes.find((c) => /^=HYPERLINK/.test(c.cert_organization));
  await page.goto(`${ctx.demo.url}#codes?id=${formula.id}`);
  await page.waitForFunction(() => document.querySelector('#codes-results .summary')?.textContent === 'Showing 1–1 of 1');
  const one = await downloadCsv(page, () => page.click('#codes-export'));
  assert.equal(one.rows.length, 1);
  assert.equal(one.rows[0].cert_organization, `'${formula.cert_organization}`);
  await page.goto(`${ctx.demo.url}#codes?`);
  await page.waitForSelector('#codes-results table');
  const used = await downloadCsv(page, () => page.click('#codes-export'));
  assert.equal(used.rows.length, ctx.sb.dataset.usedCodes.length);
  const hyper = ctx.sb.dataset.usedCodes.filter((c) => c.cert_organization.startsWith('=')).length;
  assert.equal(used.rows.filter((r) => r.cert_organization.startsWith("'=HYPERLINK(")).length, hyper);
  assert.ok(cells(used.rows).every((c) => !/^[=+@\t\r]/.test(c)), 'no live formula cells');
  await axe(page, 'used codes downloaded');
  await finish(p);
});

test('text safety: a right-to-left override in an organisation name is shown, isolated, and does not reverse the text after it', async () => {
  const p = await openPage();
  const { page } = p;
  const code = ctx.sb.dataset.usedCodes.find((c) => c.cert_organization === 'Right\u202Eto-left override');
  await page.fill('#codes-id', String(code.id));
  await page.click('#codes-search');
  await page.waitForFunction(() => document.querySelector('#codes-results .summary')?.textContent === 'Showing 1–1 of 1');
  const r = await page.$eval('#codes-results > .table-wrap > table', (t) => {
    const i = [...t.tHead.rows[0].cells].findIndex((c) => c.textContent === 'Organization');
    const cell = t.tBodies[0].rows[0].cells[i];
    const next = t.tBodies[0].rows[0].cells[i + 1];
    // Where the characters of "to-left override" are drawn: left to right, as typed?
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const xs = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.textContent.indexOf('to-left');
      if (at < 0) continue;
      for (const k of [at, at + 3, at + 6]) { // "t", "l" and the last "t" of "to-left" (one line)
        const range = document.createRange();
        range.setStart(n, k);
        range.setEnd(n, k + 1);
        xs.push(range.getBoundingClientRect().left);
      }
    }
    return {
      text: cell.textContent,
      marker: cell.querySelector('.bidi-ctl')?.textContent ?? null,
      dir: cell.getAttribute('dir'),
      bidi: getComputedStyle(cell).unicodeBidi,
      xs,
      cellRight: cell.getBoundingClientRect().right,
      nextLeft: next.getBoundingClientRect().left,
    };
  });
  assert.equal(r.marker, '[U+202E]', 'the control is shown as a visible marker');
  assert.equal(r.text, 'Right[U+202E]to-left override');
  assert.equal(r.dir, 'auto');
  assert.equal(r.bidi, 'isolate');
  assert.equal(r.xs.length, 3);
  assert.ok(r.xs[0] < r.xs[1] && r.xs[1] < r.xs[2], `"to-left" reads left to right: ${r.xs}`);
  assert.ok(r.nextLeft >= r.cellRight - 1, 'the next cell follows to the right');
  await axe(page, 'a used code with a right-to-left override');
  await shots(page, 'records-bidi', '#codes-results');
  await finish(p);
});

test('stale results: marked while a new request runs, cleared (or marked as old) when it fails', async () => {
  // A slow API: the old page stays visible, marked as old, until the new one arrives.
  const slow = await otherDemo(`${ctx.sb.url}fault/slow-150/services/v2`);
  const p = await openPage({ url: slow.url });
  const { page } = p;
  await page.waitForSelector('#codes-results table');
  await page.click('#codes-results .pager-next');
  await page.waitForSelector('#codes-results[data-refreshing] > .stale-note');
  assert.match(await page.textContent('#codes-results .stale-note'), /from the previous request/);
  await axe(page, 'used codes loading over old results');
  await page.waitForFunction(() => document.querySelector('#codes-results .pager-pos')?.textContent === 'Page 2 of 400');
  assert.equal(await page.$('#codes-results[data-refreshing], #codes-results .stale-note'), null, 'the mark goes with the new page');
  await finish(p);

  // A failing request: no old voucher order under the error as if it were current; it is gone,
  // or (when the page's error handling keeps it) marked as from before the error.
  const q = await openPage();
  const v = ctx.sb.dataset.voucherOrders[0];
  await q.page.goto(`${ctx.demo.url}#voucher/${v.id}`);
  await q.page.waitForSelector('#voucher-results table');
  await q.page.fill('#voucher-id', '999999999');
  await q.page.click('#voucher-get');
  await q.page.waitForSelector('.alert-error');
  const left = await q.page.$eval('#voucher-results', (r) => ({ n: r.childElementCount, stale: r.hasAttribute('data-stale') }));
  assert.ok(left.n === 0 || left.stale, `the old voucher order is gone or marked old: ${JSON.stringify(left)}`);
  if (left.n) assert.match(await q.page.textContent('#panel-voucher'), /from before this error/);
  await axe(q.page, 'voucher order not found');
  // Back to the voucher order that was shown: loaded again.
  await q.page.goBack();
  await q.page.waitForSelector('#voucher-results table');
  assert.equal(await q.page.textContent('#voucher-results .result-title'), `Voucher order ${v.id}`);
  await finish(q, { expectHttpErrors: true });
});
