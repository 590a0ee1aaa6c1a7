// Requests in flight per API key, and the most seen at once: the witness of the client's
// "one request at a time" (DigiCert: "send requests sequentially (one at a time), and always
// wait for a response code before sending the next request in the queue").
//
// A request is in flight from its arrival until its answer is handed to the socket or its
// connection closes (a client that aborts a request frees its place). Keys are never
// reported: the control API names them by their position in the sandbox's `keys` (`#0`,
// `#1`, ...); any other key (or none) counts as `other`; `all` counts every key together.

/**
 * @typedef {object} InFlightCount
 * @property {number} current
 * @property {number} max the most at once since the start or the last reset
 */

/**
 * @typedef {object} InFlight
 * @property {(key: unknown) => () => void} enter counts a request of `key` in flight; call the
 *   returned function once when it is done (later calls do nothing)
 * @property {(key?: string) => number} max the most in flight at once for `key`, or for any one
 *   key when none is given
 * @property {(key?: string) => number} current in flight now for `key`, or over all keys
 * @property {() => number} maxAll the most in flight at once over all keys together
 * @property {() => { current: number, max: number, all: InFlightCount, byKey: Record<string, InFlightCount> }} report
 *   for the control API: `max` is the most for any one key, `all` over all keys; keys named
 *   `#i` / `other`
 * @property {() => void} reset every max back to the current count
 */

/**
 * @param {readonly string[]} keys the accepted keys, in order
 * @returns {InFlight}
 */
export function inFlightCounter(keys) {
  /** @type {Map<string, InFlightCount>} */
  const byLabel = new Map();
  /** @param {unknown} key */
  const label = (key) => {
    const i = typeof key === 'string' ? keys.indexOf(key) : -1;
    return i < 0 ? 'other' : `#${i}`;
  };
  /** @param {string} l */
  const count = (l) => {
    let c = byLabel.get(l);
    if (!c) byLabel.set(l, (c = { current: 0, max: 0 }));
    return c;
  };
  const maxOfAll = () => Math.max(0, ...[...byLabel.values()].map((c) => c.max));
  /** @type {InFlightCount} */
  const all = { current: 0, max: 0 };
  return {
    enter(key) {
      const c = count(label(key));
      c.current++;
      c.max = Math.max(c.max, c.current);
      all.current++;
      all.max = Math.max(all.max, all.current);
      let done = false;
      return () => {
        if (!done) {
          c.current--;
          all.current--;
        }
        done = true;
      };
    },
    maxAll: () => all.max,
    max: (key) => (key === undefined ? maxOfAll() : byLabel.get(label(key))?.max ?? 0),
    current: (key) => (key === undefined ? all.current : byLabel.get(label(key))?.current ?? 0),
    report() {
      /** @type {Record<string, InFlightCount>} */
      const byKey = {};
      for (const [l, c] of byLabel) byKey[l] = { ...c };
      return { current: all.current, max: maxOfAll(), all: { ...all }, byKey };
    },
    reset() {
      for (const c of byLabel.values()) c.max = c.current;
      all.max = all.current;
    },
  };
}
