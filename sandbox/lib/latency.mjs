// The latency option: every API answer waits `baseMs`, plus `perRecordMs` for each record of a
// list page (subaccount orders), as the real API's pages take longer the more they hold. For
// benchmarks; off by default.

/**
 * @typedef {object} Latency
 * @property {number} baseMs per answer
 * @property {number} perRecordMs per record of a list page
 */

/**
 * Parses the command line's `--latency BASE[+PER]` (ms), e.g. `300+1`.
 * @param {string} spec
 * @returns {Latency}
 */
export function parseLatency(spec) {
  const m = /^(\d+(?:\.\d+)?)(?:\+(\d+(?:\.\d+)?))?$/.exec(spec.trim());
  if (!m) throw new Error(`--latency wants BASE or BASE+PER in ms (e.g. 300+1), not ${spec.slice(0, 40)}`);
  return { baseMs: Number(m[1]), perRecordMs: m[2] === undefined ? 0 : Number(m[2]) };
}

/**
 * The delay of an answer holding `records` records, in ms.
 * @param {Latency | null} latency
 * @param {number} records
 * @returns {number}
 */
export function delayOf(latency, records) {
  if (!latency) return 0;
  return Math.max(0, latency.baseMs + latency.perRecordMs * records);
}
