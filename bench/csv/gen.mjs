// Realistic used-codes CSV exports for the benchmark, and the typed records they must parse to.
// Plain ES module without imports: runs in Node and in the browser page alike.
//
// The rows follow the sandbox's used-codes export (sandbox/data.mjs + usedCodesToCsv): the 21
// columns in API order, quoted only when a cell holds a space, comma, quote, CR or LF, `" "`
// for unset dates and organisations, ids as digit strings, and ~3% hostile organisation and
// common names (quotes, commas, CR/LF, accents, CJK, emoji, padding, RTL override).

export const FIELDS = [
  'id', 'value', 'product_name', 'no_of_fqdns', 'no_of_wildcards', 'shipping_method',
  'validity_years', 'validity_days', 'status', 'created_date', 'voucher_order_id',
  'cert_request_date', 'cert_validity_start_date', 'cert_validity_end_date', 'cert_organization',
  'cert_common_name', 'certificate_order_id', 'voucher_validity_end_date', 'order_valid_from',
  'order_valid_till', 'server_licenses',
];
export const INT_FIELDS = new Set(['id', 'no_of_fqdns', 'no_of_wildcards', 'validity_years',
  'validity_days', 'voucher_order_id', 'certificate_order_id', 'server_licenses']);

const HOSTILE_ORG = ['Comma, Commas & Co, Ltd.', 'The "Quoted" Company', 'Say ""hi"" twice', 'Line\nBreak GmbH',
  'Carriage\r\nReturn Ltd', "Société Générale d'Élan", 'Ünïcödé Straße AG', '株式会社テスト証明書', '北京测试有限公司',
  'Emoji 🔐 Certs 🚀', '<script>alert(1)</script>', '  Leading and trailing spaces  ', ' ',
  'Mixed, "all"\nof <b>it</b> 😀', 'Tab\tSeparated Inc.', '=HYPERLINK("http://example.invalid","x")',
  'Right\u202Eto-left override', 'Zero\u200Bwidth Corp'];
const HOSTILE_CN = ['exämple.de', '例え.テスト', '🙂.example.com', ' padded.example.com ', 'a,b.example.com',
  'quo"te.example.com', 'new\nline.example.com', 'crlf\r\nline.example.org', ' '];
const PRODUCTS = ['Standard SSL', 'Basic OV', 'WildCard SSL', 'Multi-Domain SSL', 'EV SSL Plus', 'Secure Site SSL',
  'Secure Site Pro SSL', 'GeoTrust DV SSL', 'Thawte SSL123 DV', 'Private SSL'];
const WORDS = ['acme', 'globex', 'initech', 'umbrella', 'stark', 'wayne', 'hooli', 'vandelay', 'tyrell', 'cyberdyne',
  'contoso', 'fabrikam', 'northwind', 'tailspin', 'adatum', 'litware', 'wingtip', 'alpine', 'coho', 'atlas'];
const SUFFIX = ['Inc.', 'LLC', 'Ltd.', 'GmbH', 'S.A.', 'B.V.', 'Corp.', 'AG', 'Pty Ltd', 'K.K.', 'plc'];
const HOSTS = ['www', 'mail', 'api', 'shop', 'portal', 'vpn', 'dev', 'cdn', 'login', 'app'];
const TLDS = ['com', 'com', 'com', 'net', 'org', 'io', 'de', 'co.uk', 'fr', 'nl', 'com.au', 'jp'];
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const DAY = 86_400_000;
const START = Date.UTC(2019, 0, 1);

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const p2 = (n) => (n < 10 ? `0${n}` : `${n}`);
function date(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
}
function dateTime(ms) {
  const d = new Date(ms);
  return `${date(ms)} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}
const cap = (w) => w[0].toUpperCase() + w.slice(1);

/**
 * A deterministic stream of rows: `next()` returns `{ record, csv }` where `record` is the typed
 * record the parser must return (numbers, null for unset) and `csv` the CSV line (no line end).
 */
export function rowSource(seed = 1) {
  const r = mulberry32(seed);
  const int = (a, b) => a + Math.floor(r() * (b - a + 1));
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  let id = 49169;
  let cert = 204928158;
  let voucher = 25000;
  return function next() {
    id += int(1, 3);
    cert += int(1, 40);
    if (r() < 0.05) voucher += int(1, 9);
    const multi = r() < 0.2;
    const years = r() < 0.85 ? int(1, 3) : 0;
    const created = START + int(0, 6 * 365) * DAY + int(0, 86399) * 1000;
    const requested = created + int(1, 200) * DAY + int(0, 86399) * 1000;
    const issued = r() < 0.75;
    const start = requested + int(60, 3 * 86400) * 1000;
    let org = `${cap(pick(WORDS))} ${cap(pick(WORDS))} ${pick(SUFFIX)}`;
    if (r() < 0.03) org = pick(HOSTILE_ORG);
    let cn = `${r() < 0.5 ? `${pick(HOSTS)}.` : ''}${pick(WORDS)}.${pick(TLDS)}`;
    if (r() < 0.03) cn = pick(HOSTILE_CN);
    let value = '';
    for (let i = 0; i < 32; i++) value += B32[Math.floor(r() * 32)];
    const wire = [
      String(id), value, pick(PRODUCTS), String(multi ? int(2, 25) : 1), String(multi ? int(0, 3) : 0),
      r() < 0.9 ? 'N/A' : 'STANDARD', String(years), String(years ? 0 : int(30, 365)), 'used',
      dateTime(created), String(voucher), dateTime(requested),
      issued ? dateTime(start) : ' ', issued ? dateTime(start + 397 * DAY) : ' ',
      org, cn, String(cert), date(created + 365 * DAY),
      issued ? dateTime(start) : ' ', issued ? dateTime(start + (years || 1) * 365 * DAY) : ' ',
      String(pick([1, 1, 1, 1, 1, 1, 2, 5, 10])),
    ];
    const record = {};
    let csv = '';
    for (let i = 0; i < 21; i++) {
      const f = FIELDS[i];
      const s = wire[i];
      const blank = s.trim() === '';
      record[f] = blank ? null : INT_FIELDS.has(f) ? Number(s) : s;
      if (i) csv += ',';
      csv += /[ ,"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    }
    return { record, csv };
  };
}

export const HEADER = FIELDS.join(',');

/** `n` rows: `{ csv, records }` (LF line ends, no final newline, like the sandbox export). */
export function generate(n, seed = 1) {
  const next = rowSource(seed);
  const lines = [HEADER];
  const records = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = next();
    records[i] = row.record;
    lines.push(row.csv);
  }
  return { csv: lines.join('\n'), records };
}

/**
 * CSV bytes produced on the fly, `chunkBytes` at a time (whole rows per chunk), until at least
 * `totalBytes` were produced: the header first. Never holds more than one chunk.
 */
export function* csvChunks(totalBytes, { chunkBytes = 1 << 20, seed = 1 } = {}) {
  const enc = new TextEncoder();
  const next = rowSource(seed);
  let produced = 0;
  let first = true;
  while (produced < totalBytes) {
    let s = first ? `${HEADER}\n` : '';
    first = false;
    while (s.length < chunkBytes) s += `${next().csv}\n`;
    const b = enc.encode(s);
    produced += b.length;
    yield b;
  }
}

// -------------------------------------------------------------------------------------------
// Normalisers: what each competitor needs to return the SAME typed records as ours.

const blankToNull = (v) => (v === null || v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v);
const int = (v) => (v === undefined || v === null || v.trim() === '' ? null : +v);
const txt = (v) => (v === undefined || v.trim() === '' ? null : v);

/** Row function (d3-dsv, csv-parse): a string-valued row -> the typed record. */
export function typedRow(d) {
  return {
    id: int(d.id),
    value: txt(d.value),
    product_name: txt(d.product_name),
    no_of_fqdns: int(d.no_of_fqdns),
    no_of_wildcards: int(d.no_of_wildcards),
    shipping_method: txt(d.shipping_method),
    validity_years: int(d.validity_years),
    validity_days: int(d.validity_days),
    status: txt(d.status),
    created_date: txt(d.created_date),
    voucher_order_id: int(d.voucher_order_id),
    cert_request_date: txt(d.cert_request_date),
    cert_validity_start_date: txt(d.cert_validity_start_date),
    cert_validity_end_date: txt(d.cert_validity_end_date),
    cert_organization: txt(d.cert_organization),
    cert_common_name: txt(d.cert_common_name),
    certificate_order_id: int(d.certificate_order_id),
    voucher_validity_end_date: txt(d.voucher_validity_end_date),
    order_valid_from: txt(d.order_valid_from),
    order_valid_till: txt(d.order_valid_till),
    server_licenses: int(d.server_licenses),
  };
}

/** PapaParse's dynamicTyping, limited to the integer columns (so text stays text). */
export const PAPA_TYPING = Object.fromEntries([...INT_FIELDS].map((f) => [f, true]));
const TEXT_FIELDS = FIELDS.filter((f) => !INT_FIELDS.has(f));
const INTS = [...INT_FIELDS];
/** In place: PapaParse's dynamically typed row -> the typed record (" " / "" -> null). */
export function normalisePapa(rows) {
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i];
    for (let j = 0; j < TEXT_FIELDS.length; j++) {
      const f = TEXT_FIELDS[j];
      const v = o[f];
      if (v.trim() === '') o[f] = null;
    }
    for (let j = 0; j < INTS.length; j++) {
      const f = INTS[j];
      o[f] = blankToNull(o[f]);
    }
  }
  return rows;
}

/** Flat-record equality (records are flat objects of strings, numbers and null). */
export function sameRecord(a, b) {
  if (!a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.is(a[k], b[k])) return false;
  return true;
}

/** Indices of a sample: first and last 50, and every 997th in between. */
export function sampleIndices(n) {
  const s = new Set();
  for (let i = 0; i < Math.min(50, n); i++) s.add(i).add(n - 1 - i);
  for (let i = 0; i < n; i += 997) s.add(i);
  return [...s].filter((i) => i >= 0).sort((x, y) => x - y);
}

/** Throws unless `got` has `want.length` records equal to `want` on the sample. */
export function checkSample(name, got, want) {
  if (got.length !== want.length) throw new Error(`${name}: ${got.length} records, expected ${want.length}`);
  for (const i of sampleIndices(want.length)) {
    if (!sameRecord(got[i], want[i])) {
      throw new Error(`${name}: record ${i} differs:\n${JSON.stringify(got[i])}\n${JSON.stringify(want[i])}`);
    }
  }
}
