// Pieces of the views' results: the summary line, the pager, empty notes, money, counts.

import { h, num, num1, EMPTY } from './dom.js';

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
