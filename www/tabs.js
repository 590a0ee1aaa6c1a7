// The tabs: click, or arrow keys / Home / End on a focused tab.

import { $ } from './dom.js';

/** Wires every `[role=tab]` of the page to the panel it controls. */
export function wireTabs() {
  const tabs = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('[role=tab]')]);
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
  for (const t of tabs) {
    t.addEventListener('click', () => selectTab(t));
    t.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(t);
      const to = /** @type {Record<string, number>} */ ({ ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 })[e.key];
      if (to === undefined) return;
      e.preventDefault();
      selectTab(tabs[(to + tabs.length) % tabs.length], true);
    });
  }
}
