// The demo admin page of certcentral-wasm. Static ES module, no framework, no build step.
// Every value from the API or a CSV file is rendered through textContent (see dom.js).
// The API key lives only in the password field and inside the client: it is never stored,
// put in a URL or logged.
import { h, replace, table, details, text, num, num1, bytes, EMPTY } from './dom.js';
import { barChart } from './chart.js';

const $ = (id) => document.getElementById(id);

const SANDBOX_BASE = `${location.origin}/services/v2`;
const REGION_BASE = {
  us: 'https://www.digicert.com/services/v2',
  eu: 'https://certcentral.digicert.eu/services/v2',
};
const DEFAULT_KEY = 'sandbox-key'; // the local sandbox's key; harmless to prefill
const MAX_RENDERED_ORDERS = 1000;
const CSV_PREVIEW_ROWS = 100;

/** The package module (loaded dynamically so a missing build shows an error, not a blank page). */
let pkg = null;
/** The current client, or null. */
let client = null;
/** Bumped on every connect, so late answers from an older client are ignored. */
let generation = 0;

// ---------------------------------------------------------------------------------------------
// Alerts: API errors and unexpected exceptions, shown plainly.

const alerts = $('alerts');

function isCcError(e) {
  return e !== null && typeof e === 'object' && (pkg && e instanceof pkg.CertCentralError || e.name === 'CertCentralError');
}
const isAbort = (e) => isCcError(e) && e.kind === 'aborted' || e?.name === 'AbortError';

/** Shows `err` in the alert region under the heading `context`. */
function showError(context, err) {
  const box = h('div', { class: 'alert alert-error' });
  const close = h('button', { type: 'button', class: 'alert-close', 'aria-label': 'Dismiss error', text: '×', onclick: () => box.remove() });
  const title = h('p', { class: 'alert-title' }, h('strong', { text: context }));
  box.append(close, title);
  if (isCcError(err)) {
    const facts = [['Kind', err.kind]];
    if (err.status !== null && err.status !== undefined) facts.push(['Status', String(err.status)]);
    if (err.line !== null && err.line !== undefined) facts.push(['Line', String(err.line)]);
    if (err.column !== null && err.column !== undefined) facts.push(['Column', String(err.column)]);
    if (err.retryAfterMs !== null && err.retryAfterMs !== undefined) facts.push(['Retry after', `${err.retryAfterMs} ms`]);
    box.append(h('dl', { class: 'alert-facts' }, facts.map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', { class: `fact-${k.toLowerCase().replace(' ', '-')}`, text: v })))));
    if (err.errors?.length) {
      box.append(h('ul', { class: 'alert-codes' }, err.errors.map((e) =>
        h('li', {}, h('code', { class: 'err-code', text: e.code || '(no code)' }), ' ', h('span', { class: 'err-message', text: e.message || '' })))));
    }
    box.append(h('p', { class: 'alert-message', text: err.message }));
    if (err.url && !String(err.message).includes(err.url)) box.append(h('p', { class: 'alert-url' }, 'Request: ', h('code', { text: err.url })));
  } else {
    const name = err?.name || typeof err;
    const msg = err?.message ?? String(err);
    box.append(h('p', { class: 'alert-message', text: `Unexpected error (${name}): ${msg}` }));
  }
  alerts.replaceChildren(box);
  box.scrollIntoView({ block: 'nearest' });
}

/** A short message for screen readers (the polite live region). */
function announce(msg) {
  $('announce').textContent = msg;
}

function clearErrors() {
  alerts.replaceChildren();
}

/** A plain validation problem in the form (shown like the API's errors). */
class InputError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InputError';
  }
}

function showInputError(context, err) {
  const box = h('div', { class: 'alert alert-warn' },
    h('button', { type: 'button', class: 'alert-close', 'aria-label': 'Dismiss', text: '×', onclick: () => box.remove() }),
    h('p', { class: 'alert-title' }, h('strong', { text: context })),
    h('p', { class: 'alert-message', text: err.message }));
  alerts.replaceChildren(box);
}

window.addEventListener('error', (e) => showError('Unexpected error', e.error ?? new Error(e.message)));
window.addEventListener('unhandledrejection', (e) => {
  if (!isAbort(e.reason)) showError('Unexpected error', e.reason);
});

/**
 * Runs an action for a view: clears old errors, marks `busy` elements, shows errors.
 * Returns the action's value, or undefined when it failed.
 */
async function run(context, busyEls, fn) {
  clearErrors();
  for (const el of busyEls) { el.disabled = true; el.closest('[role=tabpanel], .card')?.setAttribute('aria-busy', 'true'); }
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InputError) showInputError(context, e);
    else if (!isAbort(e)) showError(`${context} failed`, e);
    return undefined;
  } finally {
    for (const el of busyEls) { el.disabled = false; el.closest('[role=tabpanel], .card')?.removeAttribute('aria-busy'); }
  }
}

function needClient() {
  if (!client) throw new InputError('Not connected: fill in the connection panel and press Connect.');
  return client;
}

// ---------------------------------------------------------------------------------------------
// Form readers

function optText(id) {
  const v = $(id).value.trim();
  return v === '' ? undefined : v;
}

function optInt(id, what) {
  const el = $(id);
  const raw = el.value.trim();
  if (raw === '' && !el.validity?.badInput) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`${what} must be a whole number.`);
  return n;
}

function reqInt(id, what) {
  const n = optInt(id, what);
  if (n === undefined) throw new InputError(`Enter a ${what.toLowerCase()}.`);
  return n;
}

/** A DateFilter from a mode select and two date inputs, or undefined. */
function dateFilter(prefix, what) {
  const mode = $(`${prefix}-date-mode`).value;
  const from = $(`${prefix}-date-from`).value;
  const to = $(`${prefix}-date-to`).value;
  switch (mode) {
    case 'range':
      if (!from && !to) throw new InputError(`${what}: pick a start and/or end date.`);
      return { ...(from && { from }), ...(to && { to }) };
    case 'before':
      if (!from) throw new InputError(`${what}: pick a date.`);
      return { before: from };
    case 'after':
      if (!from) throw new InputError(`${what}: pick a date.`);
      return { after: from };
    default:
      return undefined;
  }
}

/** Enables the date inputs that the mode uses. */
function wireDateMode(prefix) {
  const mode = $(`${prefix}-date-mode`);
  const from = $(`${prefix}-date-from`);
  const to = $(`${prefix}-date-to`);
  const fromLabel = document.querySelector(`label[for="${prefix}-date-from"]`);
  const base = fromLabel.textContent.split(':')[0];
  const sync = () => {
    const m = mode.value;
    from.disabled = m === 'any';
    to.disabled = m !== 'range';
    to.hidden = m !== 'range' && m !== 'any';
    fromLabel.textContent = `${base}: ${m === 'before' ? 'before' : m === 'after' ? 'after' : 'from'}`;
  };
  mode.addEventListener('change', sync);
  sync();
}

function dropEmpty(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

// ---------------------------------------------------------------------------------------------
// Shared result bits

function summaryLine(page, shown) {
  if (!page) return h('p', { class: 'summary', text: `${num(shown)} rows` });
  const from = shown ? page.offset + 1 : 0;
  const to = page.offset + shown;
  return h('p', { class: 'summary', text: `Showing ${num(from)}–${num(to)} of ${num(page.total)}` });
}

/** Prev / page X of Y / Next. `go(offset)` loads a page. */
function pager(page, limit, shown, go, label) {
  const total = page?.total ?? shown;
  const offset = page?.offset ?? 0;
  const pages = Math.max(1, Math.ceil(total / limit));
  const current = Math.min(pages, Math.floor(offset / limit) + 1);
  const prev = h('button', { type: 'button', class: 'btn btn-small pager-prev', text: '‹ Previous', disabled: offset <= 0,
    'aria-label': `${label}: previous page`, onclick: () => go(Math.max(0, offset - limit)) });
  const next = h('button', { type: 'button', class: 'btn btn-small pager-next', text: 'Next ›', disabled: offset + shown >= total,
    'aria-label': `${label}: next page`, onclick: () => go(offset + limit) });
  return h('nav', { class: 'pager', 'aria-label': `${label} pages` },
    prev, h('span', { class: 'pager-pos', text: `Page ${num(current)} of ${num(pages)}` }), next);
}

function emptyNote(msg) {
  return h('p', { class: 'empty-note', text: msg });
}

const money = (cost, currency) => (cost === null || cost === undefined ? EMPTY : `${num1(cost)} ${currency ?? ''}`.trim());

// ---------------------------------------------------------------------------------------------
// Connection panel

const baseInput = $('conn-base');
const keyInput = $('conn-key');
const regionSel = $('conn-region');
const badge = $('conn-badge');
const connStatus = $('conn-status');

baseInput.value = SANDBOX_BASE;
keyInput.value = DEFAULT_KEY;

const presetBases = () => new Set([SANDBOX_BASE, ...Object.values(REGION_BASE), '']);
regionSel.addEventListener('change', () => {
  const current = baseInput.value.trim().replace(/\/+$/, '');
  if (presetBases().has(current)) {
    baseInput.value = REGION_BASE[regionSel.value];
    connStatus.textContent = `Region ${regionSel.value.toUpperCase()}: base URL set. Press Connect.`;
  } else {
    connStatus.textContent = 'Custom base URL kept; clear the field to use the region.';
  }
});

function setBadge(state, label) {
  badge.className = `badge badge-${state}`;
  badge.textContent = label;
}

$('conn-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  await connect();
});

async function connect() {
  const btn = $('conn-connect');
  abortLoadAll();
  const gen = ++generation;
  const baseUrl = baseInput.value.trim();
  const options = {};
  if (baseUrl) options.baseUrl = baseUrl; else options.region = regionSel.value;
  if (keyInput.value) options.apiKey = keyInput.value;
  setBadge('busy', 'Connecting…');
  connStatus.textContent = '';
  // The old client is dropped, not free()d: a call of it may still be in flight.
  client = null;
  const ok = await run('Connect', [btn], async () => {
    if (!pkg) throw new InputError('The certcentral-wasm package did not load (see the error above).');
    const c = await pkg.createClient(options);
    if (gen !== generation) { c.free?.(); return false; }
    client = c;
    // A cheap request that proves the URL and key work.
    const probe = await c.listSubaccountOrders({ limit: 1 });
    if (gen !== generation) return false;
    const where = baseUrl ? new URL(baseUrl).host : `${regionSel.value.toUpperCase()} region`;
    connStatus.textContent = `Connected to ${where}: ${num(probe.page.total)} subaccount orders visible.`;
    setBadge('on', 'Connected');
    return true;
  });
  if (gen !== generation) return;
  if (!ok) {
    setBadge(client ? 'warn' : 'off', client ? 'Connection check failed' : 'Not connected');
    connStatus.textContent = client ? 'The client was created but the check request failed (see the error above).' : 'Not connected.';
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Tabs

const tabs = [...document.querySelectorAll('[role=tab]')];
function selectTab(tab, focus = false) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  if (focus) tab.focus();
}
for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(t);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    selectTab(tabs[(to + tabs.length) % tabs.length], true);
  });
}

// ---------------------------------------------------------------------------------------------
// Used voucher codes

const CODE_COLUMNS = [
  { label: 'Id', get: (c) => c.id, num: true },
  { label: 'Code', get: (c) => c.value, mono: true },
  { label: 'Product', get: (c) => c.product_name },
  { label: 'Voucher order', get: (c) => c.voucher_order_id, num: true },
  { label: 'Certificate order', get: (c) => c.certificate_order_id, num: true },
  { label: 'Common name', get: (c) => c.cert_common_name, wrap: true },
  { label: 'Organization', get: (c) => c.cert_organization, wrap: true },
  { label: 'Created', get: (c) => c.created_date },
  { label: 'Requested', get: (c) => c.cert_request_date },
  { label: 'Voucher valid till', get: (c) => c.voucher_validity_end_date },
  { label: 'FQDNs', get: (c) => c.no_of_fqdns, num: true },
  { label: 'Wildcards', get: (c) => c.no_of_wildcards, num: true },
  { label: 'Shipping', get: (c) => c.shipping_method, extra: true },
  { label: 'Validity (years)', get: (c) => c.validity_years, num: true, extra: true },
  { label: 'Validity (days)', get: (c) => c.validity_days, num: true, extra: true },
  { label: 'Status', get: (c) => c.status, extra: true },
  { label: 'Cert valid from', get: (c) => c.cert_validity_start_date, extra: true },
  { label: 'Cert valid till', get: (c) => c.cert_validity_end_date, extra: true },
  { label: 'Order valid from', get: (c) => c.order_valid_from, extra: true },
  { label: 'Order valid till', get: (c) => c.order_valid_till, extra: true },
  { label: 'Server licenses', get: (c) => c.server_licenses, num: true, extra: true },
];

function codesQuery() {
  const filters = dropEmpty({
    product_name_id: optText('codes-product'),
    voucher_order_id: optInt('codes-voucher', 'Voucher order id'),
    certificate_order_id: optInt('codes-certorder', 'Certificate order id'),
    date_valid_till: dateFilter('codes', 'Voucher valid till'),
    code: optText('codes-code'),
    id: optInt('codes-id', 'Code id'),
  });
  return { filters, sort: `${$('codes-dir').value}${$('codes-sort').value}` };
}

let codesLast = null; // { query, offset, result } of the page shown, to re-render on column toggle

async function searchCodes(offset = 0) {
  await run('Used voucher codes', [$('codes-search')], async () => {
    const c = needClient();
    const gen = generation;
    const query = codesQuery();
    const limit = Number($('codes-limit').value);
    const result = await c.listUsedVoucherCodes({ ...query, offset, limit });
    if (gen !== generation) return;
    codesLast = { query, limit, result };
    renderCodes();
  });
}

function renderCodes() {
  if (!codesLast) return;
  const { limit, result } = codesLast;
  const cols = $('codes-allcols').checked ? CODE_COLUMNS : CODE_COLUMNS.filter((c) => !c.extra);
  const out = $('codes-results');
  if (!result.codes.length) {
    replace(out, emptyNote('No used voucher codes match these filters.'));
    announce('No used voucher codes match these filters.');
    return;
  }
  announce(`Used voucher codes: ${summaryLine(result.page, result.codes.length).textContent}`);
  replace(out,
    h('div', { class: 'result-bar' }, summaryLine(result.page, result.codes.length),
      pager(result.page, limit, result.codes.length, (o) => searchCodes(o), 'Used voucher codes')),
    table(cols, result.codes, { label: 'Used voucher codes' }));
}

$('codes-form').addEventListener('submit', (e) => { e.preventDefault(); searchCodes(0); });
$('codes-allcols').addEventListener('change', renderCodes);
wireDateMode('codes');

$('codes-export').addEventListener('click', () => run('Export CSV', [$('codes-export')], async () => {
  const c = needClient();
  const { filters, sort } = codesQuery();
  const t0 = performance.now();
  const csv = await c.exportUsedVoucherCodesCsv({ filters, sort });
  const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const name = `used-voucher-codes-${stamp}.csv`;
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  const note = h('p', { class: 'status export-note', text: `Downloaded ${name} (${bytes(blob.size)}, ${num(Math.round(performance.now() - t0))} ms).` });
  $('codes-results').querySelector('.export-note')?.remove();
  $('codes-results').prepend(note);
}));

// ---------------------------------------------------------------------------------------------
// Voucher order

const VOUCHER_CODE_COLUMNS = [
  { label: 'Id', get: (c) => c.id, num: true },
  { label: 'Code', get: (c) => c.value, mono: true },
  { label: 'Product', get: (c) => c.product?.name ?? null },
  { label: 'Product id', get: (c) => c.product_name_id },
  { label: 'Group', get: (c) => c.product?.group_name ?? null },
  { label: 'FQDNs', get: (c) => c.no_of_fqdns, num: true },
  { label: 'Wildcards', get: (c) => c.no_of_wildcards, num: true },
  { label: 'Validity (years)', get: (c) => c.validity_years, num: true },
  { label: 'Validity (days)', get: (c) => c.validity_days, num: true },
  { label: 'Status', get: (c) => c.status },
];

async function getVoucher(id) {
  await run('Voucher order', [$('voucher-get')], async () => {
    const c = needClient();
    const voucherId = id ?? reqInt('voucher-id', 'Voucher order id');
    const v = await c.getVoucherOrder(voucherId);
    announce(`Voucher order ${v.id}: ${v.codes.length} codes`);
    replace($('voucher-results'),
      h('h3', { class: 'result-title', text: `Voucher order ${v.id}` }),
      details([
        ['Id', v.id], ['Organization', v.name], ['Status', v.status], ['Cost', money(v.cost, v.currency)],
        ['Created', v.created_date], ['Expires', v.expiration_date], ['Can cancel', v.can_cancel],
        ['Used from', v.used_from], ['Valid till', v.valid_till], ['Notes', v.notes],
      ]),
      h('h3', { class: 'result-title', text: `Codes (${num(v.codes.length)})` }),
      v.codes.length ? table(VOUCHER_CODE_COLUMNS, v.codes, { label: `Codes of voucher order ${v.id}` }) : emptyNote('This voucher order lists no codes.'));
  });
}
$('voucher-form').addEventListener('submit', (e) => { e.preventDefault(); getVoucher(); });

// ---------------------------------------------------------------------------------------------
// Reissues

const REISSUE_COLUMNS = [
  { label: 'Certificate id', get: (r) => r.id, num: true },
  { label: 'Common name', get: (r) => r.common_name, wrap: true },
  { label: 'Other names', get: (r) => r.dns_names, wrap: true },
  { label: 'Status', get: (r) => r.status },
  { label: 'Serial number', get: (r) => r.serial_number, mono: true },
  { label: 'Requested', get: (r) => r.date_created },
  { label: 'Issued', get: (r) => r.date_issued },
  { label: 'Valid till', get: (r) => r.valid_till },
  { label: 'Days left', get: (r) => r.days_remaining, num: true },
  { label: 'Key size', get: (r) => r.key_size, num: true },
  { label: 'Requested by', get: (r) => [r.firstname, r.lastname].filter((x) => x && x.trim()).join(' ') || null, wrap: true },
  { label: 'Email', get: (r) => r.email },
  { label: 'Archived', get: (r) => r.archived },
];

async function getReissues() {
  await run('Reissues', [$('reissues-get')], async () => {
    const c = needClient();
    const id = reqInt('reissues-id', 'Order id');
    const showArchived = $('reissues-archived').checked;
    const dedupeBySerial = $('reissues-dedupe').checked;
    const { certificates } = await c.listOrderReissues(id, { showArchived, dedupeBySerial });
    const flags = [showArchived ? 'archived included' : 'archived hidden', dedupeBySerial ? 'duplicate serials dropped' : 'duplicates kept'].join(', ');
    announce(`Order ${id}: ${certificates.length} reissued certificates`);
    replace($('reissues-results'),
      h('p', { class: 'summary', text: `Order ${id}: ${num(certificates.length)} certificate${certificates.length === 1 ? '' : 's'} (${flags})` }),
      certificates.length ? table(REISSUE_COLUMNS, certificates, { label: `Reissues of order ${id}` }) : emptyNote('No reissues for this order.'));
  });
}
$('reissues-form').addEventListener('submit', (e) => { e.preventDefault(); getReissues(); });
for (const id of ['reissues-archived', 'reissues-dedupe']) {
  $(id).addEventListener('change', () => { if ($('reissues-id').value && client) getReissues(); });
}

// ---------------------------------------------------------------------------------------------
// Subaccount orders

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
    account_type: $('orders-type').value || undefined,
    date_created: dateFilter('orders', 'Created'),
  });
  return { filters, sort: $('orders-sort').value };
}

async function searchOrders(offset = 0) {
  await run('Subaccount orders', [$('orders-search-btn')], async () => {
    const c = needClient();
    const gen = generation;
    const query = ordersQuery();
    const limit = Number($('orders-limit').value);
    const result = await c.listSubaccountOrders({ ...query, offset, limit });
    if (gen !== generation) return;
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
$('orders-form').addEventListener('submit', (e) => { e.preventDefault(); searchOrders(0); });
wireDateMode('orders');

let loadAllCtl = null;
function abortLoadAll() {
  loadAllCtl?.abort();
  loadAllCtl = null;
}

async function loadAllOrders() {
  const startBtn = $('orders-loadall');
  const cancelBtn = $('orders-cancel');
  const box = $('orders-loadall-box');
  const bar = $('orders-progress');
  const label = $('orders-progress-text');
  const out = $('orders-results');
  abortLoadAll();
  const ctl = new AbortController();
  loadAllCtl = ctl;
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
  await run('Load all subaccount orders', [startBtn, $('orders-search-btn')], async () => {
    try {
      const c = needClient();
      const query = ordersQuery();
      const limit = Number($('orders-limit').value);
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
$('orders-loadall').addEventListener('click', loadAllOrders);

function countBy(items, key) {
  const m = new Map();
  for (const it of items) {
    const k = key(it);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

// ---------------------------------------------------------------------------------------------
// CSV import

const CSV_COLUMNS = CODE_COLUMNS.filter((c) => !c.extra);
const drop = $('csv-drop');
const fileInput = $('csv-file');

// A file dropped outside the zone must not navigate away from the page.
for (const type of ['dragover', 'drop']) window.addEventListener(type, (e) => { if (!drop.contains(e.target)) e.preventDefault(); });
drop.addEventListener('dragenter', (e) => { e.preventDefault(); drop.classList.add('dragging'); });
drop.addEventListener('dragover', (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'; drop.classList.add('dragging'); });
drop.addEventListener('dragleave', (e) => { if (!drop.contains(e.relatedTarget)) drop.classList.remove('dragging'); });
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('dragging');
  const file = e.dataTransfer?.files?.[0];
  if (file) parseCsv(file, file.name, file.size);
});
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) parseCsv(file, file.name, file.size);
  fileInput.value = ''; // choosing the same file again parses it again
});
$('csv-fromapi').addEventListener('click', () => run('Fetch the CSV export', [$('csv-fromapi')], async () => {
  const csv = await needClient().exportUsedVoucherCodesCsv();
  await parseCsv(csv, 'the API export', new TextEncoder().encode(csv).length);
}));

let csvBusy = false;
async function parseCsv(input, name, size) {
  if (csvBusy) return;
  csvBusy = true;
  const box = $('csv-progress-box');
  const bar = $('csv-progress');
  const label = $('csv-progress-label');
  const out = $('csv-results');
  box.hidden = false;
  box.removeAttribute('data-state');
  bar.max = Math.max(1, size);
  bar.value = 0;
  label.textContent = `Parsing ${name}…`;
  replace(out);
  fileInput.disabled = true;
  await run(`CSV import of ${name}`, [$('csv-fromapi')], async () => {
    if (!pkg) throw new InputError('The certcentral-wasm package did not load.');
    try {
      const t0 = performance.now();
      const result = await pkg.parseUsedVoucherCodesCsv(input, {
        collectErrors: false,
        onProgress: (p) => {
          bar.max = Math.max(1, p.total ?? size);
          bar.value = p.bytes;
          label.textContent = `Parsing ${name}… ${num(p.rows)} rows`;
        },
      });
      const ms = performance.now() - t0;
      bar.value = bar.max;
      box.dataset.state = 'done';
      label.textContent = `Parsed ${name}`;
      renderCsv(result, name, ms);
      announce(`Parsed ${result.records.length} rows of ${name} in ${Math.round(ms)} ms`);
    } catch (e) {
      box.dataset.state = 'failed';
      label.textContent = `Could not parse ${name}`;
      if (isCcError(e) && e.line !== null && e.line !== undefined) {
        replace(out, h('p', { class: 'status csv-error', text: `${name}: ${e.message} (line ${e.line}, column ${e.column ?? EMPTY})` }));
      }
      throw e;
    } finally {
      fileInput.disabled = false;
    }
  });
  csvBusy = false;
}

function renderCsv(result, name, ms) {
  const rows = result.records.length;
  const secs = Math.max(ms, 0.001) / 1000;
  const stats = [
    ['Rows', num(rows)],
    ['Size', bytes(result.bytes)],
    ['Parse time', `${num(Math.round(ms))} ms`],
    ['Throughput', `${num1(result.bytes / 1e6 / secs)} MB/s`],
    ['Rows per second', num(Math.round(rows / secs))],
  ];
  const byProduct = countBy(result.records, (r) => r.product_name ?? EMPTY);
  const byMonthMap = new Map();
  for (const r of result.records) {
    const m = r.created_date ? r.created_date.slice(0, 7) : EMPTY;
    byMonthMap.set(m, (byMonthMap.get(m) ?? 0) + 1);
  }
  const byMonth = [...byMonthMap].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const productBox = h('div', { class: 'chart-box' });
  const monthBox = h('div', { class: 'chart-box' });
  replace($('csv-results'),
    h('dl', { class: 'stats', 'aria-label': `Parse statistics of ${name}` }, stats.map(([k, v]) =>
      h('div', { class: 'stat' }, h('dt', { text: k }), h('dd', { class: `stat-${k.toLowerCase().replaceAll(' ', '-')}`, text: v })))),
    h('div', { class: 'charts' }, productBox, monthBox),
    h('h3', { class: 'result-title', text: rows > CSV_PREVIEW_ROWS ? `First ${CSV_PREVIEW_ROWS} of ${num(rows)} rows` : `${num(rows)} rows` }),
    rows ? table(CSV_COLUMNS, result.records.slice(0, CSV_PREVIEW_ROWS), { label: `Rows of ${name}` }) : emptyNote('The file has a header but no rows.'));
  barChart(productBox, { title: 'Codes by product', data: byProduct, kind: 'rows', valueLabel: 'codes' });
  barChart(monthBox, {
    title: 'Codes by month created', data: byMonth, kind: 'columns', valueLabel: 'codes',
    tick: (label) => (label.endsWith('-01') || byMonth.length <= 12 ? (byMonth.length <= 12 ? label : label.slice(0, 4)) : null),
  });
}

// ---------------------------------------------------------------------------------------------
// Start: load the package, connect to the default (the sandbox on this origin), show a page.

async function start() {
  try {
    pkg = await import('/pkg/index.js');
    await pkg.init();
  } catch (e) {
    pkg = null;
    setBadge('off', 'Package missing');
    showError('Loading certcentral-wasm from /pkg/ failed (run scripts/build.sh?)', e);
    return;
  }
  document.body.dataset.ready = 'true';
  if (await connect()) await searchCodes(0);
}
start();
