// The command line of `node sandbox/server.mjs` (flags in sandbox/README.md).

import path from 'node:path';
import { DEFAULT_RATE_LIMIT, parseRateLimit } from './ratelimit.mjs';
import { parseChurn } from './churn.mjs';
import { parseLatency } from './latency.mjs';

/** The key the sandbox accepts unless told otherwise. */
export const DEFAULT_KEY = 'sandbox-key';

/**
 * The options of `startSandbox`, and `help`.
 * @typedef {import('../server.mjs').SandboxOptions & { keys: string[], help?: boolean }} CliOptions
 */

/**
 * @param {string[]} argv
 * @returns {CliOptions}
 */
function parseArgs(argv) {
  /** @type {CliOptions} */
  const opts = { port: 8787, host: '127.0.0.1', seed: 1, keys: [], rateLimit: DEFAULT_RATE_LIMIT };
  /**
   * @param {number} i
   * @param {string} flag
   */
  const need = (i, flag) => {
    if (i >= argv.length) throw new Error(`${flag} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    /** @type {string | null} */
    let inline = null;
    if (a.startsWith('--') && a.includes('=')) {
      inline = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const val = () => (inline !== null ? inline : need(++i, a));
    /**
     * @param {string} v
     * @param {string} flag
     */
    const int = (v, flag) => {
      if (!/^\d+$/.test(v)) throw new Error(`${flag} wants a non-negative integer`);
      return Number(v);
    };
    switch (a) {
      case '--port': opts.port = int(val(), a); break;
      case '--host': opts.host = val(); break;
      case '--seed': opts.seed = int(val(), a); break;
      case '--key': opts.keys.push(val()); break;
      case '--rate-limit': opts.rateLimit = parseRateLimit(val()); break;
      case '--no-rate-limit': opts.rateLimit = false; break;
      case '--www': opts.wwwDir = path.resolve(val()); break;
      case '--pkg': opts.pkgDir = path.resolve(val()); break;
      case '--orders': opts.orders = int(val(), a); break;
      case '--used-codes': opts.usedCodes = int(val(), a); break;
      case '--verbose': opts.verbose = true; break;
      case '--cors': opts.cors = true; break;
      case '--churn': opts.churn = parseChurn(val()); break;
      case '--latency': opts.latency = parseLatency(val()); break;
      case '-h':
      case '--help': opts.help = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (!opts.keys.length) opts.keys = [DEFAULT_KEY];
  return opts;
}

const USAGE = `usage: node sandbox/server.mjs [--port 8787] [--host 127.0.0.1] [--seed 1] [--key sandbox-key]
       [--rate-limit 100/5s,1000/300s | --no-rate-limit] [--www DIR] [--pkg DIR]
       [--orders 5000] [--used-codes 20000] [--verbose] [--cors]
       [--churn RATE[:SEED]] [--latency BASE_MS[+PER_RECORD_MS]]`;

/**
 * Runs the sandbox from the command line until SIGINT or SIGTERM.
 * @param {(options: CliOptions) => Promise<{ url: string, baseUrl: string, close: () => Promise<void> }>} startSandbox
 */
export async function main(startSandbox) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : e}\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const sb = await startSandbox(opts);
  process.stdout.write(`certcentral sandbox: ${sb.url} (API base ${sb.baseUrl}, key ${opts.keys[0]})\n`);
  const stop = () => {
    sb.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
