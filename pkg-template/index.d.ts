// Public typings of certcentral-wasm. The record, query and option types are generated from
// the Rust types (tsify and wasm-bindgen) into certcentral_wasm.d.ts; this file only names
// the package's entry points.
import type { Client, ClientOptions } from './certcentral_wasm.js';

export type * from './certcentral_wasm.js';

/** Creates a client. Resolves once the wasm module is ready. */
export declare function createClient(options?: ClientOptions): Promise<Client>;

/** Instantiates the wasm module ahead of time (optional: every async entry point does it). */
export declare function init(): Promise<void>;

/** What went wrong, as `CertCentralError.kind`. */
export type CertCentralErrorKind =
  | 'http' | 'network' | 'timeout' | 'aborted' | 'decode' | 'invalid_input' | 'csv';

/** One entry of the API's error body. */
export interface ApiError {
  code: string;
  message: string;
}

/** The one error class of the package: check `kind`. It never holds the API key. */
export declare class CertCentralError extends Error {
  constructor(message: string, init?: Partial<Omit<CertCentralError, 'name' | 'message' | 'toJSON'>>);
  readonly name: 'CertCentralError';
  /** What went wrong. */
  kind: CertCentralErrorKind;
  /** HTTP status (http errors, decode errors of a response), else null. */
  status: number | null;
  /** The API's `errors` entries (empty when there were none). */
  errors: ApiError[];
  /** The request URL (never with the key), else null. */
  url: string | null;
  /** What the server's Retry-After asked for, in ms, else null. */
  retryAfterMs: number | null;
  /** 1-based line of a CSV error, else null. */
  line: number | null;
  /** 1-based column of a CSV error, else null. */
  column: number | null;
  toJSON(): Record<string, unknown>;
}
