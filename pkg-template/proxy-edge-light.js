// certcentral-wasm/proxy for the `edge-light` condition (Next.js edge runtime, Vercel Edge
// Functions): the .wasm imported with `?module`, as the package's own edge-light entry does.
import * as glue from './certcentral_wasm.js';
import { init } from './edge-light.js';
import { makeCreateProxy } from './proxy-core.js';

/** @typedef {import('./proxy.d.ts').ProxyOptions} ProxyOptions */
/** @typedef {import('./proxy.d.ts').Proxy} Proxy */

/** @type {(options: ProxyOptions) => Proxy} */
export const createProxy = makeCreateProxy(init, /** @type {import('./proxy-core.js').ProxyGlue} */ (/** @type {unknown} */ (glue)));
