// The messages between the CSV import panel (views/csv-import.js) and its worker (csv-worker.js).
// Types only: both sides import them in JSDoc, nothing here runs.

/** @typedef {import('../pkg-template/index.js').UsedVoucherCode} UsedVoucherCode */
/** @typedef {import('../pkg-template/index.js').CsvInput} CsvInput */

/**
 * A thrown value as plain data: what crosses postMessage (the page shows it with showError,
 * which reads a `name: 'CertCentralError'` object like the package's errors).
 * @typedef {object} ErrorInfo
 * @property {string} name
 * @property {string | null} kind
 * @property {string} message
 * @property {number | null} line
 * @property {number | null} column
 */

/**
 * Page -> worker: parse `input` (bad rows collected, at most `maxErrors` kept), or write the
 * parsed records as CSV.
 * @typedef {{ type: 'parse', input: CsvInput, maxErrors: number, previewRows: number }
 *   | { type: 'export' }} ToWorker
 */

/**
 * Worker -> page. `done` carries what the page shows; the records stay in the worker.
 * @typedef {{ type: 'progress', bytes: number, total: number | null, rows: number }
 *   | { type: 'done', rows: number, bytes: number, ms: number, byProduct: [string, number][],
 *       byMonth: [string, number][], preview: UsedVoucherCode[], errors: ErrorInfo[], errorCount: number }
 *   | { type: 'csv', blob: Blob, rows: number }
 *   | { type: 'failed', during: 'parse' | 'export', error: ErrorInfo }} FromWorker
 */

export {};
