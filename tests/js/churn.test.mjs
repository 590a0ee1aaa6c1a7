// Paging a live account through the installed package: the sandbox's churn mode inserts,
// deletes and changes orders between list requests (a few per request, anywhere, new orders at
// the front of the newest-first default order), and for iterateSubaccountOrders and
// collectSubaccountOrders, for the default order and for sort 'id', the contract holds:
// every order present from the first request to the last is delivered exactly once, no order
// is delivered twice, the iteration ends. And with default options the sandbox never sees two
// requests of the client in flight.
//
// The witness is the sandbox's own: each list request is numbered, and `sb.churn` answers which
// orders were present at every request from one number to another (sandbox/lib/churn.mjs).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox, clientFor, loadPackage, KEY } from './helpers.mjs';

/** Orders in the dataset at the start. */
const ORDERS = 300;
/** More requests than any honest paging of ORDERS needs: beyond it, the iteration does not end. */
const MAX_REQUESTS = 2000;

/** @type {Awaited<ReturnType<typeof loadPackage>>} */
let pkg;
before(async () => {
  pkg = await loadPackage();
});

/**
 * One paging run against a fresh churning sandbox.
 * @param {{ seed: number, limit: number, sort?: 'id', mode: 'iterate' | 'collect', rate?: number }} run
 */
async function page({ seed, limit, sort, mode, rate = 3 }) {
  // A little latency, so that two requests in flight would overlap at the sandbox.
  const sb = await sandbox({ orders: ORDERS, usedCodes: 10, seed, churn: { seed, rate }, latency: { baseMs: 1, perRecordMs: 0 } });
  try {
    const ac = new AbortController();
    let requests = 0;
    const client = await clientFor(sb, {
      onRequest: () => {
        if (++requests > MAX_REQUESTS) ac.abort(new Error(`more than ${MAX_REQUESTS} requests: the iteration does not end`));
      },
    });
    const query = { limit, ...(sort ? { sort } : {}) };
    /** @type {number[]} */
    const ids = [];
    if (mode === 'iterate') {
      for await (const order of client.iterateSubaccountOrders(query, { signal: ac.signal })) {
        ids.push(order.id);
        // The caller consumes while the next page may be on its way.
        if (ids.length % limit === 0) await new Promise((r) => setImmediate(r));
      }
    } else {
      for (const order of await client.collectSubaccountOrders({ ...query, max: 100_000 }, { signal: ac.signal })) ids.push(order.id);
    }
    const churn = /** @type {import('../../sandbox/lib/churn.mjs').Churn} */ (sb.churn);
    const last = churn.seq();
    return {
      ids,
      last,
      throughout: churn.presentThroughout(1, last),
      ever: new Set(churn.everExisted()),
      changes: churn.summary(),
      maxInFlight: sb.inFlight.max(KEY),
    };
  } finally {
    await sb.close();
  }
}

/**
 * Asserts the paging contract on one run's outcome.
 * @param {Awaited<ReturnType<typeof page>>} r
 * @param {string} what
 */
function assertContract(r, what) {
  const seen = new Set();
  const twice = r.ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  assert.deepEqual(twice, [], `${what}: no order delivered twice`);
  const missing = r.throughout.filter((id) => !seen.has(id));
  assert.deepEqual(missing, [], `${what}: every order present from request 1 to ${r.last} delivered`);
  const unknown = r.ids.filter((id) => !r.ever.has(id));
  assert.deepEqual(unknown, [], `${what}: only orders that existed`);
  assert.ok(r.changes.inserted + r.changes.deleted + r.changes.changed > 0, `${what}: the data did change (${JSON.stringify(r.changes)})`);
  assert.equal(r.maxInFlight, 1, `${what}: never two requests in flight`);
}

for (const mode of /** @type {const} */ (['iterate', 'collect'])) {
  for (const sort of /** @type {const} */ ([undefined, 'id'])) {
    test(`${mode}, ${sort ? "sort 'id'" : 'default order (newest first)'}: every order present throughout delivered exactly once; ends; one request in flight`, async () => {
      for (const seed of [1, 2, 3]) {
        for (const limit of [7, 50]) {
          const r = await page({ seed, limit, sort, mode });
          assertContract(r, `seed ${seed}, limit ${limit}`);
        }
      }
    });
  }
}

test('a higher churn rate (10 changes per request), pages of 7: the contract still holds', async () => {
  for (const mode of /** @type {const} */ (['iterate', 'collect'])) {
    const r = await page({ seed: 9, limit: 7, mode, rate: 10 });
    assertContract(r, `${mode}, rate 10`);
  }
});

test('the witness catches what naive offset paging does under churn (lost or repeated orders)', async () => {
  // A hand-written loop of listSubaccountOrders, offset += limit, newest first: every insert at
  // the front shifts the list by one, so an order is seen twice or one is skipped.
  let caught = 0;
  for (const seed of [1, 2, 3]) {
    const sb = await sandbox({ orders: ORDERS, usedCodes: 10, seed, churn: { seed, rate: 3 } });
    try {
      const client = await clientFor(sb);
      /** @type {number[]} */
      const ids = [];
      for (let offset = 0; ; offset += 7) {
        const { orders } = await client.listSubaccountOrders({ limit: 7, offset });
        ids.push(...orders.map((o) => o.id));
        if (orders.length < 7) break;
      }
      const churn = /** @type {import('../../sandbox/lib/churn.mjs').Churn} */ (sb.churn);
      const last = churn.seq();
      const r = { ids, last, throughout: churn.presentThroughout(1, last), ever: new Set(churn.everExisted()), changes: churn.summary(), maxInFlight: 1 };
      assert.throws(() => assertContract(r, 'naive'), assert.AssertionError);
      caught++;
    } finally {
      await sb.close();
    }
  }
  assert.equal(caught, 3);
});

test('without churn the same runs deliver the whole list in order (the control case)', async () => {
  const sb = await sandbox({ orders: ORDERS, usedCodes: 10 });
  try {
    const client = await clientFor(sb);
    const ids = [];
    for await (const o of client.iterateSubaccountOrders({ limit: 7 })) ids.push(o.id);
    assert.deepEqual(ids, sb.dataset.subaccountOrders.map((o) => o.id));
  } finally {
    await sb.close();
  }
});
