// The connection panel: the base URL (by default this site's key-holding proxy, /certcentral,
// so no key), and, folded away, a region and an API key for a direct connection; Connect (a
// client and a cheap check request), and the badge that says how it went. Folded away too: the
// per-attempt timeout and the retries. Connect is never locked: pressing it again, or changing
// any setting, stops the check in flight.

import { $, $button, $input, $select, num } from '../dom.js';
import { InputError, cancelRun, onAttempt, onAttemptAnswer, onRateLimitWait, run, setConnectionInfo } from '../alerts.js';
import { state } from '../state.js';
import { abortLoadAll } from './orders.js';

/** The proxy on this origin (scripts/demo-server.mjs); it adds the key upstream. */
const PROXY_BASE = '/certcentral';
/** @type {Record<string, string>} */
const REGION_BASE = {
  us: 'https://www.digicert.com/services/v2',
  eu: 'https://certcentral.digicert.eu/services/v2',
};

const baseInput = $input('conn-base');
const keyInput = $input('conn-key');
const regionSel = $select('conn-region');
const badge = $('conn-badge');
const connStatus = $('conn-status');

/**
 * @param {string} state one of the badge's styles: on, off, busy, warn
 * @param {string} label
 */
export function setBadge(state, label) {
  badge.className = `badge badge-${state}`;
  badge.textContent = label;
}

/** Prefills the panel (the proxy on this origin, no key) and wires it. */
export function wireConnection() {
  baseInput.value = PROXY_BASE;

  const presetBases = () => new Set([PROXY_BASE, ...Object.values(REGION_BASE), '']);
  regionSel.addEventListener('change', () => {
    const current = baseInput.value.trim().replace(/\/+$/, '');
    if (presetBases().has(current)) {
      baseInput.value = REGION_BASE[regionSel.value];
      connStatus.textContent = `Region ${regionSel.value.toUpperCase()}: base URL set. Press Connect.`;
    } else {
      connStatus.textContent = 'Custom base URL kept; clear the field to use the region.';
    }
  });

  $('conn-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    await connect();
  });

  // A changed setting makes the check in flight moot.
  const changed = () => {
    if (!checking) return;
    cancelRun(CONTEXT);
    setBadge('off', 'Not connected');
    connStatus.textContent = 'Connection settings changed: press Connect.';
  };
  for (const id of ['conn-base', 'conn-key', 'conn-region', 'conn-timeout', 'conn-retries']) {
    $(id).addEventListener('input', changed);
    $(id).addEventListener('change', changed);
  }
}

const CONTEXT = 'Connection check';
/** A connection check is in flight. */
let checking = false;

/**
 * A whole number field within bounds (the advanced options).
 * @param {string} id
 * @param {string} what
 * @param {number} min
 * @param {number} max
 * @param {number} fallback when empty
 */
function bounded(id, what, min, max, fallback) {
  const raw = $input(id).value.trim();
  if (raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`${what} must be a whole number from ${min} to ${max}.`);
  return n;
}

/**
 * Makes a client from the panel and checks it with one request.
 * @returns {Promise<boolean | undefined>} true when connected
 */
export async function connect() {
  const btn = $button('conn-connect');
  abortLoadAll();
  const gen = ++state.generation;
  const baseUrl = baseInput.value.trim();
  setBadge('busy', 'Connecting…');
  connStatus.textContent = '';
  // The old client is dropped, not free()d: a call of it may still be in flight.
  state.client = null;
  checking = true;
  /** @type {AbortSignal | null} */
  let check = null;
  const ok = await run(CONTEXT, [btn], async (signal) => {
    check = signal;
    const pkg = state.pkg;
    if (!pkg) throw new InputError('The certcentral-wasm package did not load (see the error above).');
    const timeoutMs = bounded('conn-timeout', 'Timeout per attempt', 1, 300, 30) * 1000;
    const maxRetries = bounded('conn-retries', 'Retries', 0, 5, 2);
    /** @type {import('../../pkg-template/index.js').ClientOptions} */
    const options = { timeoutMs, maxRetries, onRequest: onAttempt, onResponse: onAttemptAnswer, onRateLimit: onRateLimitWait };
    if (baseUrl) options.baseUrl = baseUrl; else options.region = /** @type {'us' | 'eu'} */ (regionSel.value);
    if (keyInput.value) options.apiKey = keyInput.value;
    setConnectionInfo({ viaProxy: baseUrl.startsWith('/'), maxRetries, timeoutMs });
    const c = await pkg.createClient(options);
    if (gen !== state.generation) { c.free?.(); return false; }
    state.client = c;
    // A cheap request that proves the URL and key work.
    const probe = await c.listSubaccountOrders({ limit: 1 }, { signal });
    if (gen !== state.generation) return false;
    const where = baseUrl ? (baseUrl.startsWith('/') ? `this site's proxy (${baseUrl})` : new URL(baseUrl).host) : `${regionSel.value.toUpperCase()} region`;
    connStatus.textContent = `Connected to ${where}: ${num(probe.page.total)} subaccount orders visible.`;
    setBadge('on', 'Connected');
    return true;
  });
  if (gen !== state.generation) return;
  checking = false;
  if (ok === undefined && connStatus.textContent === 'Connection settings changed: press Connect.') return;
  if (!ok) {
    // A client whose check failed or was cancelled stays usable (the views may still work).
    const client = state.client;
    const cancelled = /** @type {AbortSignal | null} */ (check)?.aborted === true;
    setBadge(client ? 'warn' : 'off', client ? (cancelled ? 'Not checked' : 'Connection check failed') : 'Not connected');
    connStatus.textContent = cancelled ? 'Check cancelled: press Connect to try again.' : client ? '' : 'Not connected.';
  }
  return ok;
}
