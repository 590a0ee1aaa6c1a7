// Alerts: API errors and unexpected exceptions, shown plainly; form problems; the polite live
// region; and `run`, which every view's action goes through.

import { $, h } from './dom.js';
import { state } from './state.js';

/** @typedef {import('../pkg-template/index.js').CertCentralError} CertCentralError */

const alerts = $('alerts');

/**
 * @param {unknown} e
 * @returns {e is CertCentralError}
 */
export function isCcError(e) {
  return e !== null && typeof e === 'object' && (state.pkg && e instanceof state.pkg.CertCentralError || /** @type {{ name?: unknown }} */ (e).name === 'CertCentralError');
}
/** @param {any} e */
const isAbort = (e) => isCcError(e) && e.kind === 'aborted' || e?.name === 'AbortError';

/**
 * Shows `err` in the alert region under the heading `context`.
 * @param {string} context
 * @param {any} err
 */
export function showError(context, err) {
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

/**
 * A short message for screen readers (the polite live region).
 * @param {string} msg
 */
export function announce(msg) {
  $('announce').textContent = msg;
}

function clearErrors() {
  alerts.replaceChildren();
}

/** A plain validation problem in the form (shown like the API's errors). */
export class InputError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * @param {string} context
 * @param {InputError} err
 */
function showInputError(context, err) {
  const box = h('div', { class: 'alert alert-warn' },
    h('button', { type: 'button', class: 'alert-close', 'aria-label': 'Dismiss', text: '×', onclick: () => box.remove() }),
    h('p', { class: 'alert-title' }, h('strong', { text: context })),
    h('p', { class: 'alert-message', text: err.message }));
  alerts.replaceChildren(box);
}

/** Shows what nothing else caught (an aborted call is not an error). */
export function showUncaught() {
  window.addEventListener('error', (e) => showError('Unexpected error', e.error ?? new Error(e.message)));
  window.addEventListener('unhandledrejection', (e) => {
    if (!isAbort(e.reason)) showError('Unexpected error', e.reason);
  });
}

/**
 * Runs an action for a view: clears old errors, marks `busy` elements, shows errors.
 * Returns the action's value, or undefined when it failed.
 * @template T
 * @param {string} context
 * @param {HTMLButtonElement[]} busyEls
 * @param {() => Promise<T>} fn
 * @returns {Promise<T | undefined>}
 */
export async function run(context, busyEls, fn) {
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

/**
 * The current client; an InputError when not connected.
 * @returns {import('../pkg-template/index.js').Client}
 */
export function needClient() {
  if (!state.client) throw new InputError('Not connected: fill in the connection panel and press Connect.');
  return state.client;
}
