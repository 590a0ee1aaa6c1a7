// The package's public functions, shared by both loaders (index.js for browsers and
// bundlers, node.js for Node). `ready()` resolves once the wasm module is instantiated;
// `readySync()` instantiates it at once where the runtime allows (Node) or throws.
import { CertCentralError } from './error.js';

export function makeApi(glue, ready, readySync) {
  /** Creates a client; see ClientOptions. */
  async function createClient(options) {
    await ready();
    return glue.createClient(options);
  }

  /** Parses a whole used-codes CSV export; see CsvParseOptions. */
  async function parseUsedVoucherCodesCsv(input, options) {
    await ready();
    return glue.parseUsedVoucherCodesCsv(input, options);
  }

  /** Parses a whole used-codes CSV export into columns; see UsedVoucherCodeColumns. */
  async function parseUsedVoucherCodesCsvColumns(input, options) {
    await ready();
    return glue.parseUsedVoucherCodesCsvColumns(input, options);
  }

  /** The streaming CSV parser; in browsers, `await init()` first. */
  class UsedVoucherCodesCsvParser extends glue.UsedVoucherCodesCsvParser {
    constructor(options) {
      readySync();
      super(options);
    }
  }

  async function init() {
    await ready();
  }

  return { createClient, parseUsedVoucherCodesCsv, parseUsedVoucherCodesCsvColumns, UsedVoucherCodesCsvParser, init };
}

export { CertCentralError };
