// Deterministic CertCentral-like dataset for the sandbox.
//
// Everything comes from one seeded PRNG (mulberry32) and fixed dates, so the same options give
// byte-identical data. The records are the WIRE objects: their quirks (digit strings, " " for
// unset dates, optional keys, nested product objects) are deliberate; see docs/API-NOTES.md.

/** "Today" for the dataset: expiry, days_remaining and date ranges are relative to it. */
export const REFERENCE_DATE = '2025-11-01';
const REF_MS = Date.UTC(2025, 10, 1);
const START_MS = Date.UTC(2019, 0, 1);
const DAY = 86_400_000;
const YEAR = 365 * DAY;

/** The 21 columns of a used voucher code, in JSON (and CSV) order. */
export const USED_CODE_FIELDS = Object.freeze([
  'id', 'value', 'product_name', 'no_of_fqdns', 'no_of_wildcards', 'shipping_method',
  'validity_years', 'validity_days', 'status', 'created_date', 'voucher_order_id',
  'cert_request_date', 'cert_validity_start_date', 'cert_validity_end_date', 'cert_organization',
  'cert_common_name', 'certificate_order_id', 'voucher_validity_end_date', 'order_valid_from',
  'order_valid_till', 'server_licenses',
]);

export const PRODUCTS = Object.freeze([
  { name_id: 'ssl_plus', name: 'Standard SSL', type: 'ssl_certificate', group_name: 'ssl_certificate', kind: 'ssl', price: 175, w: 20 },
  { name_id: 'ssl_basic', name: 'Basic OV', type: 'ssl_certificate', group_name: 'ssl_certificate', kind: 'ssl', price: 198, w: 15 },
  { name_id: 'ssl_wildcard', name: 'WildCard SSL', type: 'ssl_certificate', group_name: 'ssl_certificate', kind: 'wildcard', price: 595, w: 8 },
  { name_id: 'ssl_multi_domain', name: 'Multi-Domain SSL', type: 'ssl_certificate', group_name: 'ssl_certificate', kind: 'multi', price: 358, w: 10 },
  { name_id: 'ssl_ev_plus', name: 'EV SSL Plus', type: 'ssl_certificate', group_name: 'ssl_certificate', kind: 'ssl', price: 295, w: 5 },
  { name_id: 'ssl_securesite', name: 'Secure Site SSL', type: 'ssl_certificate', group_name: 'ssl_certificate', kind: 'ssl', price: 399, w: 5 },
  { name_id: 'ssl_securesite_pro', name: 'Secure Site Pro SSL', type: 'ssl_certificate', group_name: 'ssl_certificate', kind: 'multi', price: 995, w: 4 },
  { name_id: 'ssl_ev_securesite_pro', name: 'Secure Site Pro EV SSL', type: 'ssl_certificate', group_name: 'ssl_certificate', kind: 'multi', price: 1499, w: 3 },
  { name_id: 'ssl_dv_geotrust_flex', name: 'GeoTrust DV SSL', type: 'ssl_certificate', group_name: 'dv_ssl_certificate', kind: 'dv', price: 37, w: 8 },
  { name_id: 'ssl_dv_thawte', name: 'Thawte SSL123 DV', type: 'ssl_certificate', group_name: 'dv_ssl_certificate', kind: 'dv', price: 49, w: 5 },
  { name_id: 'private_ssl_plus', name: 'Private SSL', type: 'ssl_certificate', group_name: 'private_ssl_certificate', kind: 'ssl', price: 99, w: 3 },
  { name_id: 'client_premium', name: 'Premium', type: 'client_certificate', group_name: 'client_certificate', kind: 'client', price: 89, w: 3 },
  { name_id: 'grid_premium', name: 'Grid Premium', type: 'client_certificate', group_name: 'grid_certificate', kind: 'client', price: 59, w: 1 },
  { name_id: 'code_signing', name: 'Code Signing', type: 'code_signing_certificate', group_name: 'code_signing_certificate', kind: 'code', price: 474, w: 3 },
  { name_id: 'code_signing_ev', name: 'EV Code Signing', type: 'code_signing_certificate', group_name: 'code_signing_certificate', kind: 'code', price: 664, w: 2 },
]);
const VOUCHER_PRODUCTS = PRODUCTS.filter((p) => p.type === 'ssl_certificate');

/** Text that real organisation names, common names and notes contain and that breaks naive code. */
export const HOSTILE_TEXT = Object.freeze([
  'Comma, Commas & Co, Ltd.',
  'The "Quoted" Company',
  'Say ""hi"" twice',
  'Line\nBreak GmbH',
  'Carriage\r\nReturn Ltd',
  'Société Générale d\'Élan',
  'Ünïcödé Straße AG',
  '株式会社テスト証明書',
  '北京测试有限公司',
  'Emoji 🔐 Certs 🚀',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '  Leading and trailing spaces  ',
  ' ',
  'Mixed, "all"\nof <b>it</b> 😀',
  'Tab\tSeparated Inc.',
  'Back\\slash & "amp" <co>',
  '=HYPERLINK("http://example.invalid","x")',
  'Right\u202Eto-left override',
  'Zero\u200Bwidth Corp',
]);
const HOSTILE_CN = Object.freeze([
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'exämple.de',
  '例え.テスト',
  '🙂.example.com',
  ' padded.example.com ',
  'a,b.example.com',
  'quo"te.example.com',
  'new\nline.example.com',
  'crlf\r\nline.example.org',
  ' ',
]);
const HOSTILE_RATE = 0.03;

const WORDS = ['acme', 'globex', 'initech', 'umbrella', 'stark', 'wayne', 'hooli', 'vandelay', 'tyrell',
  'cyberdyne', 'soylent', 'wonka', 'oscorp', 'monarch', 'gringotts', 'nakatomi', 'aperture', 'blackmesa',
  'massive', 'dynamic', 'pied', 'piper', 'contoso', 'fabrikam', 'northwind', 'tailspin', 'adatum',
  'litware', 'proseware', 'wingtip', 'alpine', 'coho', 'margie', 'lucerne', 'fourth', 'coffee', 'bluesky',
  'redwood', 'granite', 'harbor', 'summit', 'meridian', 'quantum', 'vertex', 'zenith', 'orbit', 'atlas'];
const HOSTS = ['www', 'mail', 'api', 'shop', 'portal', 'vpn', 'dev', 'staging', 'cdn', 'login', 'intranet', 'app', 'm', 'files'];
const TLDS = ['com', 'com', 'com', 'net', 'org', 'io', 'de', 'co.uk', 'fr', 'nl', 'com.au', 'jp', 'ca', 'eu'];
const ORG_SUFFIX = ['Inc.', 'LLC', 'Ltd.', 'GmbH', 'S.A.', 'B.V.', 'Corp.', 'AG', 'Pty Ltd', 'K.K.', 'plc'];
const FIRST = ['Logan', 'Ava', 'Noah', 'Mia', 'Liam', 'Zoë', 'José', 'Amélie', 'Søren', 'Yuki', 'Wei', 'Priya',
  'Olu', 'Fatima', 'Mateo', 'Ingrid', 'Chen', 'Sean', 'Aoife', 'Dmitri'];
const LAST = ['Nelson', 'Smith', 'García', 'Müller', "O'Brien", 'Tanaka', 'Li', 'Patel', 'Okafor', 'Haddad',
  'Rossi', 'Johansson', 'Nguyen', 'Kowalski', 'Dubois', 'van der Berg'];
const OU = ['IT Dept.', 'Finance Department', 'Engineering', 'Operations', 'Security', 'Marketing', 'R&D'];
const NOTES = ['Example note', 'Renewal batch', 'Q3 purchase', 'For partner rollout', 'PO #4471', 'Reseller stock',
  'Requested by legal', 'Internal use only'];
const CURRENCIES = [['USD', 85], ['EUR', 6], ['GBP', 4], ['JPY', 2], ['AUD', 2], ['CAD', 1]];

// ---------------------------------------------------------------------------------------------
// PRNG and helpers

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The dataset's seeded PRNG (also drives the churn mode, lib/churn.mjs). */
export class Rng {
  constructor(seed) {
    // Scramble the seed so that nearby seeds give unrelated streams.
    let s = (Number(seed) | 0) ^ 0x9e3779b9;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35);
    this.next = mulberry32(s ^ (s >>> 16));
  }
  float() { return this.next(); }
  int(min, max) { return min + Math.floor(this.next() * (max - min + 1)); }
  chance(p) { return this.next() < p; }
  pick(arr) { return arr[Math.floor(this.next() * arr.length)]; }
  weighted(pairs) {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1][0];
  }
  chars(alphabet, n) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  hex(n) { return this.chars('0123456789ABCDEF', n); }
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
/** yyyy-MM-dd */
export function fmtDate(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
/** yyyy-MM-dd hh:mm:ss (no zone) */
export function fmtDateTime(ms) {
  const d = new Date(ms);
  return `${fmtDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
/** ISO 8601 with an explicit offset, e.g. 2019-05-07T09:33:08+00:00 */
export function fmtIso(ms, offsetMin = 0) {
  const local = ms + offsetMin * 60_000;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${fmtDate(local)}T${fmtDateTime(local).slice(11)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
const floorSec = (ms) => Math.floor(ms / 1000) * 1000;

// ---------------------------------------------------------------------------------------------

/**
 * A record as the API sends it, quirks included (see the header): typed loosely on purpose,
 * the sandbox reads it the way a client reads the API's JSON.
 * @typedef {Record<string, any>} WireRecord
 */

/**
 * @typedef {object} Dataset
 * @property {WireRecord[]} subaccountOrders
 * @property {WireRecord[]} usedCodes
 * @property {WireRecord[]} voucherOrders
 * @property {Map<number, WireRecord[]>} reissues by order id
 * @property {WireRecord[]} subaccounts
 * @property {string} referenceDate
 */

/**
 * Build the dataset.
 * @param {{ seed?: number, orders?: number, usedCodes?: number }} [options]
 * @returns {Dataset}
 */
export function generateDataset({ seed = 1, orders = 5000, usedCodes = 20000 } = {}) {
  const rng = new Rng(seed);
  const nOrders = Math.max(0, Math.floor(orders));
  const nCodes = Math.max(0, Math.floor(usedCodes));
  const nVoucherOrders = Math.max(1, Math.round(nCodes * 0.075));

  const hostile = (text, p = HOSTILE_RATE) => (rng.chance(p) ? rng.pick(HOSTILE_TEXT) : text);
  const word = () => rng.pick(WORDS);
  const cap = (w) => w[0].toUpperCase() + w.slice(1);
  const domain = () => `${word()}${rng.chance(0.3) ? '-' + word() : ''}.${rng.pick(TLDS)}`;
  const orgName = () => `${cap(word())}${rng.chance(0.4) ? ' ' + cap(word()) : ''} ${rng.pick(ORG_SUFFIX)}`;
  const currency = () => rng.weighted(CURRENCIES);
  const between = (lo, hi) => floorSec(lo + rng.float() * Math.max(0, hi - lo));

  // Pools ---------------------------------------------------------------------------------------
  const organizations = [];
  for (let i = 0; i < 60; i++) {
    organizations.push({ id: 100000 + i * 7 + rng.int(0, 6), name: hostile(orgName(), 0.05) });
  }
  const subaccounts = [];
  const usedSubIds = new Set();
  for (let i = 0; i < 40; i++) {
    let id;
    do id = rng.int(110000, 999999); while (usedSubIds.has(id));
    usedSubIds.add(id);
    subaccounts.push({
      account_id: id,
      account_type: rng.weighted([['enterprise', 40], ['retail', 25], ['reseller', 20], ['managed', 15]]),
      organization_name: hostile(orgName(), 0.06),
    });
  }
  const users = [];
  for (let i = 0; i < 25; i++) {
    const firstname = rng.pick(FIRST);
    const lastname = rng.pick(LAST);
    const local = `${firstname}.${lastname}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
    users.push({ user_id: 1500 + i * 13 + rng.int(0, 12), email: `${local}@${domain()}`, firstname, lastname });
  }
  const productWeights = PRODUCTS.map((p) => [p, p.w]);
  const voucherProductWeights = VOUCHER_PRODUCTS.map((p) => [p, p.w]);

  const fakeCsr = () => {
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const lines = ['-----BEGIN CERTIFICATE REQUEST-----', 'MIIC' + rng.chars(b64, 60)];
    for (let i = 0; i < 3; i++) lines.push(rng.chars(b64, 64));
    lines.push(rng.chars(b64, rng.int(8, 60)) + '==', '-----END CERTIFICATE REQUEST-----');
    return lines.join('\n');
  };

  // Subaccount orders + reissues -------------------------------------------------------------------
  const subaccountOrders = [];
  const reissues = new Map();
  let orderId = 123455;
  let certId = 101000;
  let reissueCertId = 5_000_000;
  const ISSUED_LIKE = new Set(['issued', 'expired', 'revoked', 'reissue_pending']);

  for (let i = 0; i < nOrders; i++) {
    orderId += rng.int(1, 9);
    certId += rng.int(1, 40);
    const sub = rng.pick(subaccounts);
    const product = rng.weighted(productWeights);
    const created = between(START_MS, REF_MS - 2 * DAY);
    const validityYears = rng.weighted([[1, 60], [2, 30], [3, 10]]);
    let status = rng.weighted([
      ['issued', 50], ['pending', 9], ['waiting_pickup', 3], ['reissue_pending', 4], ['rejected', 5],
      ['revoked', 4], ['canceled', 6], ['needs_approval', 5], ['processing', 2], ['needs_csr', 2],
    ]);
    const issuedMs = ISSUED_LIKE.has(status) ? created + rng.int(60, 3 * 86400) * 1000 : null;
    const validTillMs = issuedMs === null ? null : issuedMs + validityYears * YEAR;
    if (status === 'issued' && validTillMs !== null && validTillMs < REF_MS) status = 'expired';
    const issued = issuedMs !== null;

    // Names on the certificate
    let cn;
    let dns = [];
    const base = domain();
    if (product.kind === 'client') cn = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
    else if (product.kind === 'code') cn = orgName();
    else {
      cn = product.kind === 'wildcard' ? `*.${base}` : rng.chance(0.5) ? `www.${base}` : base;
      dns = [cn];
      if (product.kind !== 'wildcard' && cn !== base && rng.chance(0.7)) dns.push(base);
      if (product.kind === 'wildcard') dns.push(base);
      if (product.kind === 'multi') {
        const n = rng.int(1, 12);
        for (let k = 0; k < n; k++) {
          const name = rng.chance(0.6) ? `${rng.pick(HOSTS)}.${base}` : domain();
          if (!dns.includes(name)) dns.push(name);
        }
      }
    }
    if (rng.chance(HOSTILE_RATE)) cn = rng.pick(HOSTILE_CN);
    const thumbprint = rng.hex(40);
    const serial = rng.hex(32);

    const order = { id: orderId };
    const immediate = rng.chance(0.6);
    if (immediate) {
      const cert = { id: certId };
      if (issued) {
        cert.thumbprint = thumbprint;
        cert.serial_number = serial;
      }
      cert.common_name = cn;
      cert.dns_names = dns.slice();
      if (issued) cert.valid_till = fmtDate(validTillMs);
      const ous = [];
      const nOu = rng.weighted([[0, 3], [1, 6], [2, 1]]);
      for (let k = 0; k < nOu; k++) {
        const ou = rng.chance(0.05) ? rng.pick(HOSTILE_TEXT) : rng.pick(OU);
        if (!ous.includes(ou)) ous.push(ou);
      }
      cert.organization_units = ous;
      cert.signature_hash = rng.weighted([['sha256', 90], ['sha384', 7], ['sha512', 3]]);
      order.certificate = cert;
    }
    order.subaccount = { account_id: sub.account_id, account_type: sub.account_type, organization_name: sub.organization_name };
    order.product = { name_id: product.name_id, name: product.name, type: product.type };
    if (immediate && product.kind !== 'dv' && rng.chance(0.75)) {
      const org = rng.pick(organizations);
      order.organization = { id: org.id, name: org.name };
    }
    const cur = currency();
    const extraSans = Math.max(0, dns.length - 1);
    const rate = cur === 'JPY' ? 110 : 1;
    order.order_price = { cost: Math.round((product.price * validityYears + extraSans * 49) * rate), currency: cur };
    order.status = status;
    order.number_of_sans = dns.length;
    const offset = rng.chance(0.92) ? 0 : rng.pick([-480, -300, -240, 60, 120, 330, 540, 600]);
    order.date_created = fmtIso(created, offset);
    if (issued) order.date_issued = fmtIso(issuedMs, 0);
    order.validity_years = validityYears;

    // Reissues
    const list = [];
    const makeUser = () => rng.pick(users);
    if (rng.chance(0.4)) {
      const n = rng.int(1, 6);
      let t = issuedMs ?? created;
      for (let k = 0; k < n; k++) {
        t = between(t + 3600_000, Math.min(REF_MS, t + 200 * DAY));
        reissueCertId += rng.int(1, 25);
        const st = issued
          ? rng.weighted([['issued', 70], ['pending', 14], ['rejected', 14], ['revoked', 2]])
          : rng.weighted([['pending', 60], ['rejected', 40]]);
        const withCert = st === 'issued' || st === 'revoked';
        const u = makeUser();
        const rCn = rng.chance(0.85) ? cn : rng.chance(HOSTILE_RATE * 3) ? rng.pick(HOSTILE_CN) : domain();
        const r = { id: reissueCertId };
        if (withCert) {
          r.thumbprint = rng.hex(40);
          r.serial_number = rng.hex(32);
        }
        r.common_name = rCn;
        r.dns_names = rCn === cn ? dns.slice() : [rCn];
        r.status = st;
        r.date_created = fmtIso(t, 0);
        if (withCert) {
          const till = validTillMs ?? t + validityYears * YEAR;
          r.valid_till = fmtDate(till);
          r.days_remaining = Math.max(0, Math.floor((till - REF_MS) / DAY));
        }
        r.csr = fakeCsr();
        r.key_size = rng.weighted([[2048, 70], [3072, 10], [4096, 15], [256, 5]]);
        r.user_id = u.user_id;
        r.email = u.email;
        r.firstname = u.firstname;
        r.lastname = u.lastname;
        if (rng.chance(0.6)) {
          r.receipt_id = String(rng.int(1000, 9_999_999));
          r.purchased_dns_names = String(rng.weighted([[0, 60], [1, 20], [2, 12], [5, 8]]));
          r.purchased_wildcard_names = String(rng.weighted([[0, 80], [1, 15], [2, 5]]));
        }
        r.archived = rng.chance(0.15) ? 1 : 0;
        list.push(r);
      }
      // The duplicate-primary bug: copies of the primary certificate inside the reissue list.
      if (issued && validTillMs !== null && rng.chance(0.18)) {
        const u = makeUser();
        const primary = {
          id: certId, thumbprint, serial_number: serial, common_name: cn, dns_names: dns.slice(),
          status: 'issued', date_created: fmtIso(created, 0), valid_till: fmtDate(validTillMs),
          days_remaining: Math.max(0, Math.floor((validTillMs - REF_MS) / DAY)), csr: fakeCsr(),
          key_size: 2048, user_id: u.user_id, email: u.email, firstname: u.firstname, lastname: u.lastname,
          archived: 0,
        };
        if (rng.chance(0.25)) list.length = 0; // copies INSTEAD of the reissues
        const copies = rng.int(1, 2);
        for (let k = 0; k < copies; k++) list.splice(rng.int(0, list.length), 0, { ...primary, dns_names: dns.slice() });
      }
      if (list.length && rng.chance(0.12)) {
        const prices = [];
        const n = rng.int(1, 2);
        for (let k = 0; k < n; k++) {
          let c;
          do c = currency(); while (c === cur && CURRENCIES.length > 1);
          prices.push({ cost: Math.round(rng.float() * 40000 + 1000) / 100, currency: c });
        }
        order.order_prices = prices;
      }
    }
    reissues.set(orderId, list);
    subaccountOrders.push(order);
  }

  // Voucher orders (the codes are attached after the used codes exist) ---------------------------
  /** @type {WireRecord[]} */
  const voucherOrders = [];
  /** @type {Record<string, any>[]} the generator's notes on each voucher order */
  const vmeta = [];
  let voucherId = 25240;
  for (let i = 0; i < nVoucherOrders; i++) {
    voucherId += rng.int(1, 4);
    const created = between(START_MS, REF_MS - 30 * DAY);
    const years = rng.weighted([[1, 80], [2, 20]]);
    const status = rng.weighted([['completed', 55], ['active', 20], ['used', 15], ['canceled', 10]]);
    const nProducts = rng.weighted([[1, 75], [2, 25]]);
    const products = [];
    for (let k = 0; k < nProducts; k++) products.push(rng.weighted(voucherProductWeights));
    const dayBased = rng.chance(0.1);
    vmeta.push({
      created,
      expires: created + years * YEAR,
      products,
      validity_years: dayBased ? 0 : rng.weighted([[1, 70], [2, 20], [3, 5], [6, 5]]),
      validity_days: dayBased ? rng.pick([90, 180, 365, 397]) : 0,
      idMode: rng.weighted([['number', 85], ['string', 10], ['mixed', 5]]),
      codes: [],
    });
    voucherOrders.push({
      id: voucherId,
      name: hostile(rng.pick(organizations).name, HOSTILE_RATE),
      status,
      cost: 0,
      currency: currency(),
      created_date: fmtDateTime(created),
      expiration_date: fmtDate(created + years * YEAR),
      can_cancel: status === 'active' && rng.chance(0.6),
      codes: [],
      notes: rng.chance(0.4) ? hostile(rng.pick(NOTES), 0.08) : '',
    });
  }
  const eligible = [];
  voucherOrders.forEach((v, i) => { if (v.status !== 'canceled') eligible.push(i); });
  if (eligible.length === 0) eligible.push(0);

  // Used codes ------------------------------------------------------------------------------------
  const used = [];
  let codeId = 49169;
  let certOrderId = 204928158;
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  for (let i = 0; i < nCodes; i++) {
    codeId += rng.int(1, 3);
    certOrderId += rng.int(1, 40);
    // Skewed choice: some voucher orders hold many codes.
    const vi = eligible[Math.floor(Math.pow(rng.float(), 1.3) * eligible.length)];
    const v = voucherOrders[vi];
    const m = vmeta[vi];
    const product = rng.pick(m.products);
    const kind = product.name_id === 'ssl_wildcard' ? 'wildcard' : product.name_id.includes('multi') || product.name_id.includes('pro') ? 'multi' : 'single';
    const fqdns = kind === 'multi' ? rng.int(2, 25) : rng.weighted([[1, 80], [5, 15], [250, 1], [2, 4]]);
    const wildcards = kind === 'wildcard' ? 1 : kind === 'multi' ? rng.weighted([[0, 70], [1, 20], [3, 10]]) : 0;
    const requested = between(m.created + 600_000, Math.min(m.expires, REF_MS));
    const issuedCert = rng.chance(0.75);
    const start = issuedCert ? requested + rng.int(60, 3 * 86400) * 1000 : 0;
    const validityMs = m.validity_years ? m.validity_years * YEAR : m.validity_days * DAY;
    let org = rng.chance(0.8) ? v.name : rng.pick(organizations).name;
    org = hostile(org);
    let cn = rng.chance(0.5) ? `www.${domain()}` : domain();
    if (rng.chance(HOSTILE_RATE)) cn = rng.pick(HOSTILE_CN);
    const code = {
      id: codeId,
      value: rng.chars(B32, 32),
      product_name: product.name,
      no_of_fqdns: fqdns,
      no_of_wildcards: wildcards,
      shipping_method: rng.weighted([['N/A', 90], ['STANDARD', 7], ['EXPEDITED', 3]]),
      validity_years: m.validity_years,
      validity_days: m.validity_days,
      status: 'used',
      created_date: v.created_date,
      voucher_order_id: v.id,
      cert_request_date: fmtDateTime(requested),
      cert_validity_start_date: issuedCert ? fmtDateTime(start) : ' ',
      cert_validity_end_date: issuedCert ? fmtDateTime(start + Math.min(validityMs, 397 * DAY)) : ' ',
      cert_organization: org,
      cert_common_name: cn,
      certificate_order_id: String(certOrderId),
      voucher_validity_end_date: v.expiration_date,
      order_valid_from: issuedCert ? fmtDateTime(start) : ' ',
      order_valid_till: issuedCert ? fmtDateTime(start + validityMs) : ' ',
      server_licenses: String(rng.weighted([[1, 85], [2, 8], [5, 5], [10, 2]])),
    };
    used.push(code);
    m.codes.push({ id: code.id, value: code.value, product, fqdns, wildcards, status: 'used' });
  }

  // Attach codes to voucher orders --------------------------------------------------------------
  let extraCodeId = 700000;
  voucherOrders.forEach((v, i) => {
    const m = vmeta[i];
    const extra = v.status === 'used' ? (m.codes.length ? 0 : 1) : rng.int(m.codes.length ? 0 : 1, 4);
    for (let k = 0; k < extra; k++) {
      extraCodeId += rng.int(1, 5);
      const product = rng.pick(m.products);
      m.codes.push({
        id: extraCodeId,
        value: rng.chars(B32, 32),
        product,
        fqdns: rng.weighted([[1, 80], [5, 20]]),
        wildcards: product.name_id === 'ssl_wildcard' ? 1 : 0,
        status: v.status === 'canceled' ? 'canceled' : m.expires < REF_MS ? rng.weighted([['expired', 1], ['active', 1]]) : 'active',
      });
    }
    m.codes.sort((a, b) => a.id - b.id);
    let cost = 0;
    v.codes = m.codes.map((c) => {
      const asString = m.idMode === 'string' || (m.idMode === 'mixed' && rng.chance(0.5));
      const out = {
        id: asString ? String(c.id) : c.id,
        value: c.value,
        product: { group_name: c.product.group_name, name_id: c.product.name_id, name: c.product.name },
        no_of_fqdns: c.fqdns,
        no_of_wildcards: c.wildcards,
      };
      if (m.validity_years) out.validity_years = m.validity_years;
      else out.validity_days = m.validity_days;
      out.status = c.status;
      cost += c.product.price * Math.max(1, m.validity_years);
      return out;
    });
    v.cost = v.currency === 'JPY' ? cost * 110 : cost;
    // used_from / valid_till: documented, absent from the doc example; present on some orders.
    if (rng.chance(0.4)) {
      const firstUse = used.length ? m.created + rng.int(1, 30) * DAY : m.created;
      v.used_from = fmtDateTime(Math.min(firstUse, REF_MS));
      v.valid_till = fmtDateTime(m.expires);
    }
    v.page = { total: 0, limit: 0, offset: 0 };
  });

  return { subaccountOrders, usedCodes: used, voucherOrders, reissues, subaccounts, referenceDate: REFERENCE_DATE };
}
