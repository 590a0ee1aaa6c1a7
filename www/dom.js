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
 * Bidi controls (embeddings, overrides, isolates, marks): invisible, yet they reorder the text
 * around them. API text is shown with each one as a visible `[U+202E]` marker instead, so a name
 * cannot make the text after it read backwards (visual spoofing).
 */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const BIDI_SPLIT = /([\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069])/;

/**
 * Text from outside as nodes: plain text, with every bidi control shown as a marker span.
 * @param {string} t
 * @returns {(string | Node)[]}
 */
export function safeText(t) {
  if (!BIDI.test(t)) return [t];
  return t.split(BIDI_SPLIT).filter((p) => p !== '').map((p) => {
    if (!BIDI.test(p)) return p;
    const code = `U+${(p.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    return h('span', { class: 'bidi-ctl', title: `${code}: an invisible text-direction control in the data, shown here instead`, text: `[${code}]` });
  });
}

/**
 * The API's dates come in three forms: `2025-03-14`, `2025-03-14 09:33:08` and
 * `2025-03-14T09:33:08+00:00`. Shown as the date alone, `2025-03-14` (as written, in the zone it
 * was written in); anything else as `text` does.
 */
const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A date value as one readable form (see `DATE`); not a date: as `text`.
 * @param {unknown} v
 * @returns {string}
 */
export function dateText(v) {
  if (typeof v !== 'string') return text(v);
  const m = DATE.exec(v.trim());
  return m ? m[1] : text(v);
}

/**
 * A date as a span: the readable form, the raw value in its tooltip.
 * @param {unknown} v
 * @returns {HTMLElement | string}
 */
export function dateNode(v) {
  const t = dateText(v);
  return t === EMPTY ? EMPTY : h('span', { class: 'date', title: String(v), text: t });
}

/**
 * A table column: `get(row)` gives the value, shown through `format`, as a date (`date`) or
 * through `text`. `href(row)` makes the cell a link (a hash route of the page); `flag(row)` adds
 * a short word after the value (e.g. "Expired") with a class for its colour.
 * @template R
 * @typedef {object} Column
 * @property {string} label
 * @property {(row: R) => unknown} get
 * @property {(value: any, row: R) => string} [format]
 * @property {boolean} [date] shown as `dateText`, the raw value in the cell's tooltip
 * @property {(row: R) => string | null} [href]
 * @property {(row: R) => { text: string, class: string } | null} [flag]
 * @property {boolean} [num] right-aligned
 * @property {boolean} [wrap]
 * @property {boolean} [mono]
 */

/**
 * A table inside a horizontally scrolling wrapper. Text cells are `dir="auto"` (isolated:
 * right-to-left text in one cell cannot reorder its neighbours) and show bidi controls as
 * markers (`safeText`). `cards`: on a narrow screen each row is a card of label: value lines
 * (style.css). `rowClass(row)`: a class for the row.
 * @template R
 * @param {Column<R>[]} columns
 * @param {R[]} rows
 * @param {{ caption?: string, label?: string, cards?: boolean, rowClass?: (row: R) => string | null }} [options]
 * @returns {HTMLElement}
 */
export function table(columns, rows, { caption, label, cards = false, rowClass } = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, text: c.label })));
  const body = h('tbody');
  const frag = document.createDocumentFragment();
  for (const row of rows) {
    const tr = document.createElement('tr');
    const rc = rowClass?.(row);
    if (rc) tr.className = rc;
    for (const c of columns) {
      const v = c.get(row);
      const td = document.createElement('td');
      const t = c.format ? c.format(v, row) : c.date ? dateText(v) : text(v);
      const href = t !== EMPTY && c.href ? c.href(row) : null;
      if (href) td.append(h('a', { href }, safeText(t)));
      else if (BIDI.test(t)) td.append(...safeText(t));
      else td.textContent = t;
      const flag = c.flag?.(row);
      if (flag) td.append(' ', h('span', { class: `flag ${flag.class}`, text: flag.text }));
      if (c.date && t !== EMPTY) td.title = String(v);
      let cls = c.num ? 'num' : '';
      if (t === EMPTY) cls += ' empty';
      if (c.wrap) cls += ' wrap';
      if (c.mono) cls += ' mono';
      if (cls) td.className = cls.trim();
      if (!c.num && !c.date) td.dir = 'auto';
      if (cards) td.dataset.label = c.label;
      tr.append(td);
    }
    frag.append(tr);
  }
  body.append(frag);
  const t = h('table', { class: cards ? 'table-cards' : null }, caption ? h('caption', { text: caption }) : null, h('thead', {}, head), body);
  // tabindex + label: keyboard users can scroll a wide table.
  return h('div', { class: cards ? 'table-wrap table-wrap-cards' : 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label ?? caption ?? 'Results' }, t);
}

/**
 * A definition list from [label, value] pairs; a value that is a Node (a link, a date) is
 * shown as it is, any other through `text` and `safeText`, isolated (`dir="auto"`).
 * @param {[string, unknown][]} pairs
 */
export function details(pairs) {
  return h('dl', { class: 'details' }, pairs.map(([k, v]) => {
    if (v instanceof Node) return h('div', { class: 'detail' }, h('dt', { text: k }), h('dd', { dir: 'auto' }, v));
    const t = text(v);
    return h('div', { class: 'detail' }, h('dt', { text: k }), h('dd', { class: t === EMPTY ? 'empty' : null, dir: 'auto' }, safeText(t)));
  }));
}
