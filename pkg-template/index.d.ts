// Public typings of certcentral-wasm. Every type here is generated from the Rust sources
// (tsify and wasm-bindgen) into certcentral_wasm.d.ts; this file names the package's public
// surface and types the two functions the loaders add. (wasm-bindgen's raw `InitOutput`
// table in that file is internal and not exported from here.)
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
 * Instantiates the wasm module ahead of time. Every async entry point does it by itself;
 * in browsers, await it once before `new UsedVoucherCodesCsvParser()`.
 */
export declare function init(): Promise<void>;
