#!/usr/bin/env -S npx tsx
// Measures the playground's main-thread responsiveness while CartPole trains with the default settings:
// every long task (PerformanceObserver 'longtask', > 50 ms) from the Train click until the run is done,
// the longest the page's own code held the main thread (a message handler or an animation frame:
// eggrollPlayground.maxMainThreadMs), and the seconds until the mean return first reaches 475. `--load N` runs N busy-looping processes
// alongside (a machine under load); `--threads T` picks the kernel-threads control (0: automatic).
// Usage: npx tsx scripts/playground-longtasks.ts [--load 2] [--threads 0] [--runs 3]   (prints one JSON line per run)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildPlayground } from './build-browser.mjs';
import { startStaticServer } from '../src/cli/static-server.js';

const { values } = parseArgs({ options: { load: { type: 'string', default: '0' }, threads: { type: 'string', default: '0' }, runs: { type: 'string', default: '1' } } });
const dir = mkdtempSync(join(tmpdir(), 'eggroll-longtasks-'));
const burners = Array.from({ length: Number(values.load) }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
try {
  await buildPlayground({ outdir: dir, minify: true });
  const server = await startStaticServer(dir, 0);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  for (let r = 0; r < Number(values.runs); r++) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.addInitScript({ content: `window.longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });` });
    await page.goto(server.url);
    await page.selectOption('select[name=threads]', values.threads);
    await page.waitForTimeout(500);
    await page.evaluate('window.longTasks.length = 0');
    const t0 = Date.now();
    await page.click('#start');
    await page.waitForFunction("window.eggrollPlayground.curve.some((c) => c.mean >= 475) || ['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout: 120_000, polling: 50 });
    const solvedS = (Date.now() - t0) / 1000;
    await page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout: 120_000, polling: 100 });
    const pg = await page.evaluate('({ threads: window.eggrollPlayground.threads, best: Math.max(...window.eggrollPlayground.curve.map((c) => c.mean)), own: window.eggrollPlayground.maxMainThreadMs })') as { threads: number; best: number; own: number };
    const longTasks = await page.evaluate('window.longTasks') as number[];
    console.log(JSON.stringify({ load: Number(values.load), loadavg_1m: loadavg()[0], kernel_threads: pg.threads, best_mean: pg.best, solved_s: solvedS, total_s: (Date.now() - t0) / 1000,
      max_own_work_ms: Math.round(pg.own * 10) / 10, long_tasks: longTasks.length, max_long_task_ms: Math.max(0, ...longTasks), long_tasks_ms: longTasks.map((d) => Math.round(d)) }));
    await page.close();
  }
  await browser.close();
  await server.close();
} finally {
  for (const b of burners) b.kill();
  rmSync(dir, { recursive: true, force: true });
}
