// Typings of certcentral-wasm/proxy: the key-holding proxy a web portal serves on its own origin.

/** One rolling window of the rate limiter: at most `max` requests per `windowMs`. */
export interface ProxyRateLimitWindow { max: number; windowMs: number }

/** What `onRequest` is told before a request goes upstream (never the key or a header). */
export interface ProxyRequestEvent {
  method: string;
  /** The upstream path and query, rebuilt from the validated arguments. */
  path: string;
  accept: string;
  origin: string | null;
}

/** What `onResponse` is told (never the key, a header or the body). */
export interface ProxyResponseEvent {
  method: string;
  /** The upstream path and query, or null when the proxy answered by itself (refusals). */
  path: string | null;
  /** The status sent back (499: the caller went away before an answer). */
  status: number;
  durationMs: number;
}

export interface ProxyOptions {
  /** The CertCentral API key. Required; stays on the server (use a View Only key). */
  apiKey: string;
  /** The upstream base URL (https; http only to a loopback host). Default the US host. */
  baseUrl?: string;
  /** "us" (default) or "eu", when no baseUrl is given. */
  region?: 'us' | 'eu';
  /** Allow a plain-http baseUrl to a non-loopback host. Default false. */
  allowInsecureHttp?: boolean;
  /** Where the proxy answers: `<basePath>` + the four endpoint paths. Default "/certcentral". */
  basePath?: string;
  /** Exact origins allowed cross-origin (CORS). Default none: same origin only. */
  allowOrigins?: string[];
  /** The portal's own check (session cookie, SSO header); anything but `true` gives 403. */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /** Upstream requests in flight at once, for all callers. Default 1. */
  maxConcurrency?: number;
  /** The rolling windows (DigiCert's published limits by default), or false for none. */
  rateLimit?: false | ProxyRateLimitWindow[];
  /** Per upstream attempt, time in the queue not counted (and the longest silence while a body streams): 504. Default 30000. */
  timeoutMs?: number;
  /** The largest body passed through; a larger one is refused (502) or its stream cut. Default 64 MiB. */
  maxResponseBytes?: number;
  /** Requests waiting (not counting those in flight); beyond it: 503 with Retry-After. Default 100. */
  maxQueue?: number;
  onRequest?: (event: ProxyRequestEvent) => void;
  onResponse?: (event: ProxyResponseEvent) => void;
  /** The fetch used upstream (default the global fetch). */
  fetch?: typeof fetch;
}

/** The part of node:http's IncomingMessage the listener reads (typed here so the package needs no @types/node). */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The part of node:http's ServerResponse the listener writes. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): boolean;
  end(chunk?: string): unknown;
  destroy(): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
  readonly headersSent: boolean;
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
}

export interface Proxy {
  /** Web-standard handler: Cloudflare Workers (`export default proxy`), `Bun.serve(proxy)`, `Deno.serve(proxy.fetch)`, a Next.js route handler. */
  fetch(request: Request): Promise<Response>;
  /** node:http handler: `http.createServer(proxy.listener)`, Express `app.use(proxy.listener)`. */
  listener(req: NodeRequestLike, res: NodeResponseLike): void;
}

/** Creates the proxy (throws a TypeError for invalid options; the wasm starts on first request). */
export declare function createProxy(options: ProxyOptions): Proxy;
