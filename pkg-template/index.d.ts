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
