// Subaccount orders: a page with filters, sort and paging, or every order (the async
// iterator) with a progress bar, Cancel, and a chart by status.

import { $, $button, $progress, $select, h, replace, table, num, num1, EMPTY } from '../dom.js';
import { announce, needClient, run } from '../alerts.js';
import { dateFilter, dropEmpty, optInt, optText, wireDateMode } from '../form.js';
import { countBy, emptyNote, money, pager, summaryLine } from '../results.js';
import { state } from '../state.js';
import { barChart } from '../chart.js';

/** @typedef {import('../../pkg-template/index.js').SubaccountOrder} SubaccountOrder */

const MAX_RENDERED_ORDERS = 1000;

/** @type {{ label: string, get: (o: SubaccountOrder) => unknown, num?: true, wrap?: true, format?: (v: any) => string }[]} */
const ORDER_COLUMNS = [
  { label: 'Order id', get: (o) => o.id, num: true },
  { label: 'Common name', get: (o) => o.certificate?.common_name ?? null, wrap: true },
  { label: 'Status', get: (o) => o.status },
  { label: 'Product', get: (o) => o.product?.name ?? null },
  { label: 'Product id', get: (o) => o.product?.name_id ?? null },
  { label: 'Subaccount', get: (o) => o.subaccount?.account_id ?? null, num: true },
  { label: 'Account type', get: (o) => o.subaccount?.account_type ?? null },
  { label: 'Organization', get: (o) => o.organization?.name ?? o.subaccount?.organization_name ?? null, wrap: true },
  { label: 'Created', get: (o) => o.date_created },
  { label: 'Issued', get: (o) => o.date_issued },
  { label: 'Valid till', get: (o) => o.certificate?.valid_till ?? null },
  { label: 'Years', get: (o) => o.validity_years, num: true },
  { label: 'SANs', get: (o) => o.number_of_sans, num: true },
  { label: 'Price', get: (o) => o.order_price, num: true, format: (p) => (p ? money(p.cost, p.currency) : EMPTY) },
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
 * Loads and shows the page at `offset`.
 * @param {number} [offset]
 */
async function searchOrders(offset = 0) {
  await run('Subaccount orders', [$button('orders-search-btn')], async (signal) => {
    const c = needClient();
    const gen = state.generation;
    const query = ordersQuery();
    const limit = Number($select('orders-limit').value);
    const result = await c.listSubaccountOrders({ ...query, offset, limit }, { signal });
    if (gen !== state.generation) return;
    $('orders-loadall-box').hidden = true;
    const out = $('orders-results');
    if (!result.orders.length) {
      replace(out, emptyNote('No subaccount orders match these filters.'));
      announce('No subaccount orders match these filters.');
      return;
    }
    announce(`Subaccount orders: ${summaryLine(result.page, result.orders.length).textContent}`);
    replace(out,
      h('div', { class: 'result-bar' }, summaryLine(result.page, result.orders.length),
        pager(result.page, limit, result.orders.length, (o) => searchOrders(o), 'Subaccount orders')),
      table(ORDER_COLUMNS, result.orders, { label: 'Subaccount orders' }));
  });
}

/** @type {AbortController | null} */
let loadAllCtl = null;

/** Stops a "load all" in progress. */
export function abortLoadAll() {
  loadAllCtl?.abort();
  loadAllCtl = null;
}

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
  const t0 = performance.now();
  const paint = () => {
    frame = 0;
    bar.max = Math.max(1, total);
    bar.value = Math.min(loaded.length, bar.max);
    const pct = total ? Math.min(100, Math.floor((loaded.length / total) * 100)) : 100;
    label.textContent = `${num(loaded.length)} of ${num(total)} orders (${pct}%)`;
    bar.setAttribute('aria-valuetext', label.textContent);
  };
  cancelBtn.disabled = false;
  cancelBtn.onclick = () => ctl.abort();
  box.hidden = false;
  bar.value = 0;
  bar.removeAttribute('data-state');
  label.textContent = 'Counting orders…';
  let finished = false;
  await run('Load all subaccount orders', [startBtn, $button('orders-search-btn')], async (signal) => {
    signal.addEventListener('abort', () => ctl.abort(), { once: true });
    try {
      const c = needClient();
      const query = ordersQuery();
      const limit = Number($select('orders-limit').value);
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
      cancelBtn.disabled = true;
      cancelBtn.onclick = null;
      if (loadAllCtl === ctl) loadAllCtl = null;
    }
  });
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
    if (finished) replace(out, emptyNote('No subaccount orders match these filters.'));
    return;
  }
  const byStatus = countBy(loaded, (o) => o.status ?? EMPTY);
  const chartBox = h('div', { class: 'chart-box' });
  const shown = loaded.slice(0, MAX_RENDERED_ORDERS);
  replace(out,
    chartBox,
    h('p', { class: 'summary', text: loaded.length > shown.length
      ? `Showing the first ${num(shown.length)} of ${num(loaded.length)} loaded orders`
      : `${num(loaded.length)} loaded orders` }),
    table(ORDER_COLUMNS, shown, { label: 'All loaded subaccount orders' }));
  barChart(chartBox, { title: 'Loaded orders by status', data: byStatus, kind: 'rows', valueLabel: 'orders' });
}

/** Wires the search form and "load all". */
export function wireOrders() {
  $('orders-form').addEventListener('submit', (e) => { e.preventDefault(); searchOrders(0); });
  wireDateMode('orders');
  $button('orders-loadall').addEventListener('click', loadAllOrders);
}
