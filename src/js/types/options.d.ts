/** Options of `createClient`. */
export interface ClientOptions {
  /** The CertCentral API key, sent only in the `X-DC-DEVKEY` header. Leave out when a proxy adds it. */
  apiKey?: string;
  /** Base URL, default `https://www.digicert.com/services/v2`. Plain http only to loopback hosts unless `allowInsecureHttp`. In a page, one starting with `/` (a key-holding proxy on the page's origin, `/certcentral`) is resolved against the page's URL. */
  baseUrl?: string;
  /** `"us"` (default) or `"eu"`; ignored when `baseUrl` is given. */
  region?: "us" | "eu";
  /** Per-attempt timeout in ms (default 30000). */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors, timeouts, 408, 429 and 5xx (default 2). */
  maxRetries?: number;
  /** The fetch to use (proxies, tests); default `globalThis.fetch`. */
  fetch?: (input: Request, init?: RequestInit) => Promise<Response>;
  /** Extra request headers (not the key); those fetch or the client controls (Host, Content-Length, Transfer-Encoding, Connection, Accept, Cookie, ...) are refused. */
  headers?: Record<string, string> | Headers;
  /** Called before each attempt; never sees the key. */
  onRequest?: (event: RequestEvent) => void;
  /** Called after each attempt that got a response; never sees the key. */
  onResponse?: (event: ResponseEvent) => void;
  /** Allow plain http to non-loopback hosts (default false). */
  allowInsecureHttp?: boolean;
  /** Largest response body accepted, in bytes (default 64 MiB). */
  maxResponseBytes?: number;
  /** Client-side rate limiter: DigiCert's published limits by default; `false` turns it off. */
  rateLimit?: false | RateLimitWindow[];
  /** Requests in flight at once, over every call and iterator of every client with this key
   *  (default 1: DigiCert asks for one request at a time). */
  maxConcurrency?: number;
  /** Told when a 429 pauses the queue (every queued request waits `retryAfterMs`). */
  onRateLimit?: (event: RateLimitEvent) => void;
}

/** What `onRateLimit` sees. */
export interface RateLimitEvent {
  /** How long the queue pauses, in ms (`Retry-After`, or the backoff when there is none). */
  retryAfterMs: number;
  /** 0 for the first attempt of the call that got the 429, then 1, 2, ... */
  attempt: number;
  /** The request URL (it never holds the key). */
  url: string;
}

/** One rolling window of the client-side rate limiter. */
export interface RateLimitWindow {
  /** Requests allowed per window. */
  max: number;
  /** Window length in ms. */
  windowMs: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call, including retries and backoff waits. */
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number;
  /** Overrides the client's retry count. */
  maxRetries?: number;
}

/** What `onRequest` sees. */
export interface RequestEvent {
  method: "GET";
  /** The request URL (it never holds the key). */
  url: string;
  /** Request headers other than the key. */
  headers: Record<string, string>;
  /** 0 for the first attempt, then 1, 2, ... */
  attempt: number;
}

/** What `onResponse` sees. */
export interface ResponseEvent {
  method: "GET";
  url: string;
  status: number;
  attempt: number;
  /** Time from sending to the response headers, in ms. */
  durationMs: number;
}
