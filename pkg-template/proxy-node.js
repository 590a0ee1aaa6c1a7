// certcentral-wasm/proxy for Node: reads the .wasm beside this file on first use.
import * as glue from './certcentral_wasm.js';
import { init } from './node.js';
import { makeCreateProxy } from './proxy-core.js';

/** @typedef {import('./proxy.d.ts').ProxyOptions} ProxyOptions */
/** @typedef {import('./proxy.d.ts').Proxy} Proxy */

/** @type {(options: ProxyOptions) => Proxy} */
export const createProxy = makeCreateProxy(init, /** @type {import('./proxy-core.js').ProxyGlue} */ (/** @type {unknown} */ (glue)));
