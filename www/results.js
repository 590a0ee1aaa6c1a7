// Pieces of the views' results: the summary line, the pager, empty notes, money, counts.

import { h, num, num1, bytes, EMPTY } from './dom.js';

/** @typedef {import('../pkg-template/index.js').Page} Page */

/**
 * "Showing a–b of n", or "n rows" without a page.
 * @param {Page | null | undefined} page
 * @param {number} shown
 * @returns {HTMLElement}
 */
export function summaryLine(page, shown) {
  if (!page) return h('p', { class: 'summary', text: `${num(shown)} rows` });
  const from = shown ? page.offset + 1 : 0;
  const to = page.offset + shown;
  return h('p', { class: 'summary', text: `Showing ${num(from)}–${num(to)} of ${num(page.total)}` });
}

/**
 * Prev / page X of Y / Next. `go(offset)` loads a page.
 * @param {Page | null | undefined} page
 * @param {number} limit
 * @param {number} shown
 * @param {(offset: number) => void} go
 * @param {string} label
 * @returns {HTMLElement}
 */
export function pager(page, limit, shown, go, label) {
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

/**
 * @param {string} msg
 * @returns {HTMLElement}
 */
export function emptyNote(msg) {
  return h('p', { class: 'empty-note', text: msg });
}

/**
 * @param {number | null | undefined} cost
 * @param {string | null | undefined} currency
 * @returns {string}
 */
export const money = (cost, currency) => (cost === null || cost === undefined ? EMPTY : `${num1(cost)} ${currency ?? ''}`.trim());

/**
 * How many items have each key, most first (ties by key).
 * @template T
 * @param {T[]} items
 * @param {(item: T) => string} key
 * @returns {[string, number][]}
 */
export function countBy(items, key) {
  const m = new Map();
  for (const it of items) {
    const k = key(it);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

const DAY_MS = 86_400_000;

/**
 * Whole days from today (the browser's local date) to a date's day (`yyyy-MM-dd...`, the date as
 * written); negative once it has passed; null without a date.
 * @param {string | null | undefined} till
 * @param {number} [now]
 * @returns {number | null}
 */
export function daysLeft(till, now = Date.now()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(till ?? '').trim());
  if (!m) return null;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const t = new Date(now);
  const today = Date.UTC(t.getFullYear(), t.getMonth(), t.getDate());
  return Math.round((day - today) / DAY_MS);
}

/**
 * "Expired" (days < 0) or "Expiring" (0..window days), as a word and a class (the colour is
 * never the only sign); null otherwise.
 * @param {number | null} days
 * @param {number} window
 * @returns {{ text: string, class: string } | null}
 */
export function expiryFlag(days, window) {
  if (days === null) return null;
  if (days < 0) return { text: 'Expired', class: 'flag-expired' };
  if (days <= window) return { text: 'Expiring', class: 'flag-expiring' };
  return null;
}

/**
 * Runs a view's load into `out`: while it runs, what `out` shows is marked as old (a note and
 * `data-refreshing`). When the load fails or is cancelled, the old results go, unless the page's
 * error handling (alerts.js `run`) kept them marked as from before the error (`data-stale`):
 * never old results under a new error as if they were current. `load` returns true when it
 * rendered.
 * @param {HTMLElement} out
 * @param {() => Promise<boolean | undefined>} load
 * @returns {Promise<boolean>}
 */
export async function refreshing(out, load) {
  out.querySelector(':scope > .stale-note')?.remove();
  if (out.childElementCount) {
    out.dataset.refreshing = 'true';
    out.prepend(h('p', { class: 'stale-note', text: 'Loading… the results below are from the previous request.' }));
  }
  const ok = (await load()) === true;
  delete out.dataset.refreshing;
  out.querySelector(':scope > .stale-note')?.remove();
  if (!ok && !out.hasAttribute('data-stale')) out.replaceChildren();
  return ok;
}

/**
 * After a search the user asked for: when the first result is not on the screen, scrolls the
 * form's buttons to the top, so the results (just under them) are (on a phone the filters fill
 * more than a screen).
 * @param {HTMLElement} form
 * @param {HTMLElement} out
 */
export function reveal(form, out) {
  const first = out.querySelector('tbody tr') ?? out.firstElementChild;
  if (!first) return;
  const r = first.getBoundingClientRect();
  if (r.bottom <= window.innerHeight && out.getBoundingClientRect().top >= 0) return;
  (form.querySelector('.field-actions') ?? out).scrollIntoView({ block: 'start' });
}

/** A time stamp for file names: 20251101-120000 (local time). */
export function fileStamp() {
  const d = new Date();
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * Hands `blob` to the browser as a download named `name`.
 * @param {Blob} blob
 * @param {string} name
 */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Downloads `csv` as `name` and notes it at the top of `out` (`.export-note`).
 * @param {HTMLElement} out
 * @param {string} name
 * @param {string} csv
 * @param {string} what e.g. "1,234 orders"
 */
export function downloadCsv(out, name, csv, what) {
  const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
  saveBlob(blob, name);
  out.querySelector('.export-note')?.remove();
  out.prepend(h('p', { class: 'status export-note', text: `Downloaded ${name}: ${what}, ${bytes(blob.size)}.` }));
}
