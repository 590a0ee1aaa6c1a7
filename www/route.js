// The URL's hash names the view and what it shows, so an id in a result opens its record with a
// plain link, the browser's Back button returns to the previous view, and a URL opens the same
// view again:
//
//   #codes?voucher=456&sort=id   used voucher codes with those form values (offset=N: later page)
//   #voucher/456                 a voucher order
//   #reissues/123?archived=1     an order's reissued certificates
//   #orders?status=issued        subaccount orders (all=1: every order, as "Load all")
//   #csv, #voucher               a tab alone (no `/id`, no `?`): shows the panel, loads nothing
//
// Only form values go in the hash (never the key: it is not a form field of any view), and the
// controls that only change how results are shown (`display`: `#orders?all=1&expiry=30`). A view
// registers its fields and its `load`; a form's submit calls `go`, which puts the form in the
// hash; the `hashchange` then fills the form from the hash and loads. A view remembers the hash
// it shows, so Back to it shows the panel again without a new request.

import { $ } from './dom.js';
import { showTab } from './tabs.js';

/**
 * @typedef {object} Route
 * @property {string} panel
 * @property {string | null} id the record id after `/`, as it was typed
 * @property {URLSearchParams} params
 * @property {boolean} load false for a bare tab
 * @property {boolean} reveal the user asked for it (a link, a form, Back): scroll the results into view
 */

/**
 * @typedef {object} View
 * @property {string[]} fields form fields kept in the hash (element id `<panel>-<field>`)
 * @property {string[]} [extra] other params the view reads (offset, all), in this order
 * @property {string[]} [display] controls that change only how the loaded results are shown
 *   (the expiry filter, "all columns"): kept in the hash, after the others, but never a reason
 *   to load again (see `displayed`)
 * @property {() => void} [redisplay] draws the loaded results again (after a display control
 *   was set from the hash)
 * @property {boolean} [hasId] the route holds `/<id>` (the field `<panel>-id`)
 * @property {(route: Route) => Promise<boolean>} load shows the route; true when it did
 */

/** @type {Map<string, View & { shown: string | null, token: number }>} */
const views = new Map();

/** The panel shown for an empty or unknown hash. */
const HOME = 'codes';

/**
 * @param {string} panel
 * @param {View} view
 */
export function register(panel, view) {
  views.set(panel, { ...view, shown: null, token: 0 });
}

/**
 * @param {string} panel
 * @param {string} f
 */
const field = (panel, f) => /** @type {HTMLInputElement | HTMLSelectElement} */ ($(`${panel}-${f}`));

/** @param {HTMLInputElement | HTMLSelectElement} el */
function valueOf(el) {
  return el instanceof HTMLInputElement && el.type === 'checkbox' ? (el.checked ? '1' : '0') : el.value;
}

/** The value the page starts with. @param {HTMLInputElement | HTMLSelectElement} el */
function defaultOf(el) {
  if (el instanceof HTMLSelectElement) return ([...el.options].find((o) => o.defaultSelected) ?? el.options[0])?.value ?? '';
  return el.type === 'checkbox' ? (el.defaultChecked ? '1' : '0') : el.defaultValue;
}

/**
 * @param {HTMLInputElement | HTMLSelectElement} el
 * @param {string} v
 */
function setValue(el, v) {
  if (el instanceof HTMLInputElement && el.type === 'checkbox') {
    el.checked = v === '1';
    return;
  }
  if (el.value === v) return;
  el.value = v;
  // The date mode selects enable their date inputs on change (form.js).
  if (el instanceof HTMLSelectElement) el.dispatchEvent(new Event('change'));
}

/**
 * The one spelling of a view's hash: fields in their order, defaults left out; the display
 * controls last, unless `load` (the key of what a load fetched: display controls excluded).
 * @param {string} panel
 * @param {string | null} id
 * @param {(f: string) => string | null} get
 * @param {boolean} [load]
 * @returns {string}
 */
function canonical(panel, id, get, load = false) {
  const v = views.get(panel);
  if (!v) return `#${panel}`;
  const p = new URLSearchParams();
  for (const f of v.fields) {
    const val = get(f);
    if (val !== null && val !== defaultOf(field(panel, f))) p.set(f, val);
  }
  for (const f of v.extra ?? []) {
    const val = get(f);
    if (val) p.set(f, val);
  }
  if (!load) {
    for (const f of v.display ?? []) {
      const val = get(f);
      if (val !== null && val !== defaultOf(field(panel, f))) p.set(f, val);
    }
  }
  const q = p.toString();
  if (v.hasId) return `#${panel}/${encodeURIComponent(id ?? '')}${q ? `?${q}` : ''}`;
  return `#${panel}?${q}`;
}

/**
 * Reads a hash.
 * @param {string} hash
 * @returns {Route}
 */
export function parse(hash) {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const slash = path.indexOf('/');
  let panel = slash < 0 ? path : path.slice(0, slash);
  let id = slash < 0 ? null : safeDecode(path.slice(slash + 1));
  let load = id !== null || q >= 0;
  if (!document.getElementById(`panel-${panel}`)) {
    panel = HOME; // empty or unknown: the first view, as on a plain visit
    id = null;
    load = true;
  }
  return { panel, id, params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)), load, reveal: true };
}

/** @param {string} s */
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What a load of `r` fetches (its display controls left out). @param {Route} r */
const keyOf = (r) => canonical(r.panel, r.id, (f) => r.params.get(f), true);

/**
 * The hash of a view's form as it is now, with `extra` params (offset, all).
 * @param {string} panel
 * @param {Record<string, string | number | undefined>} [extra]
 */
export function formHash(panel, extra = {}) {
  const v = views.get(panel);
  const fields = new Set(v?.fields ?? []);
  const shown = new Set(v?.display ?? []);
  const id = v?.hasId ? field(panel, 'id').value.trim() : null;
  return canonical(panel, id, (f) => (fields.has(f) || shown.has(f) ? valueOf(field(panel, f)) : extra[f] === undefined ? null : String(extra[f])));
}

/**
 * A display control of `panel` changed: the URL's hash takes its new value in place (no new
 * history entry, no load), when the hash shows that view's results.
 * @param {string} panel
 */
export function displayed(panel) {
  const r = parse(location.hash);
  const v = views.get(panel);
  if (!v || r.panel !== panel || !r.load) return;
  const shown = new Set(v.display ?? []);
  const hash = canonical(panel, r.id, (f) => (shown.has(f) ? valueOf(field(panel, f)) : r.params.get(f)));
  if (hash !== location.hash) history.replaceState(history.state, '', hash);
}

/**
 * Shows `hash`: a new history entry, or the same one again (then it loads anew: a repeated
 * search is a refresh).
 * @param {string} hash
 */
export function navigate(hash) {
  const now = parse(location.hash);
  if (now.load && keyOf(now) === hash) void handle(true);
  else location.hash = hash;
}

/**
 * Puts a view's form in the hash (and so loads it).
 * @param {string} panel
 * @param {Record<string, string | number | undefined>} [extra]
 */
export function go(panel, extra) {
  navigate(formHash(panel, extra));
}

/**
 * A tab the user picked: its view's hash (what it shows, or the bare tab) becomes the URL's.
 * @param {string} name
 * @param {'push' | 'replace'} how
 */
export function pickTab(name, how) {
  const hash = views.get(name)?.shown ?? `#${name}`;
  if (location.hash === hash) return;
  if (how === 'replace') history.replaceState(history.state, '', hash);
  else location.hash = hash;
}

/**
 * Shows the view the hash names: selects its tab and, unless the view already shows this
 * hash (or `force`), fills its form from the hash and loads.
 * @param {boolean} [force]
 * @param {boolean} [reveal]
 */
export async function handle(force = false, reveal = true) {
  const r = parse(location.hash);
  r.reveal = reveal;
  showTab(r.panel);
  // A link in the panel just left had the focus: give it to the tab now shown.
  const active = document.activeElement;
  if (active instanceof HTMLElement && active !== document.body && active.closest('[hidden]')) showTab(r.panel, true);
  const v = views.get(r.panel);
  if (!v || !r.load) return;
  for (const f of v.display ?? []) setValue(field(r.panel, f), r.params.get(f) ?? defaultOf(field(r.panel, f)));
  const key = keyOf(r);
  if (!force && v.shown === key) {
    v.redisplay?.();
    return;
  }
  for (const f of v.fields) setValue(field(r.panel, f), r.params.get(f) ?? defaultOf(field(r.panel, f)));
  if (v.hasId) field(r.panel, 'id').value = r.id ?? '';
  v.shown = null;
  const token = ++v.token;
  const ok = await v.load(r);
  if (token === v.token) v.shown = ok ? key : null;
}

/** Until `startRoutes`: a hash change selects its tab and loads nothing (no client yet). */
let started = false;

/** Selects the hash's tab at once (before the package has loaded), and follows hash changes. */
export function wireRoutes() {
  showTab(parse(location.hash).panel);
  window.addEventListener('hashchange', () => {
    if (started) void handle();
    else showTab(parse(location.hash).panel);
  });
}

/**
 * From now on hash changes load their view; `load`: show the current hash's view now (after
 * the first connect; not when it failed: the error stays the page's news).
 * @param {boolean} load
 */
export async function startRoutes(load) {
  started = true;
  if (load) await handle(false, false);
}
