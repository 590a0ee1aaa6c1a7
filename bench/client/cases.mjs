// The benchmark bodies shared by Node (run.mjs) and Chromium (index.html): plain ES module,
// no Node or DOM imports. Every figure is a list of per-run times in ms; the caller takes
// medians. Variants are interleaved round by round (rotating their order), so machine noise
// hits them alike.

const now = () => performance.now();

/**
 * Decode overhead: each case's client call vs a raw `fetch(sameUrl) + res.json()` vs a
 * wasm-free `fetch + res.text()` then `JSON.parse(text)`, plus an instrumented client call
 * split into stages:
 *   fetchRead = call -> the wasm read the last body chunk (fetch + stream reader + copies into wasm)
 *   decode    = last chunk -> JSON.parse entered (UTF-8 check, serde decode, serde_json serialize,
 *               the UTF-8 -> JS string copy of the result)
 *   parse     = JSON.parse of the re-serialized result
 *   resolve   = JSON.parse returned -> the caller's await resumed
 *
 * cases: [{ name, call: (client) => Promise, count: (result) => number, rawCount: (json) => number }]
 */
export async function decodeBench({ createClient, baseUrl, key, rounds, warmup, cases }) {
  const fetchFn = globalThis.fetch.bind(globalThis);
  let probe = null;
  const instrumentedFetch = async (req) => {
    const res = await fetchFn(req);
    const p = probe;
    if (p) {
      p.headers = now();
      const body = res.body;
      if (body) {
        // The wasm calls body.getReader() then reader.read() as methods: shadow them on the
        // instances to stamp the last chunk.
        const getReader = body.getReader.bind(body);
        body.getReader = (...a) => {
          const r = getReader(...a);
          const read = r.read.bind(r);
          r.read = () => read().then((x) => { if (x.done) p.bodyDone = now(); return x; });
          return r;
        };
      }
    }
    return res;
  };
  const origParse = JSON.parse;
  const patchedParse = function (text, reviver) {
    const p = probe;
    if (!p) return origParse(text, reviver);
    const t0 = now();
    const v = origParse(text, reviver);
    p.parseStart = t0;
    p.parseEnd = now();
    p.outChars = text.length;
    return v;
  };

  let lastUrl = null;
  const client = await createClient({ apiKey: key, baseUrl, rateLimit: false });
  const instrumented = await createClient({ apiKey: key, baseUrl, rateLimit: false, fetch: instrumentedFetch });
  const finder = await createClient({ apiKey: key, baseUrl, rateLimit: false, onRequest: (ev) => { lastUrl = ev.url; } });
  const headers = { 'X-DC-DEVKEY': key };

  const out = {};
  for (const c of cases) {
    // The exact URL the client requests, for the raw variants.
    const first = await c.call(finder);
    const url = lastUrl;
    const records = c.count(first);
    const rawFirst = await (await fetchFn(url, { headers })).json();
    if (c.rawCount(rawFirst) !== records) {
      throw new Error(`${c.name}: client gave ${records} records, raw fetch ${c.rawCount(rawFirst)}`);
    }
    const bodyBytes = new TextEncoder().encode(JSON.stringify(rawFirst)).length;

    const r = {
      url, records, bodyBytes, outChars: 0,
      ours: [], raw: [], text: [], textFetch: [], textParse: [],
      instr: [], fetchRead: [], decode: [], parse: [], resolve: [],
    };
    const variants = [
      async (rec) => {
        const t0 = now();
        const v = await c.call(client);
        const t1 = now();
        if (c.count(v) !== records) throw new Error(`${c.name}: record count changed`);
        if (rec) r.ours.push(t1 - t0);
      },
      async (rec) => {
        const t0 = now();
        const res = await fetchFn(url, { headers });
        const v = await res.json();
        const t1 = now();
        if (c.rawCount(v) !== records) throw new Error(`${c.name}: raw record count changed`);
        if (rec) r.raw.push(t1 - t0);
      },
      async (rec) => {
        const t0 = now();
        const res = await fetchFn(url, { headers });
        const text = await res.text();
        const t1 = now();
        const v = JSON.parse(text);
        const t2 = now();
        if (c.rawCount(v) !== records) throw new Error(`${c.name}: text record count changed`);
        if (rec) { r.text.push(t2 - t0); r.textFetch.push(t1 - t0); r.textParse.push(t2 - t1); }
      },
      async (rec) => {
        const p = {};
        probe = p;
        JSON.parse = patchedParse;
        let v, t0, t1;
        try {
          t0 = now();
          v = await c.call(instrumented);
          t1 = now();
        } finally {
          probe = null;
          JSON.parse = origParse;
        }
        if (c.count(v) !== records) throw new Error(`${c.name}: instrumented record count changed`);
        if (p.bodyDone === undefined || p.parseStart === undefined) throw new Error(`${c.name}: stage probes did not fire`);
        r.outChars = p.outChars;
        if (rec) {
          r.instr.push(t1 - t0);
          r.fetchRead.push(p.bodyDone - t0);
          r.decode.push(p.parseStart - p.bodyDone);
          r.parse.push(p.parseEnd - p.parseStart);
          r.resolve.push(t1 - p.parseEnd);
        }
      },
    ];
    for (let i = 0; i < warmup + rounds; i++) {
      const rec = i >= warmup;
      for (let k = 0; k < variants.length; k++) await variants[(i + k) % variants.length](rec);
    }
    out[c.name] = r;
  }
  return out;
}

/** The three decode cases of the benchmark (reissueOrderId: the order with the most reissues). */
export function decodeCases(reissueOrderId) {
  return [
    {
      name: 'listSubaccountOrders({limit:1000})',
      call: (cl) => cl.listSubaccountOrders({ limit: 1000 }),
      count: (v) => v.orders.length,
      rawCount: (j) => (j.orders ?? []).length,
    },
    {
      name: 'listUsedVoucherCodes({limit:1000})',
      call: (cl) => cl.listUsedVoucherCodes({ limit: 1000 }),
      count: (v) => v.codes.length,
      rawCount: (j) => (j.codes ?? []).length,
    },
    {
      name: `listOrderReissues(${reissueOrderId}, {showArchived:true})`,
      call: (cl) => cl.listOrderReissues(reissueOrderId, { showArchived: true }),
      count: (v) => v.certificates.length,
      rawCount: (j) => (j.certificates ?? []).length,
    },
  ];
}
