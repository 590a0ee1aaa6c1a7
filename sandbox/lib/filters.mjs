// The filters' value matchers: dates, exact values, text. Each takes the filter's value and
// returns a predicate on a record's value.

import { ApiError } from './http.mjs';

/** @typedef {(recordValue: unknown) => boolean} Matcher */

const DATE_RE = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}:\d{2})?$/;

/**
 * The `yyyy-MM-dd` of a valid `yyyy-MM-dd[ HH:mm:ss]`, else null.
 * @param {string} s
 * @returns {string | null}
 */
function validDate(s) {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const d = new Date(m[1] + 'T00:00:00Z');
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[1] ? null : m[1];
}

/**
 * A date filter value (`a...b` inclusive, `<d`, `>d`, or one day) -> predicate on a record's
 * date string (compares the yyyy-MM-dd part). A bad date is a 400 `invalid_value:<name>`.
 * @param {string} name the filter
 * @param {string} value
 * @returns {Matcher}
 */
export function dateMatcher(name, value) {
  const bad = () => new ApiError(400, `invalid_value:${name}`, `Invalid date filter for ${name}: use yyyy-MM-dd...yyyy-MM-dd, <yyyy-MM-dd or >yyyy-MM-dd.`);
  const v = value.trim();
  let lo = null;
  let hi = null;
  let loStrict = false;
  let hiStrict = false;
  if (v.startsWith('<')) {
    hi = validDate(v.slice(1).trim());
    hiStrict = true;
    if (!hi) throw bad();
  } else if (v.startsWith('>')) {
    lo = validDate(v.slice(1).trim());
    loStrict = true;
    if (!lo) throw bad();
  } else if (v.includes('...')) {
    const [a, b, ...rest] = v.split('...');
    lo = validDate(a.trim());
    hi = validDate(b.trim());
    if (!lo || !hi || rest.length) throw bad();
  } else {
    lo = hi = validDate(v);
    if (!lo) throw bad();
  }
  return (recordValue) => {
    if (typeof recordValue !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(recordValue)) return false;
    const d = recordValue.slice(0, 10);
    if (lo !== null && (loStrict ? d <= lo : d < lo)) return false;
    if (hi !== null && (hiStrict ? d >= hi : d > hi)) return false;
    return true;
  };
}

const NUMERIC_RE = /^-?\d+(?:\.\d+)?$/;

/**
 * Exact match; numbers (and digit strings) compare numerically.
 * @param {string} value
 * @returns {Matcher}
 */
export function exactMatcher(value) {
  const numeric = NUMERIC_RE.test(value.trim());
  const n = Number(value);
  return (recordValue) => {
    if (recordValue === undefined || recordValue === null) return false;
    if (numeric && (typeof recordValue === 'number' || (typeof recordValue === 'string' && NUMERIC_RE.test(recordValue)))) {
      return Number(recordValue) === n;
    }
    return String(recordValue) === value;
  };
}

/**
 * Text filter: a value starting with '%' is a case-insensitive substring match, else exact.
 * @param {string} value
 * @returns {Matcher}
 */
export function textMatcher(value) {
  if (value.startsWith('%')) {
    const needle = value.replace(/^%+/, '').replace(/%+$/, '').toLowerCase();
    return (recordValue) => typeof recordValue === 'string' && recordValue.toLowerCase().includes(needle);
  }
  return (recordValue) => recordValue === value;
}
