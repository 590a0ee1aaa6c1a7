// Records out as CSV: the cells of a record along dotted column paths, written by the core's
// csv-core writer (glue `csvRows`; formula-like cells neutralised unless raw). Shared by the
// public `recordsToCsv` (api.js) and the command line (cli.js), so both write the same bytes.

/**
 * One CSV cell of `v` along `parts` from `i`: lists joined with `;`, absent values empty,
 * objects at the end of the path as JSON.
 * @param {unknown} v
 * @param {string[]} parts
 * @param {number} i
 * @returns {string}
 */
export function cellOf(v, parts, i) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => cellOf(x, parts, i)).join(';');
  if (i === parts.length) return typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v !== 'object') return '';
  return cellOf(/** @type {Record<string, unknown>} */ (v)[/** @type {string} */ (parts[i])], parts, i + 1);
}

/**
 * The cells of `records`, row after row, one per column path (`a.b` reads `record.a.b`).
 * @param {Iterable<unknown>} records
 * @param {string[][]} paths
 * @param {string[]} [into] cells already there (a header row)
 * @returns {string[]}
 */
export function cellsOf(records, paths, into = []) {
  for (const r of records) for (const p of paths) into.push(cellOf(r, p, 0));
  return into;
}
