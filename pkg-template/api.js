// The package's public functions, shared by both loaders (index.js for browsers and
// bundlers, node.js for Node). `ready()` resolves once the wasm module is instantiated;
// `readySync()` instantiates it at once where the runtime allows (Node) or throws.
//
// Every argument is read here, once, into plain data (plain.js) before it reaches the wasm
// module, and every method returns a promise that settles with a result or a CertCentralError.
import { CertCentralError } from './error.js';
import { bag, fn, headers, hook, invalid, plain, reading, settle, signal } from './plain.js';
import { cellsOf } from './csv-out.js';

/** @param {unknown} v @param {string} what */
const data = (v, what) => plain(v, what);

/**
 * createClient's options, read once.
 * @param {unknown} options
 */
function clientOptions(options) {
  let relative = false;
  const o = bag(options, 'options', {
    fetch: fn,
    onRequest: hook,
    onResponse: hook,
    onRateLimit: hook,
    headers,
    /** @param {unknown} v @param {string} what */
    baseUrl: (v, what) => {
      const url = pageRelative(v, what);
      relative = url !== v;
      return url;
    },
  });
  // The page's own origin (a proxy beside it): plain http is as safe as the page itself.
  if (o && relative && String(o.baseUrl).startsWith('http:') && o.allowInsecureHttp === undefined) o.allowInsecureHttp = true;
  return o;
}

/**
 * A base URL: one starting with a single "/" (a key-holding proxy on the page's origin,
 * `/certcentral`) is resolved against the page's URL; in a runtime without a page (Node) it
 * is refused. Anything else is read as plain data (the wasm side checks it).
 * @param {unknown} v
 * @param {string} what
 */
function pageRelative(v, what) {
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//')) return plain(v, what);
  const href = /** @type {{ location?: { href?: unknown } }} */ (globalThis).location?.href;
  if (typeof href !== 'string') {
    throw invalid(`${what} is relative (${JSON.stringify(v.slice(0, 60))}): that works in a page only (resolved against its URL); pass an absolute URL here`);
  }
  return new URL(v, href).href.replace(/\/+$/, '');
}

/**
 * Per-call options, read once (the signal replaced by one of ours that follows it).
 * @param {unknown} opts
 */
function callOptions(opts) {
  return bag(opts, 'opts', { signal });
}

/**
 * A query: plain data (`filters` must be a plain object: checked on the wasm side).
 * @param {unknown} query
 * @param {string} [what]
 */
function queryOf(query, what = 'query') {
  if (query === undefined || query === null) return undefined;
  return reading(what, () => {
    if (typeof query !== 'object' || Array.isArray(query)) throw invalid(`${what} must be an object`);
    return plain(query, what);
  });
}

/**
 * Turns whatever a call threw into a CertCentralError (the wasm side only throws those; this
 * catches what the runtime itself might throw, such as a RangeError).
 * @param {unknown} e
 * @returns {CertCentralError}
 */
function ours(e) {
  if (e instanceof CertCentralError) return e;
  const err = new CertCentralError(`unexpected failure: ${e instanceof Error ? e.message : String(e)}`, { kind: 'invalid_input' });
  Object.defineProperty(err, 'cause', { value: e, writable: true, configurable: true });
  return err;
}

/**
 * @template T
 * @param {() => T | Promise<T>} f
 * @returns {Promise<T>}
 */
function call(f) {
  return settle(f).catch((e) => {
    throw ours(e);
  });
}

/** The wasm object behind each Client and parser (a WeakMap, so neither exposes it). */
const held = new WeakMap();

/**
 * The wasm object behind `owner`, or the error for one that was freed.
 * @param {object} owner
 * @param {string} what
 */
function live(owner, what) {
  const inner = held.get(owner);
  if (!inner) throw invalid(`this ${what} was freed (free() or a using block): create a new one`);
  return inner;
}

/**
 * Frees the wasm object behind `owner` (once; calls in flight finish).
 * @param {object} owner
 */
function release(owner) {
  const inner = held.get(owner);
  held.delete(owner);
  inner?.free();
}

export function makeApi(glue, ready, readySync) {
  /**
   * A client (the object createClient resolves to). Each method reads its arguments once and
   * hands plain data to the wasm client it wraps.
   */
  class Client {
    /** @param {any} inner */
    constructor(inner) {
      held.set(this, inner);
    }

    #live() {
      return live(this, 'client');
    }

    listUsedVoucherCodes(query, opts) {
      return call(() => this.#live().listUsedVoucherCodes(queryOf(query), callOptions(opts)));
    }

    exportUsedVoucherCodesCsv(query, opts) {
      return call(() => this.#live().exportUsedVoucherCodesCsv(queryOf(query), callOptions(opts)));
    }

    getVoucherOrder(voucherOrderId, opts) {
      return call(() => this.#live().getVoucherOrder(data(voucherOrderId, 'voucherOrderId'), callOptions(opts)));
    }

    listOrderReissues(orderId, options, opts) {
      return call(() => this.#live().listOrderReissues(
        data(orderId, 'orderId'), bag(options, 'options'), callOptions(opts),
      ));
    }

    listSubaccountOrders(query, opts) {
      return call(() => this.#live().listSubaccountOrders(queryOf(query), callOptions(opts)));
    }

    collectSubaccountOrders(query, opts) {
      return call(() => this.#live().collectSubaccountOrders(queryOf(query), callOptions(opts)));
    }

    iterateSubaccountOrders(query, opts) {
      let inner;
      try {
        inner = this.#live().iterateSubaccountOrders(queryOf(query), callOptions(opts));
      } catch (e) {
        const err = ours(e);
        // Invalid input rejects the first next(), as documented.
        return (async function* failed() {
          throw err;
        })();
      }
      return inner;
    }

    /** Releases the wasm side; calls in flight finish, later calls reject. */
    free() {
      release(this);
    }

    [Symbol.dispose]() {
      release(this);
    }
  }

  /** Creates a client; see ClientOptions. */
  function createClient(options) {
    return call(async () => {
      const o = clientOptions(options);
      await ready();
      return new Client(glue.createClient(o));
    });
  }

  /**
   * CSV options, read once; a throwing onProgress stops the parse and becomes the error's cause.
   * @param {unknown} options
   * @param {{ thrown?: unknown }} box
   */
  function csvOptions(options, box) {
    return bag(options, 'options', {
      onProgress: (f, what) => {
        const user = fn(f, what);
        if (!user) return undefined;
        return (/** @type {unknown} */ ev) => {
          try {
            user(ev);
          } catch (e) {
            box.thrown = e;
            throw e;
          }
        };
      },
    });
  }

  /**
   * @param {(input: unknown, o: unknown) => Promise<unknown>} parse
   * @param {unknown} input
   * @param {unknown} options
   */
  function parseWith(parse, input, options) {
    /** @type {{ thrown?: unknown }} */
    const box = {};
    return call(async () => {
      const o = csvOptions(options, box);
      await ready();
      return parse(input, o);
    }).catch((e) => {
      if ('thrown' in box && e instanceof CertCentralError) {
        Object.defineProperty(e, 'cause', { value: box.thrown, writable: true, configurable: true });
      }
      throw e;
    });
  }

  /** Parses a whole used-codes CSV export; see CsvParseOptions. */
  function parseUsedVoucherCodesCsv(input, options) {
    return parseWith((i, o) => glue.parseUsedVoucherCodesCsv(i, o), input, options);
  }

  /** Parses a whole used-codes CSV export into columns; see UsedVoucherCodeColumns. */
  function parseUsedVoucherCodesCsvColumns(input, options) {
    return parseWith((i, o) => glue.parseUsedVoucherCodesCsvColumns(i, o), input, options);
  }

  /**
   * A chunk for push(): a string, or our own view of a genuine Uint8Array / ArrayBuffer.
   * @param {unknown} chunk
   */
  function chunkOf(chunk) {
    return reading('chunk', () => {
      if (typeof chunk === 'string') return chunk;
      if (ArrayBuffer.isView(chunk) && chunk instanceof Uint8Array) {
        return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      }
      if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
      throw invalid('push() takes a Uint8Array, an ArrayBuffer or a string');
    });
  }

  /** The streaming CSV parser; in browsers, `await init()` first. */
  class UsedVoucherCodesCsvParser {
    constructor(options) {
      const o = bag(options, 'options');
      readySync();
      held.set(this, new glue.UsedVoucherCodesCsvParser(o));
    }

    #live() {
      return live(this, 'parser');
    }

    /** Feeds the next chunk (split anywhere); returns the records it completed. */
    push(chunk) {
      const c = chunkOf(chunk);
      return this.#live().push(c);
    }

    /** Ends the input; returns the last records. */
    finish() {
      return this.#live().finish();
    }

    /** With collectErrors: the bad rows met so far and not yet taken (at most maxErrors in all). */
    takeErrors() {
      return this.#live().takeErrors();
    }

    /** With collectErrors: every bad row met so far, kept or only counted. */
    get errorCount() {
      return this.#live().errorCount;
    }

    /** Input bytes consumed so far. */
    get bytesConsumed() {
      return this.#live().bytesConsumed;
    }

    /** Records decoded so far. */
    get rowsEmitted() {
      return this.#live().rowsEmitted;
    }

    /** Releases the wasm side; later calls throw. */
    free() {
      release(this);
    }

    [Symbol.dispose]() {
      release(this);
    }
  }

  /**
   * Starts the wasm module ahead of time, from `source` if given (a WebAssembly.Module, bytes,
   * a Response, a URL or a string); a failure is an `init` error and the next call retries.
   * @param {unknown} [source]
   */
  function init(source) {
    return settle(() => ready(source));
  }

  /**
   * Records as CSV text (header first, RFC 4180 quoting, CRLF), written by the same csv-core
   * writer as the command line: cells that a spreadsheet would read as a formula get a `'`
   * prefix unless `raw`.
   * @param {Iterable<unknown>} records
   * @param {unknown} options `{ columns: 'order' | 'reissue' | 'used_code' | string[], raw? }`
   * @returns {Promise<string>}
   */
  function recordsToCsv(records, options) {
    return settle(async () => {
      const { columns, raw } = reading('options', () => {
        if (options === null || typeof options !== 'object') throw invalid('options must be an object with `columns`');
        const o = /** @type {{ columns?: unknown, raw?: unknown }} */ (options);
        return { columns: o.columns, raw: o.raw };
      });
      if (raw !== undefined && typeof raw !== 'boolean') throw invalid('options.raw must be a boolean');
      const list = reading('records', () => {
        if (records === null || typeof records !== 'object' || !(Symbol.iterator in records)) throw invalid('records must be an array or another iterable');
        return [...records];
      });
      await ready();
      /** @type {string[]} */
      let names;
      if (typeof columns === 'string') {
        names = glue.csvColumns(columns);
        if (!names.length) throw invalid(`options.columns: unknown record kind "${columns.slice(0, 40)}" (one of order, reissue, used_code, or a list of paths)`);
      } else if (Array.isArray(columns) && columns.length && columns.every((c) => typeof c === 'string' && c !== '')) {
        names = [...columns];
      } else {
        throw invalid('options.columns must be a record kind (order, reissue, used_code) or a non-empty list of column paths');
      }
      const cells = cellsOf(list, names.map((c) => c.split('.')), [...names]);
      return glue.csvRows(cells, names.length, raw === true);
    });
  }

  /**
   * A CSV text (the API's used-codes export) written again with every formula-like cell
   * neutralised (a `'` before a cell starting with `=`, `+`, `-`, `@`, tab or CR).
   * @param {unknown} csv
   * @returns {Promise<string>}
   */
  function neutraliseCsv(csv) {
    return settle(async () => {
      if (typeof csv !== 'string') throw invalid('csv must be a string');
      await ready();
      return glue.csvNeutralise(csv);
    });
  }

  return { createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init, recordsToCsv, neutraliseCsv };
}

export { CertCentralError };
