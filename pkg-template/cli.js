#!/usr/bin/env node
// certcentral: the package's command line (package.json `bin`). It is a thin layer over the
// package's Node entry (node.js): the same validation, paging, rate-limit etiquette and key
// hygiene as the library; CSV is written by the core's csv-core writer (glue `csvRows`).
//
// Arguments: Node's built-in util.parseArgs (strict: unknown options and missing values are
// usage errors), no dependency: the package stays dependency-free and parseArgs does all the
// commands need (string, boolean and repeatable options, positionals).
import { parseArgs } from 'node:util';
import { createReadStream, createWriteStream, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, init, CertCentralError, UsedVoucherCodesCsvParser } from './node.js';
import { createProxy } from './proxy-node.js';
import * as glue from './certcentral_wasm.js';
import { cellsOf } from './csv-out.js';

const VERSION = /** @type {{ version: string }} */ (
  JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
).version;

/** Exit statuses. */
const DONE = 0;
const FAILED = 1;
const USAGE = 2;
const INTERRUPTED = 130;

/** A usage error: exit 2, nothing sent. */
class UsageError extends Error {}

const COMMON = `common options:
  --base-url URL         API base (default https://www.digicert.com/services/v2)
  --region us|eu         the DigiCert host, when --base-url is not given
  --timeout-ms N         per-attempt timeout (default 30000)
  --max-retries N        retries after the first attempt (default 2)
  --out FILE             write to FILE (a temporary file renamed on success), not stdout
  --quiet                no progress on stderr
  --help, --version
The API key comes from DIGICERT_API_KEY only.`;

/**
 * @typedef {{ type: 'string' | 'boolean', multiple?: boolean, short?: string }} Opt
 * @typedef {{ usage: string, about: string, example: string, options: Record<string, Opt>, formats: string[], positional?: string, key: boolean }} Command
 */

/** @type {Record<string, Opt>} */
const common = {
  'base-url': { type: 'string' },
  region: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'max-retries': { type: 'string' },
  out: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
};
/** @type {Record<string, Opt>} */
const csvOut = { format: { type: 'string' }, raw: { type: 'boolean' } };

/** @type {Record<string, Command>} */
const COMMANDS = {
  'used-codes': {
    usage: 'certcentral used-codes [--filter NAME=VALUE]... [--sort KEY] [--offset N] [--limit N] [--format ndjson|json|csv] [--raw]',
    about: 'Used voucher codes (one page: --offset/--limit). csv asks the API for its own CSV export.',
    example: 'certcentral used-codes --filter date_valid_till=2024-01-01...2024-12-31 --format csv --out codes.csv',
    options: { ...common, ...csvOut, filter: { type: 'string', multiple: true }, sort: { type: 'string' }, offset: { type: 'string' }, limit: { type: 'string' } },
    formats: ['ndjson', 'json', 'csv'],
    key: true,
  },
  'voucher-order': {
    usage: 'certcentral voucher-order ID [--format json]',
    about: 'One voucher order, with its codes, as JSON.',
    example: 'certcentral voucher-order 123456',
    options: { ...common, format: { type: 'string' } },
    formats: ['json'],
    positional: 'ID',
    key: true,
  },
  reissues: {
    usage: 'certcentral reissues ORDER_ID [--archived] [--dedupe] [--format ndjson|json|csv] [--raw]',
    about: "An order's reissued certificates (--archived: archived ones too; --dedupe: drop repeated serial numbers).",
    example: 'certcentral reissues 987654 --format csv --out reissues.csv',
    options: { ...common, ...csvOut, archived: { type: 'boolean' }, dedupe: { type: 'boolean' } },
    formats: ['ndjson', 'json', 'csv'],
    positional: 'ORDER_ID',
    key: true,
  },
  orders: {
    usage: 'certcentral orders [--filter NAME=VALUE]... [--sort KEY]... [--max N] [--format ndjson|json|csv] [--raw]',
    about: 'Every subaccount order, all pages (churn-safe paging: none lost or repeated while the account changes), streamed.',
    example: 'certcentral orders --filter status=issued --format csv --out issued.csv',
    options: { ...common, ...csvOut, filter: { type: 'string', multiple: true }, sort: { type: 'string', multiple: true }, max: { type: 'string' } },
    formats: ['ndjson', 'json', 'csv'],
    key: true,
  },
  'parse-csv': {
    usage: 'certcentral parse-csv FILE|- [--format summary|ndjson|json]',
    about: 'Reads a used-codes CSV export (a file, or - for stdin): a summary by product and by month, or the records. Bad rows are reported with line and column (exit 1).',
    example: 'certcentral parse-csv used-codes.csv --format summary',
    options: { ...common, format: { type: 'string' } },
    formats: ['summary', 'ndjson', 'json'],
    positional: 'FILE',
    key: false,
  },
  proxy: {
    usage: 'certcentral proxy [--port N] [--host H] [--base-path P] [--allow-origin ORIGIN]... [--serve DIR]',
    about: 'Serves the key-holding proxy (the four endpoints under --base-path, default /certcentral) and, with --serve, a static directory such as a built portal.',
    example: 'certcentral proxy --port 8080 --serve ./portal/dist',
    options: {
      ...common, port: { type: 'string' }, host: { type: 'string' }, 'base-path': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true }, serve: { type: 'string' },
    },
    formats: [''],
    key: true,
  },
};

const HELP = `certcentral ${VERSION}: DigiCert CertCentral from the command line

usage: certcentral COMMAND [options]      (certcentral COMMAND --help for each)

commands:
${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(14)} ${c.about}`).join('\n')}

output: lists default to NDJSON (one record a line, streamed), single objects to JSON; csv
flattens nested fields (certificate.common_name) and joins lists with ';'. Every CSV written
prefixes cells starting with = + - @ tab or CR with ' (spreadsheet formula injection) unless --raw.
exit status: 0 done, 1 the API, the network or the CSV failed, 2 bad usage (nothing sent), 130 interrupted.

${COMMON}

example: DIGICERT_API_KEY=... certcentral orders --filter status=issued --format csv --out issued.csv`;

/** @param {string} name */
function commandHelp(name) {
  const c = /** @type {Command} */ (COMMANDS[name]);
  return `usage: ${c.usage}\n\n${c.about}\n\n${COMMON}\n\nexample: ${c.example}`;
}

/**
 * A whole number option, or undefined.
 * @param {string | undefined} v
 * @param {string} name
 * @param {number} [min]
 */
function whole(v, name, min = 0) {
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be a whole number >= ${min}, not ${JSON.stringify(v.slice(0, 40))}`);
  return Number(v);
}

/**
 * `--filter NAME=VALUE`s as the library's `filters` object (validated by the library).
 * @param {string[] | undefined} list
 */
function filtersOf(list) {
  if (!list || list.length === 0) return undefined;
  /** @type {Record<string, string>} */
  const out = {};
  for (const f of list) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new UsageError(`--filter wants NAME=VALUE, not ${JSON.stringify(f.slice(0, 40))}`);
    const name = f.slice(0, eq);
    if (Object.hasOwn(out, name)) throw new UsageError(`--filter ${name} is given twice`);
    out[name] = f.slice(eq + 1);
  }
  return out;
}

/**
 * `--name VALUE` as `--name=VALUE` for the options that take a value, so a value that starts
 * with `-` (`--sort -date_created`) is taken as the value, as users expect (parseArgs alone
 * refuses it as ambiguous).
 * @param {string[]} args
 * @param {Record<string, Opt>} options
 */
function joinValues(args, options) {
  /** @type {string[]} */
  const out = [];
  for (let i = 0; i < args.length; i++) {
    const a = /** @type {string} */ (args[i]);
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    if (name && options[name]?.type === 'string' && i + 1 < args.length) {
      out.push(`${a}=${args[++i]}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Output: stdout or a temporary file renamed on success; records batched until the event loop
// turns (so a page goes out as soon as it is in, and memory holds one page at most).

class Sink {
  /** @param {string | undefined} path */
  constructor(path) {
    this.path = path;
    /** @type {string | null} */
    this.tmp = null;
    /** @type {NodeJS.WritableStream & { writableNeedDrain?: boolean, destroy?: () => void }} */
    this.stream = process.stdout;
    if (path) {
      this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      this.stream = createWriteStream(this.tmp, { flags: 'wx', mode: 0o600 });
    }
    /** @type {unknown} */
    this.error = null;
    this.stream.on('error', (e) => {
      this.error = e;
    });
  }

  /** @param {string} text */
  async write(text) {
    if (this.error) throw this.error;
    if (text) this.stream.write(text);
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  /** Ends the output; renames the temporary file into place. */
  async close() {
    if (this.tmp && this.path) {
      const s = this.stream;
      s.end();
      if (!this.error) await once(s, 'close');
      if (this.error) throw this.error;
      renameSync(this.tmp, this.path);
      this.tmp = null;
    } else if (this.error) {
      throw this.error;
    }
  }

  /** Drops the temporary file (failure or interruption). */
  discard() {
    if (this.tmp) {
      this.stream.destroy?.();
      rmSync(this.tmp, { force: true });
      this.tmp = null;
    }
  }
}

/** Records out in one format: ndjson, json (one array) or csv (flattened; header first). */
class RecordWriter {
  /**
   * @param {Sink} sink
   * @param {string} format
   * @param {{ columns?: string, raw?: boolean }} [csv]
   */
  constructor(sink, format, csv = {}) {
    this.sink = sink;
    this.format = format;
    this.raw = Boolean(csv.raw);
    this.columns = format === 'csv' ? glue.csvColumns(csv.columns ?? '') : [];
    this.paths = this.columns.map((c) => c.split('.'));
    /** @type {unknown[]} */
    this.pending = [];
    this.count = 0;
    this.started = false;
    /** @type {Promise<void> | null} */
    this.flushing = null;
    this.scheduled = false;
  }

  /** @param {unknown[]} records */
  encode(records) {
    let text = '';
    if (this.format === 'csv') {
      /** @type {string[]} */
      const cells = this.started ? [] : [...this.columns];
      cellsOf(records, this.paths, cells);
      text = glue.csvRows(cells, this.columns.length, this.raw);
    } else if (this.format === 'json') {
      if (!this.started) text = '[';
      for (const r of records) text += `${this.count++ === 0 ? '\n' : ',\n'}${JSON.stringify(r)}`;
      return (this.started = true), text;
    } else {
      for (const r of records) text += `${JSON.stringify(r)}\n`;
    }
    this.count += this.format === 'csv' ? records.length : 0;
    this.started = true;
    return text;
  }

  async flush() {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0 || !this.started) await this.sink.write(this.encode(batch));
  }

  /** @param {unknown} record */
  async push(record) {
    this.pending.push(record);
    if (this.pending.length >= 256) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      // Once the loop waits for the next page, what is pending goes out.
      setImmediate(() => {
        this.scheduled = false;
        if (this.pending.length > 0) this.sink.write(this.encode(this.pending.splice(0))).catch(() => {});
      });
    }
    if (this.sink.error) throw this.sink.error;
  }

  async end() {
    await this.flush();
    if (this.format === 'json') await this.sink.write(this.count === 0 ? ']\n' : '\n]\n');
  }
}

// ---------------------------------------------------------------------------------------
// Progress on stderr (a terminal only, not --quiet).

class Progress {
  /** @param {boolean} on */
  constructor(on) {
    this.on = on;
    this.pages = 0;
    this.records = 0;
    this.started = Date.now();
    this.note = '';
    this.last = 0;
  }

  /** @param {boolean} [force] */
  show(force = false) {
    if (!this.on) return;
    const now = Date.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(this.records / secs);
    process.stderr.write(`\r\x1b[K${this.pages} pages, ${this.records} records, ${rate}/s${this.note ? `, ${this.note}` : ''}`);
  }

  done() {
    if (!this.on) return;
    this.show(true);
    process.stderr.write('\n');
  }
}

// ---------------------------------------------------------------------------------------

/**
 * @param {string[]} argv
 * @param {AbortSignal} signal
 * @param {(s: Sink) => void} track
 * @returns {Promise<number>}
 */
async function run(argv, signal, track) {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return name === undefined ? USAGE : DONE;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return DONE;
  }
  const cmd = COMMANDS[name];
  if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(name.slice(0, 40))}`);
  let parsed;
  try {
    parsed = parseArgs({ args: joinValues(rest, cmd.options), options: cmd.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const v = /** @type {Record<string, any>} */ (parsed.values);
  if (v.help) {
    process.stdout.write(`${commandHelp(name)}\n`);
    return DONE;
  }
  if (v.version) {
    process.stdout.write(`${VERSION}\n`);
    return DONE;
  }
  const want = cmd.positional ? 1 : 0;
  if (parsed.positionals.length !== want) {
    throw new UsageError(want ? `${name} takes one ${cmd.positional}` : `${name} takes no arguments (${JSON.stringify(String(parsed.positionals[0]).slice(0, 40))})`);
  }
  const format = v.format ?? cmd.formats[0];
  if (name !== 'proxy' && !cmd.formats.includes(format)) throw new UsageError(`--format must be one of ${cmd.formats.join(', ')}`);
  const timeoutMs = whole(v['timeout-ms'], 'timeout-ms', 1);
  const maxRetries = whole(v['max-retries'], 'max-retries');
  if (v.region !== undefined && v.region !== 'us' && v.region !== 'eu') throw new UsageError('--region must be us or eu');
  if (v.region !== undefined && v['base-url'] !== undefined) throw new UsageError('give --base-url or --region, not both');
  const progress = new Progress(Boolean(process.stderr.isTTY) && !v.quiet);

  /** Command-specific arguments, checked before anything is sent. */
  const query = {};
  if (name === 'used-codes' || name === 'orders') {
    const filters = filtersOf(v.filter);
    if (filters) Object.assign(query, { filters });
    const sort = Array.isArray(v.sort) ? (v.sort.length === 1 ? v.sort[0] : v.sort.length ? v.sort : undefined) : v.sort;
    if (sort !== undefined) Object.assign(query, { sort });
  }
  if (name === 'used-codes') {
    const offset = whole(v.offset, 'offset');
    const limit = whole(v.limit, 'limit', 1);
    if (offset !== undefined) Object.assign(query, { offset });
    if (limit !== undefined) Object.assign(query, { limit });
  }
  const max = name === 'orders' ? whole(v.max, 'max', 1) : undefined;
  const id = cmd.positional && name !== 'parse-csv' ? parsed.positionals[0] : undefined;
  if (id !== undefined && !/^[1-9]\d{0,15}$/.test(id)) throw new UsageError(`${cmd.positional} must be a positive whole number, not ${JSON.stringify(id.slice(0, 40))}`);

  if (name === 'parse-csv') return parseCsv(/** @type {string} */ (parsed.positionals[0]), format, v.out, signal, track, progress);

  const apiKey = process.env.DIGICERT_API_KEY;
  if (!apiKey) throw new UsageError('DIGICERT_API_KEY is not set (the key is read from the environment only)');
  if (name === 'proxy') return serveProxy(v, apiKey, { timeoutMs }, signal);
  const client = await createClient({
    apiKey,
    ...(v['base-url'] !== undefined ? { baseUrl: v['base-url'] } : {}),
    ...(v.region !== undefined ? { region: v.region } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
    onResponse: () => {
      progress.pages++;
      progress.note = '';
      progress.show();
    },
    onRateLimit: (/** @type {{ retryAfterMs: number }} */ ev) => {
      progress.note = `rate limited: waiting ${Math.ceil(ev.retryAfterMs / 1000)} s`;
      progress.show(true);
    },
  });
  await init();
  const opts = { signal };

  if (name === 'voucher-order') {
    const order = await client.getVoucherOrder(Number(id), opts);
    const sink = new Sink(v.out);
    track(sink);
    await sink.write(`${JSON.stringify(order, null, 2)}\n`);
    await sink.close();
    return DONE;
  }

  if (name === 'used-codes' && format === 'csv') {
    const csv = await client.exportUsedVoucherCodesCsv(query, opts);
    const sink = new Sink(v.out);
    track(sink);
    await sink.write(v.raw ? csv : glue.csvNeutralise(csv));
    await sink.close();
    return DONE;
  }

  /** @type {AsyncIterable<unknown> | Iterable<unknown>} */
  let records;
  let columns = '';
  if (name === 'used-codes') {
    records = (await client.listUsedVoucherCodes(query, opts)).codes;
    columns = 'used_code';
  } else if (name === 'reissues') {
    const options = { ...(v.archived ? { showArchived: true } : {}), ...(v.dedupe ? { dedupeBySerial: true } : {}) };
    records = (await client.listOrderReissues(Number(id), options, opts)).certificates;
    columns = 'reissue';
  } else {
    records = client.iterateSubaccountOrders(query, opts);
    columns = 'order';
  }
  const sink = new Sink(v.out);
  track(sink);
  const out = new RecordWriter(sink, format, { columns, raw: v.raw });
  for await (const r of records) {
    progress.records++;
    progress.show();
    await out.push(r);
    if (max !== undefined && progress.records >= max) break;
  }
  await out.end();
  await sink.close();
  progress.done();
  return DONE;
}

/**
 * parse-csv: the file (or stdin) through the streaming parser, bad rows on stderr.
 * @param {string} file
 * @param {string} format
 * @param {string | undefined} outPath
 * @param {AbortSignal} signal
 * @param {(s: Sink) => void} track
 * @param {Progress} progress
 */
async function parseCsv(file, format, outPath, signal, track, progress) {
  await init();
  const input = file === '-' ? process.stdin : createReadStream(file);
  const parser = new UsedVoucherCodesCsvParser({ collectErrors: true });
  const sink = new Sink(outPath);
  track(sink);
  const out = format === 'summary' ? null : new RecordWriter(sink, format);
  /** @type {Map<string, number>} */
  const byProduct = new Map();
  /** @type {Map<string, number>} */
  const byMonth = new Map();
  let count = 0;
  let bad = 0;
  /** @param {unknown[]} rows */
  const take = async (rows) => {
    for (const row of rows) {
      const r = /** @type {{ product_name?: string | null, cert_request_date?: string | null }} */ (row);
      count++;
      progress.records++;
      if (out) await out.push(row);
      else {
        const product = r.product_name ?? '(none)';
        byProduct.set(product, (byProduct.get(product) ?? 0) + 1);
        const month = r.cert_request_date ? r.cert_request_date.slice(0, 7) : '(none)';
        byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
      }
    }
    for (const e of parser.takeErrors()) {
      bad++;
      process.stderr.write(`certcentral: bad row at line ${e.line}, column ${e.column}: ${e.message}\n`);
    }
    progress.show();
  };
  try {
    for await (const chunk of input) {
      if (signal.aborted) throw signal.reason;
      await take(parser.push(/** @type {Uint8Array} */ (chunk)));
    }
    await take(parser.finish());
    bad = Math.max(bad, parser.errorCount);
  } finally {
    parser.free();
  }
  if (out) await out.end();
  else {
    const sorted = (/** @type {Map<string, number>} */ m) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    await sink.write(`${JSON.stringify({ records: count, badRows: bad, byProduct: sorted(byProduct), byMonth: sorted(byMonth) }, null, 2)}\n`);
  }
  progress.done();
  if (bad > 0) {
    process.stderr.write(`certcentral: ${bad} bad row${bad === 1 ? '' : 's'} in ${file === '-' ? 'stdin' : file}\n`);
    sink.discard();
    return FAILED;
  }
  await sink.close();
  return DONE;
}

const TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json',
});

/**
 * A file of `root` for a GET/HEAD (a directory: its index.html); never outside `root` (`..`,
 * encoded or not, and symlinks that lead out are 404).
 * @param {string} root the real path of the directory
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
function serveFile(root, req, res) {
  const fail = (/** @type {number} */ status) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...(status === 405 ? { Allow: 'GET, HEAD' } : {}) });
    res.end(`${status}\n`);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405);
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return fail(400);
  }
  if (path.includes('\0')) return fail(400);
  let file = resolve(root, `.${path}`);
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    file = realpathSync(file);
    if (!file.startsWith(root + sep) || !statSync(file).isFile()) return fail(404);
  } catch {
    return fail(404);
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(statSync(file).size),
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

/**
 * certcentral proxy: the key-holding proxy on a local HTTP server, optionally beside a static
 * directory. Prints its address on stdout; runs until Ctrl-C (exit 130).
 * @param {Record<string, any>} v
 * @param {string} apiKey
 * @param {{ timeoutMs?: number }} o
 * @param {AbortSignal} signal
 * @returns {Promise<number>}
 */
async function serveProxy(v, apiKey, o, signal) {
  const port = whole(v.port, 'port') ?? 8080;
  if (port > 65535) throw new UsageError('--port must be at most 65535');
  const host = v.host ?? '127.0.0.1';
  let root = null;
  if (v.serve !== undefined) {
    try {
      root = realpathSync(v.serve);
      if (!statSync(root).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new UsageError(`--serve ${JSON.stringify(String(v.serve).slice(0, 80))} is not a directory`);
    }
  }
  await init();
  /** @type {import('./proxy.d.ts').Proxy} */
  let proxy;
  try {
    proxy = createProxy({
    apiKey,
    ...(v['base-url'] !== undefined ? { baseUrl: v['base-url'] } : {}),
    ...(v.region !== undefined ? { region: v.region } : {}),
    ...(v['base-path'] !== undefined ? { basePath: v['base-path'] } : {}),
    ...(v['allow-origin'] ? { allowOrigins: v['allow-origin'] } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    });
  } catch (e) {
    // createProxy's option checks (a TypeError naming the option): bad usage.
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const basePath = v['base-path'] ?? '/certcentral';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (root === null || path === basePath || path.startsWith(`${basePath}/`)) proxy.listener(req, res);
    else serveFile(/** @type {string} */ (root), req, res);
  });
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => {
    throw e;
  })]);
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  process.stdout.write(`certcentral proxy: http://${shown}:${addr.port}${basePath}/ (the four endpoints)${root ? `, static files from ${root} at /` : ''}\n`);
  if (!signal.aborted) await once(signal, 'abort');
  server.close();
  server.closeAllConnections();
  return INTERRUPTED;
}

/**
 * One line about an error for stderr: kind, status, the API's code; never the key (the
 * library's errors never hold it).
 * @param {unknown} e
 */
function describe(e) {
  if (e instanceof CertCentralError) {
    const parts = [`kind ${e.kind}`];
    if (e.status !== null) parts.push(`status ${e.status}`);
    const code = e.errors[0]?.code;
    if (code) parts.push(`code ${code}`);
    if (e.line !== null) parts.push(`line ${e.line}`, `column ${e.column}`);
    return `${e.message} (${parts.join(', ')})`;
  }
  if (e instanceof Error) return `${e.message}${'code' in e && typeof e.code === 'string' ? ` (${e.code})` : ''}`;
  return String(e);
}

async function main() {
  const controller = new AbortController();
  /** @type {Sink[]} */
  const sinks = [];
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(INTERRUPTED);
    interrupted = true;
    controller.abort(new CertCentralError('interrupted', { kind: 'aborted' }));
    for (const s of sinks) s.discard();
    // Whatever is still running gets a moment to unwind, then the process ends.
    setTimeout(() => process.exit(INTERRUPTED), 2000).unref();
  });
  process.stdout.on('error', (e) => {
    // A closed pipe (`| head`): stop quietly.
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'EPIPE') process.exit(interrupted ? INTERRUPTED : DONE);
  });
  let status;
  try {
    status = await run(process.argv.slice(2), controller.signal, (s) => sinks.push(s));
  } catch (e) {
    for (const s of sinks) s.discard();
    if (interrupted) {
      status = INTERRUPTED;
    } else if (e instanceof UsageError || (e instanceof CertCentralError && e.kind === 'invalid_input')) {
      process.stderr.write(`certcentral: ${e.message}\n(certcentral --help for usage)\n`);
      status = USAGE;
    } else {
      process.stderr.write(`certcentral: error: ${describe(e)}\n`);
      status = FAILED;
    }
  }
  if (interrupted) {
    for (const s of sinks) s.discard();
    status = INTERRUPTED;
  }
  process.exitCode = status;
}

await main();
