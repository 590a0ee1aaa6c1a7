/**
 * The one error class of certcentral-wasm. `kind` says what went wrong:
 * `http | network | timeout | aborted | decode | invalid_input | csv | init` (`init`: the wasm
 * module could not be loaded or compiled; the message says what to do; the next call retries).
 * It never holds the API key (the key only travels in a request header).
 */
export class CertCentralError extends Error {
  /**
   * @param {string} message
   * @param {{ kind?: string, status?: number | null, errors?: { code: string, message: string }[],
   *   url?: string | null, retryAfterMs?: number | null, line?: number | null, column?: number | null,
   *   contentType?: string | null }} [init]
   */
  constructor(message, init = {}) {
    super(message);
    this.name = 'CertCentralError';
    this.kind = init.kind ?? 'network';
    this.status = init.status ?? null;
    this.errors = init.errors ?? [];
    this.url = init.url ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.line = init.line ?? null;
    this.column = init.column ?? null;
    this.contentType = init.contentType ?? null;
  }

  toJSON() {
    const { name, message, kind, status, errors, url, retryAfterMs, line, column, contentType } = this;
    return { name, message, kind, status, errors, url, retryAfterMs, line, column, contentType };
  }
}
