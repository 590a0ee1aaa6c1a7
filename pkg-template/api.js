// The package's public functions, shared by both loaders (index.js for browsers and
// bundlers, node.js for Node). `ready()` resolves once the wasm module is instantiated.
import { CertCentralError } from './error.js';

export function makeApi(glue, ready) {
  /** Creates a client; see ClientOptions. */
  async function createClient(options) {
    await ready();
    return glue.createClient(options);
  }

  return { createClient, init: async () => { await ready(); } };
}

export { CertCentralError };
