/** What went wrong, as `CertCentralError.kind`. */
export type CertCentralErrorKind =
  | "http" | "network" | "timeout" | "aborted" | "decode" | "invalid_input" | "csv"
  /** The wasm module could not be loaded or compiled (the message says what to do); the next call retries. */
  | "init";

/** The one error class of the package: check `kind`. It never holds the API key. */
export declare class CertCentralError extends Error {
  constructor(message: string, init?: Partial<Pick<CertCentralError, "kind" | "status" | "errors" | "url" | "retryAfterMs" | "line" | "column" | "contentType">>);
  readonly name: "CertCentralError";
  /** What went wrong. */
  kind: CertCentralErrorKind;
  /** HTTP status (http errors, and decode errors of a response), else null. */
  status: number | null;
  /** The API's `errors` entries (empty when there were none). */
  errors: ApiErrorEntry[];
  /** The request URL (never with the key), else null. */
  url: string | null;
  /** What the server's Retry-After asked for, in ms, else null. */
  retryAfterMs: number | null;
  /** 1-based line of a CSV error, else null. */
  line: number | null;
  /** 1-based column of a CSV error, else null. */
  column: number | null;
  /** `init` errors: the content type the .wasm URL answered with, else null. */
  contentType: string | null;
  /** A plain object of the fields above (what `JSON.stringify` shows). */
  toJSON(): { name: string; message: string; kind: CertCentralErrorKind; status: number | null; errors: ApiErrorEntry[]; url: string | null; retryAfterMs: number | null; line: number | null; column: number | null; contentType: string | null };
}
