// Public typings of certcentral-wasm. Every type here is generated from the Rust sources
// (tsify and wasm-bindgen) into certcentral_wasm.d.ts; this file names the package's public
// surface and types the two functions the loaders add. (scripts/build.sh cuts wasm-bindgen's
// internals, `InitInput`, `InitOutput`, `initSync`, from that file: they name DOM types and
// `any`, and a Node-only project without skipLibCheck would fail on them.)
import type { Client, ClientOptions } from './certcentral_wasm.js';

export type {
  // client
  Client, ClientOptions, CallOptions, RateLimitWindow, RateLimitEvent, RequestEvent, ResponseEvent,
  // errors
  CertCentralErrorKind, ApiErrorEntry,
  // queries
  UsedVoucherCodesQuery, UsedVoucherCodeFilters, SubaccountOrdersQuery, SubaccountOrderFilters,
  SubaccountOrderSortKey, DateFilter, ReissueOptions,
  // records
  UsedVoucherCode, UsedVoucherCodeList, VoucherOrder, VoucherCode, Product, Price,
  ReissuedCertificate, ReissueList, SubaccountOrder, SubaccountOrderList, OrderCertificate,
  OrderSubaccount, OrderOrganization, Page,
  // CSV
  CsvInput, CsvParseOptions, CsvProgress, ParsedUsedVoucherCodes, ParsedUsedVoucherCodeColumns,
  UsedVoucherCodeColumns,
} from './certcentral_wasm.js';
export {
  CertCentralError,
  UsedVoucherCodesCsvParser,
  parseUsedVoucherCodesCsv,
  parseUsedVoucherCodesCsvColumns,
} from './certcentral_wasm.js';

/** Which columns `recordsToCsv` writes. */
export interface CsvWriteOptions {
  /**
   * A record kind, whose columns are the command line's (`certcentral ... --format csv`):
   * `'order'` (subaccount orders), `'reissue'` (an order's reissued certificates), `'used_code'`;
   * or a list of column paths, `a.b` reading `record.a.b` (lists joined with `;`, objects as JSON).
   */
  columns: 'order' | 'reissue' | 'used_code' | readonly string[];
  /** Leave formula-like cells as they are (default false: a cell starting with `=`, `+`, `-`,
   *  `@`, tab or CR, other than a plain number, gets a `'` prefix, for spreadsheets). */
  raw?: boolean;
}

/**
 * Records as CSV text: a header row, then one row per record; RFC 4180 quoting, CRLF line
 * ends; written by the same csv-core writer as the command line, with formula-like cells
 * neutralised (OWASP "CSV injection") unless `raw`. Bad arguments reject with a
 * `CertCentralError` of kind `invalid_input`.
 */
export declare function recordsToCsv(records: Iterable<object>, options: CsvWriteOptions): Promise<string>;

/**
 * A CSV text (such as `exportUsedVoucherCodesCsv()`'s) written again with every formula-like
 * cell neutralised, as `recordsToCsv` does; quoting and line ends are kept.
 */
export declare function neutraliseCsv(csv: string): Promise<string>;

/** Creates a client. Resolves once the wasm module is ready. */
export declare function createClient(options?: ClientOptions): Promise<Client>;

/**
 * What `init()` can start from: a compiled `WebAssembly.Module`, the .wasm's bytes, a `Response`
 * (or a promise of one, such as `fetch(url)`), or the .wasm's URL. Typed structurally so that
 * a project without the DOM's types checks cleanly.
 */
export type InitSource =
  | ArrayBuffer
  | ArrayBufferView
  | string
  | { readonly href: string }
  | { arrayBuffer(): Promise<ArrayBuffer>; readonly ok: boolean; readonly status: number }
  | PromiseLike<{ arrayBuffer(): Promise<ArrayBuffer>; readonly ok: boolean; readonly status: number }>
  /** A `WebAssembly.Module`. */
  | object;

/**
 * Instantiates the wasm module ahead of time, from the .wasm beside the loader or from `source`.
 * Every async entry point does it by itself; in browsers, await it once before
 * `new UsedVoucherCodesCsvParser()`. A failure rejects with a `CertCentralError` of kind `init`
 * whose message says what to do, and is not kept: the next call tries again.
 */
export declare function init(source?: InitSource): Promise<void>;

declare global {
  // `using` on a Client or a parser: declared here as @types/node and lib esnext.disposable do,
  // so that a project with lib es2022 alone checks cleanly.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
