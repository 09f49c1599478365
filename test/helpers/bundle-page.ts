/**
 * A page with the browser bundle (dist/browser/eggroll.js built afresh into a temp folder, served on 127.0.0.1) in
 * Debian's Chromium: what the tests that compare a page's results with Node's (math, WebGPU) share.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildBrowser, ENTRY_POINTS } from '../../scripts/build-browser.mjs';
import { startStaticServer } from '../../src/cli/static-server.js';
import { tempDir } from './temp.js';

export const CHROMIUM = '/usr/bin/chromium';
/** The skip reason where Debian's chromium is missing (.ci/run installs it). */
export const noChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (apt-get install chromium; .ci/run does)`;

/**
 * Runs `fn` on a page that can `import('/eggroll.js')` (and `/NAME.js` for each extra entry point, bundled the same
 * way: a test's own page code); closes the browser and the server afterwards.
 */
export async function withBundlePage<T>(args: string[], fn: (page: Page) => Promise<T>, extraEntries: { in: string; out: string }[] = []): Promise<T> {
  const dir = tempDir('eggroll-page-');
  await buildBrowser({ entryPoints: [...ENTRY_POINTS, ...extraEntries], outdir: dir, minify: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>eggroll</title>');
  const server = await startStaticServer(dir, 0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', ...args] });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    return await fn(page);
  } finally {
    await browser.close();
    await server.close();
  }
}
