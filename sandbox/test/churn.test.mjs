// node --test sandbox/test/: the churn mode, its witness, the in-flight count, the latency option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, parseChurn, parseLatency } from '../server.mjs';
import { delayOf } from '../lib/latency.mjs';

const KEY = 'sandbox-key';

/**
 * @param {{ baseUrl: string }} sb
 * @param {string} query
 * @param {string} [key]
 */
const list = async (sb, query, key = KEY) => {
  const r = await fetch(`${sb.baseUrl}/account/subaccount/order?${query}`, { headers: { 'X-DC-DEVKEY': key } });
  assert.equal(r.status, 200);
  const body = await r.json();
  return /** @type {number[]} */ ((body.orders ?? []).map((/** @type {{ id: number }} */ o) => o.id));
};

test('churn off (the default): the same ids at every request, ascending without sort', async () => {
  const sb = await startSandbox({ port: 0, rateLimit: false, orders: 200, usedCodes: 10 });
  try {
    const a = await list(sb, 'limit=1000');
    const b = await list(sb, 'limit=1000');
    assert.deepEqual(a, b);
    assert.deepEqual(a, [...a].sort((x, y) => x - y));
    assert.equal(sb.churn, null);
    assert.equal(sb.stats.listRecords, 400, 'records sent in list pages');
    assert.deepEqual(await (await fetch(sb.url + '__sandbox/churn')).json(), { on: false });
  } finally {
    await sb.close();
  }
});

test('churn on: each response is exactly the orders the witness says were present at that request', async () => {
  for (const seed of [1, 2, 3]) {
    const sb = await startSandbox({ port: 0, rateLimit: false, orders: 300, usedCodes: 10, churn: { seed, rate: 4 } });
    try {
      const seen = [];
      for (let k = 0; k < 30; k++) seen.push(await list(sb, k % 2 ? 'limit=1000&sort=id' : 'limit=1000'));
      const churn = /** @type {import('../lib/churn.mjs').Churn} */ (sb.churn);
      assert.equal(churn.seq(), 30);
      const s = churn.summary();
      assert.ok(s.inserted > 10 && s.deleted > 10 && s.changed > 10, JSON.stringify(s));
      for (let k = 0; k < seen.length; k++) {
        const ids = seen[k];
        const expected = churn.presentThroughout(k + 1, k + 1);
        assert.deepEqual([...ids].sort((x, y) => x - y), expected, `request ${k + 1}`);
        // Newest first without sort, ascending with sort=id.
        assert.deepEqual(ids, k % 2 ? expected : [...expected].reverse(), `order of request ${k + 1}`);
      }
      // Orders present throughout: the intersection of every response.
      const all = seen.map((ids) => new Set(ids));
      const throughout = seen[0].filter((id) => all.every((set) => set.has(id))).sort((x, y) => x - y);
      assert.deepEqual(churn.presentThroughout(1, 30), throughout);
      const ever = new Set(seen.flat());
      for (const id of ever) assert.ok(churn.everExisted().includes(id));
      // The same through the control API.
      const present = await (await fetch(`${sb.url}__sandbox/churn/present?from=1&to=30`)).json();
      assert.deepEqual(present.ids, throughout);
      const journal = (await (await fetch(`${sb.url}__sandbox/churn/journal`)).json()).journal;
      assert.equal(journal.reduce((n, e) => n + e.inserted.length, 0), s.inserted);
    } finally {
      await sb.close();
    }
  }
});

test('churn is seeded: the same seed gives the same changes; inserted ids are larger than any', async () => {
  const run = async (seed) => {
    const sb = await startSandbox({ port: 0, rateLimit: false, orders: 100, usedCodes: 10, churn: { seed, rate: 2.5 } });
    try {
      const first = await list(sb, 'limit=1000');
      for (let k = 0; k < 10; k++) await list(sb, 'limit=5');
      const journal = /** @type {import('../lib/churn.mjs').Churn} */ (sb.churn).journal();
      const inserted = journal.flatMap((e) => e.inserted);
      assert.ok(inserted.length > 0);
      assert.ok(Math.min(...inserted) > Math.max(...first));
      return JSON.stringify(journal);
    } finally {
      await sb.close();
    }
  };
  assert.equal(await run(5), await run(5));
  assert.notEqual(await run(5), await run(6));
});

test('in-flight count: the most at once per key, resettable; keys are named by position only', async () => {
  const sb = await startSandbox({ port: 0, rateLimit: false, orders: 50, usedCodes: 10, keys: [KEY, 'other-key'], latency: { baseMs: 150, perRecordMs: 0 } });
  try {
    await Promise.all([list(sb, 'limit=1'), list(sb, 'limit=2'), list(sb, 'limit=3'), list(sb, 'limit=1', 'other-key')]);
    assert.equal(sb.inFlight.max(KEY), 3);
    assert.equal(sb.inFlight.max('other-key'), 1);
    assert.equal(sb.inFlight.max(), 3);
    assert.equal(sb.inFlight.current(), 0);
    const text = await (await fetch(sb.url + '__sandbox/in-flight')).text();
    assert.equal(sb.inFlight.maxAll(), 4);
    assert.deepEqual(JSON.parse(text), { current: 0, max: 3, all: { current: 0, max: 4 }, byKey: { '#0': { current: 0, max: 3 }, '#1': { current: 0, max: 1 } } });
    assert.ok(!text.includes(KEY) && !text.includes('other-key'), 'the report never holds a key');
    assert.equal((await fetch(sb.url + '__sandbox/in-flight/reset', { method: 'POST' })).status, 200);
    assert.equal(sb.inFlight.max(), 0);
    await list(sb, 'limit=1');
    await list(sb, 'limit=1');
    assert.equal(sb.inFlight.max(KEY), 1, 'one after the other: one at a time');
  } finally {
    await sb.close();
  }
});

test('option parsers and the latency formula', () => {
  assert.deepEqual(parseChurn('3'), { rate: 3, seed: 1 });
  assert.deepEqual(parseChurn('2.5:7'), { rate: 2.5, seed: 7 });
  assert.throws(() => parseChurn('x'));
  assert.deepEqual(parseLatency('300+1'), { baseMs: 300, perRecordMs: 1 });
  assert.deepEqual(parseLatency('20'), { baseMs: 20, perRecordMs: 0 });
  assert.throws(() => parseLatency('-5'));
  assert.equal(delayOf({ baseMs: 300, perRecordMs: 1 }, 1000), 1300);
  assert.equal(delayOf(null, 1000), 0);
});

