// Form readers: optional and required fields, date filters, and the date mode selects.

import { $, $input, $select } from './dom.js';
import { InputError } from './alerts.js';

/**
 * A text field's trimmed value, or undefined when empty.
 * @param {string} id an input or a select
 * @returns {string | undefined}
 */
export function optText(id) {
  const v = /** @type {HTMLInputElement | HTMLSelectElement} */ ($(id)).value.trim();
  return v === '' ? undefined : v;
}

/**
 * A whole number field, or undefined when empty.
 * @param {string} id
 * @param {string} what the field's name in messages
 * @returns {number | undefined}
 */
export function optInt(id, what) {
  const el = $input(id);
  const raw = el.value.trim();
  if (raw === '' && !el.validity?.badInput) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`${what} must be a whole number.`);
  return n;
}

/**
 * A whole number field that must be filled in.
 * @param {string} id
 * @param {string} what
 * @returns {number}
 */
export function reqInt(id, what) {
  const n = optInt(id, what);
  if (n === undefined) throw new InputError(`Enter a ${what.toLowerCase()}.`);
  return n;
}

/**
 * A DateFilter from a mode select and two date inputs, or undefined.
 * @param {string} prefix
 * @param {string} what
 * @returns {import('../pkg-template/index.js').DateFilter | undefined}
 */
export function dateFilter(prefix, what) {
  const mode = $select(`${prefix}-date-mode`).value;
  const from = $input(`${prefix}-date-from`).value;
  const to = $input(`${prefix}-date-to`).value;
  switch (mode) {
    case 'range':
      if (!from && !to) throw new InputError(`${what}: pick a start and/or end date.`);
      // ISO dates (yyyy-mm-dd) compare as text.
      if (from && to && from > to) throw new InputError(`${what}: the start date (${from}) is after the end date (${to}). Swap them or pick another range.`);
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

/**
 * Enables the date inputs that the mode uses.
 * @param {string} prefix
 */
export function wireDateMode(prefix) {
  const mode = $select(`${prefix}-date-mode`);
  const from = $input(`${prefix}-date-from`);
  const to = $input(`${prefix}-date-to`);
  const fromLabel = /** @type {HTMLLabelElement} */ (document.querySelector(`label[for="${prefix}-date-from"]`));
  const base = String(fromLabel.textContent).split(':')[0];
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

/**
 * `obj` without its undefined entries.
 * @template {Record<string, unknown>} T
 * @param {T} obj
 * @returns {Partial<T>}
 */
export function dropEmpty(obj) {
  return /** @type {Partial<T>} */ (Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)));
}
