// Shared by the JS tests: the installed package, an in-process sandbox, and Chromium.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve, join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The scratch project scripts/pack.sh installed the npm tarball into. */
export const scratch = resolve(process.env.CERTCENTRAL_SCRATCH ?? join(root, 'target/scratch'));
export const KEY = 'sandbox-key';

/**
 * The package as users get it: imported by name from the scratch project.
 * @returns {Promise<typeof import('../../pkg-template/index.js')>}
 */
export async function loadPackage() {
  return import(pathToFileURL(join(scratch, 'entry.mjs')).href);
}

/**
 * Starts the sandbox on a free port (rate limit off unless given).
 * @param {import('../../sandbox/server.mjs').SandboxOptions} [options]
 * @returns {Promise<import('../../sandbox/server.mjs').Sandbox>}
 */
export async function sandbox(options = {}) {
  const { startSandbox } = await import(pathToFileURL(join(root, 'sandbox/server.mjs')).href);
  return startSandbox({ port: 0, rateLimit: false, ...options });
}

/**
 * A client of the installed package against `sb`.
 * @param {{ baseUrl: string }} sb
 * @param {import('../../pkg-template/index.js').ClientOptions} [options]
 * @returns {Promise<import('../../pkg-template/index.js').Client>}
 */
export async function clientFor(sb, options = {}) {
  const { createClient } = await loadPackage();
  return createClient({ apiKey: KEY, baseUrl: sb.baseUrl, rateLimit: false, ...options });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Debian's Chromium through playwright-core; returns { context, close }.
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, close: () => Promise<void> }>}
 */
export async function chromium() {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'cc-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
