// The churn mode: the subaccount orders change between list requests, as a busy account's do
// while a script pages through them. Seeded, so a run is repeatable.
//
// Before every list request of `/account/subaccount/order` but the first, `rate` changes are
// applied (on average; a fractional rate is drawn per request): an order is inserted (an id
// larger than any before, so it lands at the front of the newest-first default order and at
// the end of `sort=id`), an existing order is deleted (anywhere), or an order is changed (its
// status, or its common name, which re-sorts it under `sort=common_name`). Every list request
// is numbered (`seq`, from 1); the witness records for every order the first request that saw
// it (`born`) and the first that no longer did (`died`), so a test can ask exactly which
// orders were present at every request from one to another.
//
// The witness is about presence in the dataset: it ignores filters (a status change can move
// an order in or out of a filtered result set), so the churn tests page without filters.

import { Rng } from '../data.mjs';

/** @typedef {import('../data.mjs').WireRecord} WireRecord */

/**
 * @typedef {object} ChurnOptions
 * @property {number} [seed=1] seeds the changes (independent of the dataset's seed)
 * @property {number} [rate=3] changes before each list request (mean; fractions drawn per request)
 * @property {{ insert?: number, delete?: number, change?: number }} [mix] relative weights,
 *   default 4 : 3 : 3
 */

/**
 * What happened before one list request.
 * @typedef {object} JournalEntry
 * @property {number} seq the request the changes came before
 * @property {number[]} inserted
 * @property {number[]} deleted
 * @property {number[]} changed
 */

/**
 * A dataset's churn: `beforeList()` applies the changes due before the next list request and
 * returns its number; the rest is the witness.
 * @typedef {object} Churn
 * @property {() => number} beforeList
 * @property {() => number} seq the number of the last list request (0 before the first)
 * @property {(from: number, to: number) => number[]} presentThroughout ids present at every
 *   list request from `from` to `to` (inclusive), ascending
 * @property {() => number[]} everExisted every id the dataset held at any time, ascending
 * @property {() => JournalEntry[]} journal the changes, request by request (a copy)
 * @property {() => { seq: number, inserted: number, deleted: number, changed: number }} summary
 */

const STATUSES = ['issued', 'pending', 'needs_approval', 'processing', 'rejected', 'canceled', 'revoked', 'reissue_pending'];
const NAMES = ['aardvark', 'bramble', 'cobalt', 'dune', 'ember', 'fjord', 'garnet', 'harbor', 'indigo', 'juniper', 'kestrel', 'lumen', 'meadow', 'nimbus', 'onyx', 'prairie', 'quartz', 'ridge', 'saffron', 'tundra', 'umber', 'vale', 'willow', 'yarrow', 'zephyr'];

/**
 * Sets up the churn of `dataset.subaccountOrders` (kept in ascending id order, as generated).
 * @param {import('../data.mjs').Dataset} dataset
 * @param {ChurnOptions} options
 * @returns {Churn}
 */
export function churn(dataset, { seed = 1, rate = 3, mix = {} } = {}) {
  if (!(Number.isFinite(rate) && rate >= 0)) throw new Error('churn rate must be a non-negative number');
  const weights = /** @type {[('insert' | 'delete' | 'change'), number][]} */ ([
    ['insert', mix.insert ?? 4], ['delete', mix.delete ?? 3], ['change', mix.change ?? 3],
  ]);
  const rng = new Rng(seed);
  const orders = dataset.subaccountOrders;
  /** @type {Map<number, number>} first list request that saw the order */
  const born = new Map();
  /** @type {Map<number, number>} first list request that no longer saw it */
  const died = new Map();
  for (const o of orders) born.set(o.id, 1);
  let maxId = orders.reduce((m, o) => Math.max(m, o.id), 0);
  let certId = orders.reduce((m, o) => Math.max(m, o.certificate?.id ?? 0), 0);
  let seq = 0;
  /** @type {JournalEntry[]} */
  const journal = [];
  const counts = { inserted: 0, deleted: 0, changed: 0 };

  /** @param {JournalEntry} entry */
  function insert(entry) {
    const template = orders.length ? rng.pick(orders) : null;
    /** @type {WireRecord} */
    const order = template ? structuredClone(template) : { subaccount: {}, product: {}, status: 'pending' };
    maxId += rng.int(1, 9);
    order.id = maxId;
    if (order.certificate) order.certificate.id = certId += rng.int(1, 40);
    order.status = 'pending';
    delete order.date_issued;
    order.date_created = new Date(Date.UTC(2025, 10, 1) + seq * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    orders.push(order);
    dataset.reissues.set(order.id, []);
    born.set(order.id, entry.seq);
    entry.inserted.push(order.id);
  }

  /** @param {JournalEntry} entry */
  function remove(entry) {
    if (!orders.length) return;
    const i = rng.int(0, orders.length - 1);
    const [order] = orders.splice(i, 1);
    died.set(order.id, entry.seq);
    entry.deleted.push(order.id);
  }

  /** @param {JournalEntry} entry */
  function change(entry) {
    if (!orders.length) return;
    const order = rng.pick(orders);
    if (order.certificate && rng.chance(0.5)) {
      order.certificate.common_name = `${rng.pick(NAMES)}-${order.id}.example`;
    } else {
      order.status = rng.pick(STATUSES.filter((s) => s !== order.status));
    }
    entry.changed.push(order.id);
  }

  return {
    beforeList() {
      seq++;
      if (seq > 1) {
        /** @type {JournalEntry} */
        const entry = { seq, inserted: [], deleted: [], changed: [] };
        const n = Math.floor(rate) + (rng.chance(rate - Math.floor(rate)) ? 1 : 0);
        for (let k = 0; k < n; k++) {
          const what = rng.weighted(weights);
          if (what === 'insert') insert(entry);
          else if (what === 'delete') remove(entry);
          else change(entry);
        }
        counts.inserted += entry.inserted.length;
        counts.deleted += entry.deleted.length;
        counts.changed += entry.changed.length;
        if (n) journal.push(entry);
      }
      return seq;
    },
    seq: () => seq,
    presentThroughout(from, to) {
      const ids = [];
      for (const [id, b] of born) {
        const d = died.get(id);
        if (b <= from && (d === undefined || d > to)) ids.push(id);
      }
      return ids.sort((a, b) => a - b);
    },
    everExisted: () => [...born.keys()].sort((a, b) => a - b),
    journal: () => journal.map((e) => ({ ...e, inserted: [...e.inserted], deleted: [...e.deleted], changed: [...e.changed] })),
    summary: () => ({ seq, ...counts }),
  };
}

/**
 * Parses the command line's `--churn RATE[:SEED]`.
 * @param {string} spec
 * @returns {ChurnOptions}
 */
export function parseChurn(spec) {
  const m = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new Error(`--churn wants RATE or RATE:SEED (e.g. 3 or 2.5:7), not ${spec.slice(0, 40)}`);
  return { rate: Number(m[1]), seed: m[2] === undefined ? 1 : Number(m[2]) };
}
