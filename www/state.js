// What the views share: the package module, the current client, and the connection's
// generation.

/** @typedef {typeof import('../pkg-template/index.js')} Package */
/** @typedef {import('../pkg-template/index.js').Client} Client */

export const state = {
  /**
   * The package module (loaded dynamically so a missing build shows an error, not a blank page).
   * @type {Package | null}
   */
  pkg: null,
  /**
   * The current client, or null.
   * @type {Client | null}
   */
  client: null,
  /** Bumped on every connect, so late answers from an older client are ignored. */
  generation: 0,
};
