/** Options of the CSV parser. */
export interface CsvParseOptions {
  /** Report bad rows in `errors` and go on, instead of rejecting at the first one. */
  collectErrors?: boolean;
  /** With `collectErrors`: keep at most this many bad rows (default 1000); the rest are only
   *  counted (`errorCount`), so a file of garbage cannot exhaust memory. */
  maxErrors?: number;
  /** Called after each chunk with the bytes read so far (and the total when known). If it
   *  throws, the parse stops with an `invalid_input` error whose `cause` is what it threw. */
  onProgress?: (progress: CsvProgress) => void;
  /** Chunk size for string (UTF-16 units), Uint8Array and ArrayBuffer inputs (default 1 Mi;
   *  at most 4 Mi is read at a time). */
  chunkSize?: number;
}

/** What `onProgress` sees. */
export interface CsvProgress {
  /** Input bytes read so far. */
  bytes: number;
  /** Input size in bytes when known up front (Uint8Array, ArrayBuffer, Blob), else null
   *  (strings, streams) until the last event, which always carries the final size. */
  total: number | null;
  /** Records decoded so far. */
  rows: number;
}

/** The result of `parseUsedVoucherCodesCsv`. */
export interface ParsedUsedVoucherCodes {
  /** The records, in file order; each deep-equal to what `listUsedVoucherCodes` returns. */
  records: UsedVoucherCode[];
  /** With `collectErrors`: one `CertCentralError` (kind `csv`, with line/column) per bad row,
   *  the first `maxErrors` of them. */
  errors: CertCentralError[];
  /** With `collectErrors`: how many bad rows there were, kept or not. */
  errorCount: number;
  /** Input bytes read. */
  bytes: number;
}

// BEGIN GENERATED from the `record!` declaration of UsedVoucherCode (src/api/used_codes.rs)
// by src/csv/generated.rs. Do not edit: `BLESS=1 cargo test --lib csv::generated` rewrites it.
/**
 * The records of a used-codes export in columns, for summaries and charts: index `i` of every
 * column belongs to record `i`, the record `parseUsedVoucherCodesCsv` returns at index `i`.
 * Integer columns are `Float64Array`s; `NaN` stands for a record's `null`.
 */
export interface UsedVoucherCodeColumns {
  /** Number of records: the length of every column. */
  length: number;
  id: Float64Array;
  value: string[];
  product_name: (string | null)[];
  no_of_fqdns: Float64Array;
  no_of_wildcards: Float64Array;
  shipping_method: (string | null)[];
  validity_years: Float64Array;
  validity_days: Float64Array;
  status: (string | null)[];
  created_date: (string | null)[];
  voucher_order_id: Float64Array;
  cert_request_date: (string | null)[];
  cert_validity_start_date: (string | null)[];
  cert_validity_end_date: (string | null)[];
  cert_organization: (string | null)[];
  cert_common_name: (string | null)[];
  certificate_order_id: Float64Array;
  voucher_validity_end_date: (string | null)[];
  order_valid_from: (string | null)[];
  order_valid_till: (string | null)[];
  server_licenses: Float64Array;
}
// END GENERATED

/** The result of `parseUsedVoucherCodesCsvColumns`. */
export interface ParsedUsedVoucherCodeColumns {
  /** The records, in columns. */
  columns: UsedVoucherCodeColumns;
  /** With `collectErrors`: one `CertCentralError` (kind `csv`, with line/column) per bad row,
   *  the first `maxErrors` of them. */
  errors: CertCentralError[];
  /** With `collectErrors`: how many bad rows there were, kept or not. */
  errorCount: number;
  /** Input bytes read. */
  bytes: number;
}

/** Accepted inputs of `parseUsedVoucherCodesCsv`. */
export type CsvInput = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;
