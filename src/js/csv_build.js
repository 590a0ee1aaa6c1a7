// The CSV records' hand-over to JS, for src/js/csv.rs: one batch of columns (see
// src/csv/columns.rs) becomes record objects, or is appended to the columns of
// parseUsedVoucherCodesCsvColumns, in one tight loop.
//
// Nothing here throws into wasm: it reads only values the Rust side made (typed-array views
// of wasm memory, two strings, arrays it owns) and the objects below, and calls neither wasm
// nor any caller code. The views are read (or copied) before it returns and never kept.
//
// A text cell's flag (src/csv/columns.rs): 0 ASCII (in `a`), 1 null, 2 non-ASCII (in `u`),
// 3 ASCII kept as its column's last kept value, 4 that kept value again.

// BEGIN GENERATED from the `record!` declaration of UsedVoucherCode (src/api/used_codes.rs)
// by src/csv/generated.rs. Do not edit: `BLESS=1 cargo test --lib csv::generated` rewrites it.
/** The integer columns, in the order of each record's numbers in `nums`. */
const INTS = ['id', 'no_of_fqdns', 'no_of_wildcards', 'validity_years', 'validity_days', 'voucher_order_id', 'certificate_order_id', 'server_licenses'];
/** The text columns, in the order of each record's text cells. */
const TEXTS = ['value', 'product_name', 'shipping_method', 'status', 'created_date', 'cert_request_date', 'cert_validity_start_date', 'cert_validity_end_date', 'cert_organization', 'cert_common_name', 'voucher_validity_end_date', 'order_valid_from', 'order_valid_till'];
/** Every field, in the records' order. */
const FIELDS = ['id', 'value', 'product_name', 'no_of_fqdns', 'no_of_wildcards', 'shipping_method', 'validity_years', 'validity_days', 'status', 'created_date', 'voucher_order_id', 'cert_request_date', 'cert_validity_start_date', 'cert_validity_end_date', 'cert_organization', 'cert_common_name', 'certificate_order_id', 'voucher_validity_end_date', 'order_valid_from', 'order_valid_till', 'server_licenses'];

/**
 * Appends the `n` records of a batch to `out` as objects, one object literal with the fields
 * in the records' order (so every record has the same shape).
 * @param {object[]} out
 * @param {Float64Array} nums
 * @param {NextCell} T
 * @param {number} n
 */
function buildRecords(out, nums, T, n) {
  const at = out.length;
  /** @type {(x: number) => number | null} */
  const N = (x) => (x === x ? x : null);
  for (let i = 0, k = 0; i < n; i++, k += 8) {
    const t0 = T(0), t1 = T(1), t2 = T(2), t3 = T(3), t4 = T(4), t5 = T(5), t6 = T(6), t7 = T(7),
      t8 = T(8), t9 = T(9), t10 = T(10), t11 = T(11), t12 = T(12);
    out[at + i] = {
      id: nums[k],
      value: t0,
      product_name: t1,
      no_of_fqdns: N(nums[k + 1]),
      no_of_wildcards: N(nums[k + 2]),
      shipping_method: t2,
      validity_years: N(nums[k + 3]),
      validity_days: N(nums[k + 4]),
      status: t3,
      created_date: t4,
      voucher_order_id: N(nums[k + 5]),
      cert_request_date: t5,
      cert_validity_start_date: t6,
      cert_validity_end_date: t7,
      cert_organization: t8,
      cert_common_name: t9,
      certificate_order_id: N(nums[k + 6]),
      voucher_validity_end_date: t10,
      order_valid_from: t11,
      order_valid_till: t12,
      server_licenses: N(nums[k + 7]),
    };
  }
}
// END GENERATED

/**
 * The columns of parseUsedVoucherCodesCsvColumns while they are built.
 * @typedef {object} ColumnsAcc
 * @property {number} n records so far
 * @property {Float64Array[]} nums each batch's integers (`INTS.length` per record)
 * @property {(string | null)[][]} texts one array per text column
 */

/** @typedef {(column: number) => string | null} NextCell */

/**
 * The text cells of a batch, in order: `T(c)` is the next cell (of text column `c`).
 * @param {string} a the batch's ASCII cells, concatenated
 * @param {string} u its other cells, concatenated
 * @param {number} aBase offset of `a` in the parser's ASCII text
 * @param {number} uBase offset of `u` in the parser's other text (UTF-16 units)
 * @param {Uint32Array} ends each cell's end offset
 * @param {Uint8Array} flags each cell's flag (see the header)
 * @param {(string | null)[]} kept each text column's last kept value, owned by the parser
 * @returns {NextCell}
 */
function cells(a, u, aBase, uBase, ends, flags, kept) {
  let t = 0;
  let sa = 0;
  let su = 0;
  return (c) => {
    const f = flags[t];
    let v = null;
    if (f === 0 || f === 3) {
      const e = ends[t] - aBase;
      v = a.slice(sa, e);
      sa = e;
      if (f === 3) kept[c] = v;
    } else if (f === 4) {
      v = kept[c];
    } else if (f === 2) {
      const e = ends[t] - uBase;
      v = u.slice(su, e);
      su = e;
    }
    t++;
    return v;
  };
}

/**
 * Appends one batch (n records) to `target`: record objects to an array (from its end), or
 * the columns to a `newColumns()` accumulator.
 * @param {object[] | ColumnsAcc} target
 * @param {Float64Array} nums `INTS.length` integers per record (`NaN` for null)
 * @param {string} a
 * @param {string} u
 * @param {number} aBase
 * @param {number} uBase
 * @param {Uint32Array} ends
 * @param {Uint8Array} flags
 * @param {(string | null)[]} kept
 * @param {number} n
 * @returns {void}
 */
export function buildBatch(target, nums, a, u, aBase, uBase, ends, flags, kept, n) {
  const T = cells(a, u, aBase, uBase, ends, flags, kept);
  if (Array.isArray(target)) buildRecords(target, nums, T, n);
  else buildColumns(target, nums, T, n);
}

/**
 * An empty accumulator for `buildBatch` and `finishColumns`.
 * @returns {ColumnsAcc}
 */
export function newColumns() {
  return { n: 0, nums: [], texts: TEXTS.map(() => []) };
}

/**
 * @param {ColumnsAcc} acc
 * @param {Float64Array} nums
 * @param {NextCell} T
 * @param {number} n
 */
function buildColumns(acc, nums, T, n) {
  acc.nums.push(nums.slice());
  const texts = acc.texts;
  const m = texts.length;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) texts[c].push(T(c));
  }
  acc.n += n;
}

/**
 * The accumulated columns as a `UsedVoucherCodeColumns`: the integers in `Float64Array`s.
 * @param {ColumnsAcc} acc
 * @returns {Record<string, number | Float64Array | (string | null)[]>}
 */
export function finishColumns(acc) {
  const n = acc.n;
  const ints = INTS.map(() => new Float64Array(n));
  const m = ints.length;
  let row = 0;
  for (const chunk of acc.nums) {
    for (let k = 0; k < chunk.length; k += m, row++) {
      for (let j = 0; j < m; j++) ints[j][row] = chunk[k + j];
    }
  }
  /** @type {Record<string, number | Float64Array | (string | null)[]>} */
  const out = { length: n };
  for (const name of FIELDS) {
    const j = INTS.indexOf(name);
    out[name] = j >= 0 ? ints[j] : acc.texts[TEXTS.indexOf(name)];
  }
  return out;
}
