// The tabs: click, or arrow keys / Home / End on a focused tab. The URL's hash names the view
// (route.js): `showTab` selects a panel for it, and a tab the user picks is reported through
// `onPick` so the router can put it in the hash (a click is a new history entry, the arrow keys
// replace the current one).

import { $ } from './dom.js';

/** @type {HTMLElement[]} */
let tabs = [];

/**
 * Selects the tab whose panel is `panel-<name>`; false when there is none.
 * @param {string} name
 * @param {boolean} [focus]
 * @returns {boolean}
 */
export function showTab(name, focus = false) {
  const tab = tabs.find((t) => t.getAttribute('aria-controls') === `panel-${name}`);
  if (!tab) return false;
  selectTab(tab, focus);
  return true;
}

/**
 * @param {HTMLElement} tab
 * @param {boolean} [focus]
 */
function selectTab(tab, focus = false) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(String(t.getAttribute('aria-controls'))).hidden = !on;
  }
  if (focus) tab.focus();
}

/** @param {HTMLElement} tab */
const nameOf = (tab) => String(tab.getAttribute('aria-controls')).replace(/^panel-/, '');

/**
 * Wires every `[role=tab]` of the page to the panel it controls.
 * @param {(name: string, how: 'push' | 'replace') => void} [onPick] told of a tab the user picked
 */
export function wireTabs(onPick) {
  tabs = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('[role=tab]')]);
  for (const t of tabs) {
    t.addEventListener('click', () => { selectTab(t); onPick?.(nameOf(t), 'push'); });
    t.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(t);
      const to = /** @type {Record<string, number>} */ ({ ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 })[e.key];
      if (to === undefined) return;
      e.preventDefault();
      const next = tabs[(to + tabs.length) % tabs.length];
      selectTab(next, true);
      onPick?.(nameOf(next), 'replace');
    });
  }
}
