// Runs the suite in headless Chromium (Debian's, through playwright-core) and returns results.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../tests/js/helpers.mjs';
import { serve } from './serve.mjs';

export async function runChromium({ rows, runs, warmup, profile = true, log = () => {} }) {
  return withPage(log, async (page, version) => {
    const out = await page.evaluate((o) => window.runBench(o), { rows, runs, warmup, profile });
    return { runtime: 'chromium', version, ...out };
  });
}

/** The output-shape experiment (shapes.mjs) in Chromium. */
export async function runShapesChromium({ rows, log = () => {} }) {
  return withPage(log, async (page, version) => ({
    runtime: `chromium ${version}`,
    ...(await page.evaluate(async (n) => (await import('/bench/shapes.mjs')).shapesBench(n), rows)),
  }));
}

/** Opens the benchmark page in headless Chromium and runs `fn(page, version, context)`. */
export async function withPage(log, fn) {
  const { chromium } = await import('playwright-core');
  const srv = await serve();
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc --max-old-space-size=8192'],
  });
  try {
    const page = await context.newPage();
    page.on('console', (m) => log(`[chromium] ${m.text()}`));
    page.on('pageerror', (e) => log(`[chromium error] ${e.message}`));
    await page.goto(srv.url);
    await page.waitForFunction(() => window.benchReady === true);
    const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? navigator.userAgent);
    return await fn(page, version, context);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    await srv.close();
  }
}
