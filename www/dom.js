// Tiny DOM helpers. Everything that may hold data goes through createElement/createTextNode
// (textContent), never innerHTML: names like `<img src=x onerror=...>` stay text.

/**
 * The element with this id: index.html has every id the scripts look up. The typed variants
 * say what kind of element the page has there.
 * @param {string} id
 * @returns {HTMLElement}
 */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
export const $input = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id */
export const $select = (id) => /** @type {HTMLSelectElement} */ ($(id));
/** @param {string} id */
export const $button = (id) => /** @type {HTMLButtonElement} */ ($(id));
/** @param {string} id */
export const $progress = (id) => /** @type {HTMLProgressElement} */ ($(id));

const nf = new Intl.NumberFormat('en-US');
const nf1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** The em dash shown for null, undefined, empty strings and empty lists. */
export const EMPTY = '—';

/** A whole number with thousands separators. */
export const num = (n) => (typeof n === 'number' && Number.isFinite(n) ? nf.format(n) : EMPTY);
/** A number with at most one decimal. */
export const num1 = (n) => (typeof n === 'number' && Number.isFinite(n) ? nf1.format(n) : EMPTY);

/** Bytes as B / KB / MB (powers of 1000, as the MB/s figure). */
export function bytes(n) {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${nf1.format(n / 1e3)} KB`;
  return `${nf1.format(n / 1e6)} MB`;
}

/** Display text of a record value: null/empty => em dash; lists joined; booleans yes/no. */
export function text(v) {
  if (v === null || v === undefined) return EMPTY;
  if (Array.isArray(v)) return v.length ? v.map(text).join(', ') : EMPTY;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : EMPTY;
  const s = String(v);
  return s.trim() === '' ? EMPTY : s;
}

/**
 * createElement with props and children. `props`: `class`, `text` (textContent), `on<Event>`
 * handlers (functions only), `dataset`, boolean/DOM properties (`hidden`, `disabled`, `value`,
 * `type`, `checked`...) and otherwise attributes set with setAttribute. Only code passes props;
 * data goes in as `text` or children, which are always text nodes.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

/** Same as `h` in the SVG namespace. */
export function s(tag, props = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

const PROPS = new Set(['hidden', 'disabled', 'value', 'checked', 'type', 'id', 'tabIndex', 'title']);

function applyProps(el, props) {
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'style' || k.startsWith('on')) throw new Error(`h(): refusing attribute ${k}`);
    else if (PROPS.has(k) && !(el instanceof SVGElement)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Removes every child, then appends the given ones. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A table column: `get(row)` gives the value, shown through `format` or `text`.
 * @template R
 * @typedef {object} Column
 * @property {string} label
 * @property {(row: R) => unknown} get
 * @property {(value: any, row: R) => string} [format]
 * @property {boolean} [num] right-aligned
 * @property {boolean} [wrap]
 * @property {boolean} [mono]
 */

/**
 * A table inside a horizontally scrolling wrapper.
 * @template R
 * @param {Column<R>[]} columns
 * @param {R[]} rows
 * @param {{ caption?: string, label?: string }} [options]
 * @returns {HTMLElement}
 */
export function table(columns, rows, { caption, label } = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, text: c.label })));
  const body = h('tbody');
  const frag = document.createDocumentFragment();
  for (const row of rows) {
    const tr = document.createElement('tr');
    for (const c of columns) {
      const v = c.get(row);
      const td = document.createElement('td');
      const t = c.format ? c.format(v, row) : text(v);
      td.textContent = t;
      let cls = c.num ? 'num' : '';
      if (t === EMPTY) cls += ' empty';
      if (c.wrap) cls += ' wrap';
      if (c.mono) cls += ' mono';
      if (cls) td.className = cls.trim();
      tr.append(td);
    }
    frag.append(tr);
  }
  body.append(frag);
  const t = h('table', {}, caption ? h('caption', { text: caption }) : null, h('thead', {}, head), body);
  // tabindex + label: keyboard users can scroll a wide table.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label ?? caption ?? 'Results' }, t);
}

/** A definition list from [label, value] pairs. */
export function details(pairs) {
  return h('dl', { class: 'details' }, pairs.map(([k, v]) => {
    const t = text(v);
    return h('div', { class: 'detail' }, h('dt', { text: k }), h('dd', { class: t === EMPTY ? 'empty' : null, text: t }));
  }));
}
