// Alerts and actions: `run`, which every view's action goes through (busy state, a Cancel button,
// what the client is waiting for, focus kept on the control used, errors placed in the panel in
// use); errors written for people with the technical facts folded away; form problems; the
// polite live region.

import { $, h } from './dom.js';
import { state } from './state.js';

/** @typedef {import('../pkg-template/index.js').CertCentralError} CertCentralError */

/**
 * The one alert region (role=alert). It moves to the panel whose action failed (after that
 * panel's form), and back to the top of the page for errors of no panel.
 */
const alerts = $('alerts');
const alertsHome = { parent: /** @type {HTMLElement} */ (alerts.parentElement), next: alerts.nextSibling };

/** What the connection panel last set up (see `setConnectionInfo`). */
const conn = { viaProxy: true, maxAttempts: 3, timeoutMs: 30_000 };

/**
 * Tells the error texts how the client is set up: through the page's proxy or direct, and its
 * attempts and per-attempt timeout (for "attempt 2 of 3" and honest timeout messages).
 * @param {{ viaProxy: boolean, maxRetries: number, timeoutMs: number }} info
 */
export function setConnectionInfo({ viaProxy, maxRetries, timeoutMs }) {
  conn.viaProxy = viaProxy;
  conn.maxAttempts = maxRetries + 1;
  conn.timeoutMs = timeoutMs;
}

/**
 * @param {unknown} e
 * @returns {e is CertCentralError}
 */
export function isCcError(e) {
  return e !== null && typeof e === 'object' && (state.pkg && e instanceof state.pkg.CertCentralError || /** @type {{ name?: unknown }} */ (e).name === 'CertCentralError');
}
/** @param {any} e */
const isAbort = (e) => isCcError(e) && e.kind === 'aborted' || e?.name === 'AbortError';

/** Seconds for people: "0.4 s", "12 s", "1 min 31 s". */
function secs(ms) {
  const s = ms / 1000;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** "voucher order 123" / "order 123" from a request URL, or null. */
function recordOf(url) {
  const path = String(url ?? '').split('?', 1)[0];
  let m = /\/voucher\/(\d+)\/?$/.exec(path);
  if (m) return `voucher order ${m[1]}`;
  m = /\/order\/certificate\/(\d+)\/reissue\/?$/.exec(path);
  if (m) return `order ${m[1]}`;
  return null;
}

/**
 * What happened and what to do, in plain sentences.
 * @param {any} err a CertCentralError
 * @param {{ elapsedMs: number, attempts: number } | undefined} run what the action went through
 * @returns {{ what: string, todo: string }}
 */
function explain(err, run) {
  const first = err.errors?.[0];
  const apiMsg = first?.message ? ` CertCentral said: “${first.message}”` : '';
  const code = String(first?.code ?? '');
  const wait = run ? ` after ${secs(run.elapsedMs)} and ${run.attempts} attempt${run.attempts === 1 ? '' : 's'}` : '';
  const keyWhere = conn.viaProxy ? 'check the key the proxy holds (DIGICERT_API_KEY where the proxy runs)' : 'check the API key in the connection panel (under “Direct”)';
  switch (err.kind) {
    case 'http': {
      const s = Number(err.status);
      if (s === 401 || s === 403 || code.startsWith('access_denied')) {
        return { what: 'The API key was refused.', todo: `${keyWhere[0].toUpperCase()}${keyWhere.slice(1)}; it must be a valid CertCentral API key with access to these records.` };
      }
      if (s === 404) {
        const rec = recordOf(err.url);
        return rec
          ? { what: `No ${rec} in this account.`, todo: 'Check the id: it may belong to another account or have been deleted.' }
          : { what: 'The API does not know this address (404).', todo: 'Check the base URL in the connection panel.' };
      }
      if (s === 429) {
        const after = err.retryAfterMs !== null && err.retryAfterMs !== undefined ? `in about ${secs(err.retryAfterMs)}` : 'in a minute';
        return { what: `CertCentral's rate limit was reached and the retries ran out${wait}.`, todo: `Try again ${after}; other users of the same key share the limit.` };
      }
      if (s === 504 && code === 'upstream_timeout') {
        return { what: `CertCentral did not answer the proxy in time${wait}.`, todo: 'CertCentral may be slow or down: try again later.' };
      }
      if (s === 502 && code.startsWith('upstream')) {
        return { what: `The proxy could not get an answer from CertCentral${wait}.`, todo: 'Check the proxy’s upstream address and network, or try again later.' };
      }
      if (s === 408) {
        return { what: `CertCentral gave up waiting for the request (HTTP 408)${wait}.`, todo: 'Try again; if it keeps happening, the network between here and CertCentral is slow.' };
      }
      if (s >= 500) {
        return { what: `CertCentral had a problem (HTTP ${s})${wait}.${apiMsg}`, todo: 'This is on the server’s side: try again in a few minutes.' };
      }
      return { what: `CertCentral refused the request (HTTP ${s}).${apiMsg}`, todo: 'Check the values in the form.' };
    }
    case 'network':
      return { what: `The server could not be reached${wait}.`, todo: conn.viaProxy ? 'Check your network connection and that this site’s proxy is running.' : 'Check the base URL and your network connection.' };
    case 'timeout': {
      const n = run?.attempts ?? 1;
      const each = secs(conn.timeoutMs);
      return {
        what: `No complete answer: waited ${run ? secs(run.elapsedMs) : each} in all, over ${n} attempt${n === 1 ? '' : 's'} of up to ${each} each.`,
        todo: 'The server may be overloaded or unreachable: try again later, or allow more time per attempt under “Timeouts and retries”.',
      };
    }
    case 'decode':
      return { what: 'The answer was not what CertCentral sends.', todo: 'The base URL may point to something other than the API (a login or maintenance page): check it.' };
    case 'invalid_input':
      return { what: `The request was not sent: ${err.message}.`, todo: 'Correct the value and try again.' };
    case 'csv':
      return { what: `The file is not a valid used-codes CSV export (line ${err.line ?? '?'}, column ${err.column ?? '?'}).`, todo: 'Export the CSV from CertCentral again, or fix the file at that place.' };
    default:
      return { what: `The request failed (${err.kind}).`, todo: 'Try again.' };
  }
}

/**
 * Puts the alert region in `panel` (after its form, before its results), or back at the top.
 * @param {Element | null} panel
 */
function placeAlerts(panel) {
  if (!panel) {
    if (alerts.parentElement !== alertsHome.parent) alertsHome.parent.insertBefore(alerts, alertsHome.next);
    return;
  }
  const anchor = statusOf(panel);
  if (anchor.nextSibling !== alerts) anchor.after(alerts);
}

/**
 * Renders `err` into the alert region.
 * @param {string} context
 * @param {any} err
 * @param {{ elapsedMs: number, attempts: number }} [run]
 */
function renderError(context, err, run) {
  const box = h('div', { class: 'alert alert-error' });
  const close = h('button', { type: 'button', class: 'alert-close', 'aria-label': 'Dismiss error', text: '×', onclick: () => box.remove() });
  if (isCcError(err)) {
    const { what, todo } = explain(err, run);
    box.append(close,
      h('p', { class: 'alert-title' }, h('strong', { text: `${context}: ` }), h('span', { class: 'alert-what', text: what })),
      h('p', { class: 'alert-todo', text: todo }));
    /** @type {[string, string][]} */
    const facts = [['Kind', err.kind]];
    if (err.status !== null && err.status !== undefined) facts.push(['Status', String(err.status)]);
    if (err.line !== null && err.line !== undefined) facts.push(['Line', String(err.line)]);
    if (err.column !== null && err.column !== undefined) facts.push(['Column', String(err.column)]);
    if (err.retryAfterMs !== null && err.retryAfterMs !== undefined) facts.push(['Retry after', `${err.retryAfterMs} ms`]);
    if (run) facts.push(['Waited', `${secs(run.elapsedMs)} (${run.attempts} attempt${run.attempts === 1 ? '' : 's'})`]);
    const more = h('details', { class: 'alert-details' }, h('summary', { text: 'Technical details' }),
      h('dl', { class: 'alert-facts' }, facts.map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', { class: `fact-${k.toLowerCase().replace(' ', '-')}`, text: v })))));
    if (err.errors?.length) {
      more.append(h('ul', { class: 'alert-codes' }, err.errors.map((e) =>
        h('li', {}, h('code', { class: 'err-code', text: e.code || '(no code)' }), ' ', h('span', { class: 'err-message', text: e.message || '' })))));
    } else {
      more.append(h('p', { class: 'alert-message', text: err.message }));
    }
    if (err.url) more.append(h('p', { class: 'alert-url' }, 'Request: ', h('code', { text: err.url })));
    box.append(more);
  } else {
    const name = err?.name || typeof err;
    const msg = err?.message ?? String(err);
    box.append(close,
      h('p', { class: 'alert-title' }, h('strong', { text: `${context}: ` }), h('span', { class: 'alert-what', text: 'something unexpected went wrong in the page.' })),
      h('p', { class: 'alert-todo', text: 'Reload the page and try again.' }),
      h('details', { class: 'alert-details' }, h('summary', { text: 'Technical details' }),
        h('p', { class: 'alert-message', text: `${name}: ${msg}` })));
  }
  alerts.replaceChildren(box);
  box.scrollIntoView({ block: 'nearest' });
}

/**
 * Shows `err` at the top of the page under the heading `context` (errors of no panel: the
 * package failed to load, an uncaught exception).
 * @param {string} context
 * @param {any} err
 */
export function showError(context, err) {
  placeAlerts(null);
  renderError(context, err);
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

// The skip link moves focus to the content without touching the URL's hash (the page may keep
// its own state there); without scripts its href does the same.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  $('main').focus();
});

/** Shows what nothing else caught (an aborted call is not an error). */
export function showUncaught() {
  window.addEventListener('error', (e) => showError('Unexpected error', e.error ?? new Error(e.message)));
  window.addEventListener('unhandledrejection', (e) => {
    if (!isAbort(e.reason)) showError('Unexpected error', e.reason);
  });
}

// ---------------------------------------------------------------------------------------------
// Actions

/**
 * One action in flight.
 * @typedef {object} Action
 * @property {string} context
 * @property {Element | null} panel
 * @property {AbortController} ctl
 * @property {boolean} cancelled the person pressed Cancel
 * @property {number} started performance.now() at the start
 * @property {number} attempts attempts the client started for it (from onRequest)
 * @property {ReturnType<typeof setInterval> | 0} countdown the rate-limit countdown's timer
 * @property {ReturnType<typeof setTimeout> | 0} queued the timer of the "waiting for its turn" notice
 */

/** Actions in flight, oldest first (the client's hooks report to one of them: `current`). */
/** @type {Action[]} */
const inFlight = [];
/** How many actions hold each element busy (an element is enabled again at zero). */
/** @type {Map<Element, number>} */
const holds = new Map();

/** @param {Element} el @param {1 | -1} d */
function hold(el, d) {
  const n = (holds.get(el) ?? 0) + d;
  if (n > 0) holds.set(el, n); else holds.delete(el);
  return n;
}

/**
 * The panel's status line (role=status): "Working…", "Attempt 2 of 3…", "Cancelled.". Made once
 * per panel, right after its form, so screen readers know the live region before it speaks.
 * @param {Element} panel
 * @returns {HTMLElement}
 */
function statusOf(panel) {
  const found = /** @type {HTMLElement | null} */ (panel.querySelector(':scope > .run-status'));
  if (found) return found;
  const el = h('p', { class: 'status run-status', role: 'status' });
  const form = panel.querySelector(':scope > form, :scope > .dropzone');
  if (form) form.after(el); else panel.append(el);
  return el;
}
for (const p of document.querySelectorAll('[role=tabpanel], #conn-card')) statusOf(p);

/**
 * @param {Action} a
 * @param {string} text
 */
function say(a, text) {
  if (!a.panel) return;
  // A newer action in the same panel owns its status line.
  if (inFlight.slice(inFlight.indexOf(a) + 1).some((b) => b.panel === a.panel)) return;
  statusOf(a.panel).textContent = text;
}

/** Which requests each panel's actions make (the path of the URL the hooks see). */
/** @type {Record<string, RegExp>} */
const PANEL_PATHS = {
  'conn-card': /\/account\/subaccount\/order\b/,
  'panel-codes': /\/voucher\/download\/used-codes\b/,
  'panel-csv': /\/voucher\/download\/used-codes\b/,
  'panel-voucher': /\/voucher\/\d/,
  'panel-reissues': /\/order\/certificate\/\d+\/reissue\b/,
  'panel-orders': /\/account\/subaccount\/order\b/,
};

/**
 * The action a hook's event belongs to: the newest in flight whose panel makes requests like
 * its URL (a Load all still paging must not take a search's status line), else the newest.
 * @param {{ url?: string }} e
 * @returns {Action | undefined}
 */
function current(e) {
  const path = (() => { try { return new URL(String(e.url), location.href).pathname; } catch { return ''; } })();
  for (let i = inFlight.length - 1; i >= 0; i--) {
    const a = inFlight[i];
    if (a.panel && PANEL_PATHS[a.panel.id]?.test(path)) return a;
  }
  return inFlight[inFlight.length - 1];
}

/** How long an action may wait for its first request to be sent before the panel says why. */
const TURN_NOTICE_MS = 1000;

/**
 * The client's `onRequest` hook: "attempt n of m" once an attempt failed.
 * @param {{ attempt: number, url?: string }} e
 */
export function onAttempt(e) {
  const a = current(e);
  if (!a) return;
  if (a.queued) { clearTimeout(a.queued); a.queued = 0; }
  a.attempts = Math.max(a.attempts, e.attempt + 1);
  stopCountdown(a);
  say(a, e.attempt > 0 ? `Attempt ${e.attempt + 1} of ${conn.maxAttempts}…` : 'Working…');
}

/**
 * The client's `onResponse` hook: says that a failed attempt will be retried.
 * @param {{ attempt: number, status: number, url?: string }} e
 */
export function onAttemptAnswer(e) {
  const a = current(e);
  if (!a) return;
  const retriable = e.status === 408 || e.status === 429 || e.status >= 500;
  if (retriable && e.attempt + 1 < conn.maxAttempts) {
    say(a, `Attempt ${e.attempt + 1} of ${conn.maxAttempts} got HTTP ${e.status}; trying again…`);
  }
}

/**
 * The client's `onRateLimit` hook: a countdown while the queue waits.
 * @param {{ retryAfterMs: number, url?: string }} e
 */
export function onRateLimitWait(e) {
  const a = current(e);
  if (!a) return;
  stopCountdown(a);
  const until = performance.now() + e.retryAfterMs;
  const tickText = () => `Waiting for the rate limit, about ${Math.max(1, Math.ceil((until - performance.now()) / 1000))} s…`;
  say(a, tickText());
  a.countdown = setInterval(() => {
    if (performance.now() >= until) stopCountdown(a); else say(a, tickText());
  }, 1000);
}

/** @param {Action} a */
function stopCountdown(a) {
  if (a.countdown) clearInterval(a.countdown);
  a.countdown = 0;
}

/**
 * Stops the action of `context` in flight, silently (no "Cancelled"): a newer action or a change
 * of the connection replaced it.
 * @param {string} context
 */
export function cancelRun(context) {
  for (const a of inFlight) if (a.context === context) a.ctl.abort();
}

/**
 * A way to find the control that had focus again after the action re-rendered it: its id, or
 * its classes inside the same panel (a pager's "Next").
 * @param {Element | null} el
 * @returns {() => HTMLElement | null}
 */
function focusFinder(el) {
  if (!(el instanceof HTMLElement) || el === document.body) return () => null;
  const panel = el.closest('[role=tabpanel], .card');
  const id = el.id;
  const cls = [...el.classList].map((c) => `.${CSS.escape(c)}`).join('');
  const tag = el.tagName.toLowerCase();
  return () => {
    if (el.isConnected) return el;
    if (id) return document.getElementById(id);
    return cls && panel ? /** @type {HTMLElement | null} */ (panel.querySelector(`${tag}${cls}`)) : null;
  };
}

/**
 * @param {HTMLElement | null} el
 * @returns {boolean}
 */
const focusable = (el) => !!el && el.isConnected && !(/** @type {HTMLButtonElement} */ (el).disabled) && !el.closest('[hidden]');

/**
 * Runs an action for a view. `fn` gets an AbortSignal that the panel's Cancel button (shown while
 * the action runs), a newer action of the same context, or a connection change aborts; pass it
 * to every client call (`{ signal }`). Meanwhile the busy buttons are disabled (except those
 * marked `data-never-lock`), the panel says what the client waits for ("attempt 2 of 3",
 * "waiting for the rate limit"), and focus stays on (or comes back to) the control used. An
 * error shows in the panel, after its form; a cancel is not an error ("Cancelled.").
 * Returns the action's value, or undefined when it failed or was cancelled.
 * @template T
 * @param {string} context
 * @param {HTMLButtonElement[]} busyEls
 * @param {(signal: AbortSignal) => Promise<T>} fn
 * @param {{ cancelButton?: HTMLButtonElement, requests?: boolean }} [options] `cancelButton`: the
 *   panel's own Cancel (Load all has one beside its progress bar): run adds no second one, and
 *   that one cancels. `requests: false`: the action sends no request (a download of what is
 *   loaded, a local parse), so a slow one is not said to wait for its turn.
 * @returns {Promise<T | undefined>}
 */
export async function run(context, busyEls, fn, options = {}) {
  cancelRun(context);
  const panel = busyEls[0]?.closest('[role=tabpanel], .card') ?? null;
  const used = document.activeElement;
  const findUsed = focusFinder(used);
  /** @type {Action} */
  const a = { context, panel, ctl: new AbortController(), cancelled: false, started: performance.now(), attempts: 0, countdown: 0, queued: 0 };
  inFlight.push(a);
  clearErrors();
  const results = panel?.querySelector('.results');
  results?.removeAttribute('data-stale');
  say(a, 'Working…');
  // No request sent yet after a second: it waits in the client's queue (one request at a
  // time per key, within DigiCert's rate limit), behind another panel's or the limit's window.
  if (options.requests !== false) a.queued = setTimeout(() => {
    a.queued = 0;
    if (a.attempts === 0 && inFlight.includes(a)) say(a, 'Waiting for its turn: requests go to CertCentral one at a time, within its rate limit…');
  }, TURN_NOTICE_MS);

  const onCancel = () => { a.cancelled = true; a.ctl.abort(); };
  const ownCancel = options.cancelButton ?? null;
  /** @type {HTMLButtonElement | null} */
  let cancelBtn = ownCancel;
  const last = busyEls[busyEls.length - 1];
  if (ownCancel) {
    ownCancel.addEventListener('click', onCancel);
  } else if (last?.parentElement) {
    cancelBtn = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn btn-danger run-cancel', text: 'Cancel', 'aria-label': `Cancel: ${context}` }));
    cancelBtn.addEventListener('click', onCancel);
    last.parentElement.append(cancelBtn);
  }
  const locked = busyEls.filter((el) => !el.hasAttribute('data-never-lock'));
  // A button about to be disabled would drop focus to the page: Cancel takes it meanwhile.
  if (cancelBtn && used instanceof HTMLButtonElement && locked.includes(used)) cancelBtn.focus();
  for (const el of locked) { hold(el, 1); el.disabled = true; }
  if (panel) { hold(panel, 1); panel.setAttribute('aria-busy', 'true'); }

  try {
    const value = await fn(a.ctl.signal);
    say(a, '');
    return value;
  } catch (e) {
    if (e instanceof InputError) {
      say(a, '');
      placeAlerts(panel);
      showInputError(context, e);
    } else if (isAbort(e)) {
      say(a, a.cancelled ? 'Cancelled.' : '');
    } else {
      say(a, '');
      placeAlerts(panel);
      renderError(context, e, { elapsedMs: performance.now() - a.started, attempts: Math.max(1, a.attempts) });
      // Results from before the error stay, marked as such.
      if (results?.childElementCount) {
        results.setAttribute('data-stale', '');
        alerts.firstElementChild?.append(h('p', { class: 'alert-stale', text: 'The results below are from before this error.' }));
      }
    }
    return undefined;
  } finally {
    stopCountdown(a);
    if (a.queued) clearTimeout(a.queued);
    inFlight.splice(inFlight.indexOf(a), 1);
    const cancelHadFocus = cancelBtn !== null && document.activeElement === cancelBtn;
    if (ownCancel) ownCancel.removeEventListener('click', onCancel);
    else cancelBtn?.remove();
    for (const el of locked) if (hold(el, -1) === 0) el.disabled = false;
    if (panel && hold(panel, -1) === 0) panel.removeAttribute('aria-busy');
    // Focus back on the control used, unless the person has moved on meanwhile.
    const now = document.activeElement;
    if (cancelHadFocus || !now || now === document.body || now === used) {
      const target = findUsed();
      if (focusable(target)) target?.focus();
      else if (cancelHadFocus || !used?.isConnected) {
        const fallback = locked[0] ?? busyEls[0];
        if (focusable(fallback)) fallback.focus();
      }
    }
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
