// Subaccount orders: a page with filters, sort and paging, or every order (the async
// iterator, "Load all") with a progress bar, Cancel, a chart by status and its own pages. The
// columns an admin reads first (common name, status, product, valid till, days left), the rest
// behind "all columns"; expired and expiring certificates marked in words and colour, and an
// expiry filter over what is loaded; a CSV download of what is shown (every loaded order).
// Routes: `#orders?<form>` (offset=N: a later page; all=1: Load all).

import { $, $button, $input, $progress, $select, h, replace, table, num, num1, EMPTY } from '../dom.js';
import { announce, needClient, run } from '../alerts.js';
import { dateFilter, dropEmpty, optInt, optText, wireDateMode } from '../form.js';
import { countBy, daysLeft, downloadCsv, emptyNote, expiryFlag, fileStamp, money, pager, refreshing, reveal, summaryLine } from '../results.js';
import { displayed, formHash, go, navigate, register } from '../route.js';
import { state } from '../state.js';
import { barChart } from '../chart.js';

/** @typedef {import('../../pkg-template/index.js').SubaccountOrder} SubaccountOrder */
/** @typedef {import('../../pkg-template/index.js').SubaccountOrderList} SubaccountOrderList */

/** @param {SubaccountOrder} o */
const tillOf = (o) => o.certificate?.valid_till ?? null;
/** @param {SubaccountOrder} o */
const daysOf = (o) => daysLeft(tillOf(o));

/** Days an order is marked "Expiring" for: the filter's window, else 30. */
function expiryWindow() {
  const v = Number($select('orders-expiry').value);
  return Number.isFinite(v) && v > 0 ? v : 30;
}

/** @type {(import('../dom.js').Column<SubaccountOrder> & { extra?: true })[]} */
const ORDER_COLUMNS = [
  { label: 'Common name', get: (o) => o.certificate?.common_name ?? null, wrap: true },
  { label: 'Status', get: (o) => o.status },
  { label: 'Product', get: (o) => o.product?.name ?? null },
  { label: 'Valid till', get: tillOf, date: true },
  { label: 'Days left', get: daysOf, num: true, format: (d) => num(d), flag: (o) => expiryFlag(daysOf(o), expiryWindow()) },
  { label: 'Order id', get: (o) => o.id, num: true, href: (o) => `#reissues/${o.id}` },
  { label: 'Product id', get: (o) => o.product?.name_id ?? null, extra: true },
  { label: 'Subaccount', get: (o) => o.subaccount?.account_id ?? null, num: true, extra: true,
    href: (o) => (o.subaccount?.account_id ? `#orders?sub=${o.subaccount.account_id}` : null) },
  { label: 'Account type', get: (o) => o.subaccount?.account_type ?? null, extra: true },
  { label: 'Organization', get: (o) => o.organization?.name ?? o.subaccount?.organization_name ?? null, wrap: true, extra: true },
  { label: 'Created', get: (o) => o.date_created, date: true, extra: true },
  { label: 'Issued', get: (o) => o.date_issued, date: true, extra: true },
  { label: 'Years', get: (o) => o.validity_years, num: true, extra: true },
  { label: 'SANs', get: (o) => o.number_of_sans, num: true, extra: true },
  { label: 'Price', get: (o) => o.order_price, num: true, format: (p) => (p ? money(p.cost, p.currency) : EMPTY), extra: true },
];

/** @returns {import('../../pkg-template/index.js').SubaccountOrdersQuery} */
function ordersQuery() {
  let search = optText('orders-search');
  if (search !== undefined && !search.startsWith('%')) search = `%${search}`; // the API's substring form
  const filters = dropEmpty({
    id: optInt('orders-id', 'Order id'),
    status: optText('orders-status'),
    product_name_id: optText('orders-product'),
    common_name: optText('orders-cn'),
    search,
    subaccount: optInt('orders-sub', 'Subaccount id'),
    account_type: $select('orders-type').value || undefined,
    date_created: dateFilter('orders', 'Created'),
  });
  return { filters, sort: /** @type {import('../../pkg-template/index.js').SubaccountOrderSortKey} */ ($select('orders-sort').value) };
}

/**
 * What the panel shows: a page of the API's, or every loaded order (with the page of them on
 * screen, the chart, and whether the load finished).
 * @type {{ mode: 'page', result: SubaccountOrderList, limit: number }
 *   | { mode: 'all', orders: SubaccountOrder[], limit: number, offset: number, total: number, complete: boolean, chart: HTMLElement }
 *   | null}
 */
let shown = null;

/** The expiry filter as a test, and its words; null: every order. */
function expiryTest() {
  const v = $select('orders-expiry').value;
  if (v === 'expired') return { test: (/** @type {SubaccountOrder} */ o) => { const d = daysOf(o); return d !== null && d < 0; }, words: 'expired' };
  const n = Number(v);
  if (!v || !Number.isFinite(n)) return null;
  return { test: (/** @type {SubaccountOrder} */ o) => { const d = daysOf(o); return d !== null && d >= 0 && d <= n; }, words: `expiring within ${n} days` };
}

/** Renders `shown` (again: the filter and the column toggle change it without a request). */
function renderOrders() {
  const out = $('orders-results');
  if (!shown) return;
  const filter = expiryTest();
  const cols = $input('orders-allcols').checked ? ORDER_COLUMNS : ORDER_COLUMNS.filter((c) => !c.extra);
  const rowClass = (/** @type {SubaccountOrder} */ o) => {
    const f = expiryFlag(daysOf(o), expiryWindow());
    return f ? `row-${f.class.slice(5)}` : null;
  };
  const loaded = shown.mode === 'page' ? shown.result.orders : shown.orders;
  const rows = filter ? loaded.filter(filter.test) : loaded;
  const exportBtn = h('button', { type: 'button', class: 'btn btn-small', id: 'orders-export', disabled: !rows.length,
    text: `Download CSV (${num(rows.length)} order${rows.length === 1 ? '' : 's'})` });
  exportBtn.addEventListener('click', () => run('Download orders', [exportBtn], async () => {
    const csv = await /** @type {import('../state.js').Package} */ (state.pkg).recordsToCsv(rows, { columns: 'order' });
    downloadCsv(out, `subaccount-orders-${fileStamp()}.csv`, csv, `${num(rows.length)} orders${filter ? ` ${filter.words}` : ''}`);
   }, { requests: false }));

  if (shown.mode === 'page') {
    const { result, limit } = shown;
    if (!result.orders.length) {
      replace(out, emptyNote('No subaccount orders match these filters.'));
      return;
    }
    const summary = summaryLine(result.page, result.orders.length);
    if (filter) summary.textContent += ` · ${num(rows.length)} on this page ${filter.words} (Load all filters every order)`;
    replace(out,
      h('div', { class: 'result-bar' }, summary, exportBtn,
        pager(result.page, limit, result.orders.length, (o) => go('orders', { offset: o || undefined }), 'Subaccount orders')),
      rows.length ? table(cols, rows, { label: 'Subaccount orders', cards: true, rowClass }) : emptyNote(`No order on this page is ${filter?.words}.`));
    return;
  }

  const all = shown;
  if (all.offset >= rows.length) all.offset = Math.max(0, Math.floor((rows.length - 1) / all.limit) * all.limit);
  const slice = rows.slice(all.offset, all.offset + all.limit);
  const of = `${num(rows.length)} ${filter ? `loaded orders ${filter.words} (of ${num(all.orders.length)} loaded)` : 'loaded orders'}`;
  const summary = h('p', { class: 'summary', text: `Showing ${num(slice.length ? all.offset + 1 : 0)}–${num(all.offset + slice.length)} of ${of}${all.complete ? '' : ` — not every order: the load stopped at ${num(all.orders.length)} of ${num(all.total)}`}` });
  replace(out,
    all.chart,
    h('div', { class: 'result-bar' }, summary, exportBtn,
      pager({ offset: all.offset, total: rows.length, limit: all.limit }, all.limit, slice.length, (o) => { all.offset = o; renderOrders(); }, 'Loaded subaccount orders')),
    slice.length ? table(cols, slice, { label: 'All loaded subaccount orders', cards: true, rowClass }) : emptyNote(`No loaded order is ${filter?.words}.`));
}

/**
 * Loads and shows the page at `offset` (the form holds the query).
 * @param {number} [offset]
 * @param {boolean} [show] scroll the results into view
 * @returns {Promise<boolean>}
 */
function searchOrders(offset = 0, show = false) {
  const out = $('orders-results');
  return refreshing(out, () => run('Subaccount orders', [$button('orders-search-btn')], async (signal) => {
    const c = needClient();
    const gen = state.generation;
    const query = ordersQuery();
    const limit = Number($select('orders-limit').value);
    const result = await c.listSubaccountOrders({ ...query, offset, limit }, { signal });
    if (gen !== state.generation) return false;
    $('orders-loadall-box').hidden = true;
    shown = { mode: 'page', result, limit };
    announce(result.orders.length ? `Subaccount orders: ${summaryLine(result.page, result.orders.length).textContent}` : 'No subaccount orders match these filters.');
    renderOrders();
    if (show) reveal($('orders-form'), out);
    return true;
  }));
}

/** @type {AbortController | null} */
let loadAllCtl = null;

/** Stops a "load all" in progress. */
export function abortLoadAll() {
  loadAllCtl?.abort();
  loadAllCtl = null;
}

/**
 * Every order of the form's query, with progress and Cancel; what was loaded stays shown
 * (marked as not every order) when it is cancelled or fails.
 * @returns {Promise<boolean>} true when it shows orders (or that there are none)
 */
async function loadAllOrders() {
  const startBtn = $button('orders-loadall');
  const cancelBtn = $button('orders-cancel');
  const box = $('orders-loadall-box');
  const bar = $progress('orders-progress');
  const label = $('orders-progress-text');
  const out = $('orders-results');
  abortLoadAll();
  const ctl = new AbortController();
  loadAllCtl = ctl;
  /** @type {SubaccountOrder[]} */
  const loaded = [];
  let total = 0;
  let frame = 0;
  let limit = 50;
  const t0 = performance.now();
  const paint = () => {
    frame = 0;
    bar.max = Math.max(1, total);
    bar.value = Math.min(loaded.length, bar.max);
    const pct = total ? Math.min(100, Math.floor((loaded.length / total) * 100)) : 100;
    label.textContent = `${num(loaded.length)} of ${num(total)} orders (${pct}%)`;
    bar.setAttribute('aria-valuetext', label.textContent);
  };
  // Shown only while Load all runs; run() wires it (and adds no second Cancel): its signal
  // aborts `ctl` below. (An onclick of its own here would run first and settle the action
  // before run's listener, so the panel would not say "Cancelled.")
  cancelBtn.hidden = false;
  box.hidden = false;
  bar.value = 0;
  bar.removeAttribute('data-state');
  label.textContent = 'Counting orders…';
  let finished = false;
  let gen = state.generation;
  await refreshing(out, async () => {
    await run('Load all subaccount orders', [startBtn, $button('orders-search-btn')], async (signal) => {
      // The panel's Cancel (run's, beside the progress bar) and a newer action stop it.
      signal.addEventListener('abort', () => ctl.abort(), { once: true });
      try {
        const c = needClient();
        gen = state.generation;
        const query = ordersQuery();
        limit = Number($select('orders-limit').value);
        const first = await c.listSubaccountOrders({ ...query, limit: 1 }, { signal: ctl.signal });
        total = first.page.total;
        paint();
        for await (const o of c.iterateSubaccountOrders({ ...query, limit }, { signal: ctl.signal })) {
          loaded.push(o);
          if (!frame) frame = requestAnimationFrame(paint);
        }
        finished = true;
      } finally {
        if (frame) cancelAnimationFrame(frame);
        cancelBtn.hidden = true;
        if (loadAllCtl === ctl) loadAllCtl = null;
      }
    }, { cancelButton: cancelBtn });
    return loaded.length > 0 || finished;
  });
  if (gen !== state.generation) return false;
  const secs = (performance.now() - t0) / 1000;
  paint();
  const aborted = ctl.signal.aborted && !finished;
  if (finished) {
    bar.value = bar.max;
    box.dataset.state = 'done';
    label.textContent = `Loaded ${num(loaded.length)} of ${num(total)} orders (100%) in ${num1(secs)} s.`;
  } else if (aborted) {
    box.dataset.state = 'cancelled';
    label.textContent = `Cancelled after ${num(loaded.length)} of ${num(total)} orders (${total ? Math.floor((loaded.length / total) * 100) : 0}%).`;
  } else {
    box.dataset.state = 'failed';
    label.textContent = `Stopped by an error after ${num(loaded.length)} of ${num(total)} orders.`;
  }
  announce(label.textContent);
  if (!loaded.length) {
    shown = null;
    if (finished) replace(out, emptyNote('No subaccount orders match these filters.'));
    return finished;
  }
  const chart = h('div', { class: 'chart-box' });
  shown = { mode: 'all', orders: loaded, limit, offset: 0, total, complete: finished, chart };
  renderOrders();
  barChart(chart, { title: 'Loaded orders by status', data: countBy(loaded, (o) => o.status ?? EMPTY), kind: 'rows', valueLabel: 'orders' });
  return true;
}

/** Wires the search form, "load all", the expiry filter, the column toggle and the route. */
export function wireOrders() {
  register('orders', {
    fields: ['id', 'status', 'product', 'cn', 'search', 'sub', 'type', 'date-mode', 'date-from', 'date-to', 'sort', 'limit'],
    extra: ['offset', 'all'],
    display: ['expiry', 'allcols'],
    redisplay: renderOrders,
    load: (r) => (r.params.get('all') === '1' ? loadAllOrders() : searchOrders(Number(r.params.get('offset')) || 0, r.reveal)),
  });
  $('orders-form').addEventListener('submit', (e) => { e.preventDefault(); go('orders'); });
  wireDateMode('orders');
  $button('orders-loadall').addEventListener('click', () => navigate(formHash('orders', { all: 1 })));
  $select('orders-expiry').addEventListener('change', () => {
    if (shown?.mode === 'all') shown.offset = 0;
    renderOrders();
    displayed('orders');
  });
  $input('orders-allcols').addEventListener('change', () => {
    renderOrders();
    displayed('orders');
  });
}
