/**
 * `eggroll bench playground` (was scripts/playground-longtasks.ts): the playground's main-thread responsiveness
 * while CartPole trains, in Debian's Chromium driven by playwright-core — every long task (PerformanceObserver
 * 'longtask', > 50 ms) from the Train click until the run is done, the longest the page's own code held the main
 * thread (a message handler or an animation frame: eggrollPlayground.maxMainThreadMs), and the seconds until the
 * mean return first reaches 475. `--load N` runs N busy-looping processes alongside (a machine under load).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { z } from 'zod';
import type { Command } from '../command.js';
import { flag, num, parseFlags } from '../flags.js';
import { jsonFlag } from '../common-flags.js';
import { log } from '../output.js';
import { UsageError } from '../errors.js';
import { startStaticServer } from '../static-server.js';
import { PLAYGROUND_DIR, requirePlayground } from './serve.js';

const flags = {
  runs: flag({ schema: num.int(1, 100), default: 1, help: 'runs, each in a fresh page (one JSON line each)' }),
  load: flag({ schema: num.int(0, 64), default: 0, help: 'busy-looping processes alongside (a machine under load)' }),
  threads: flag({ schema: z.enum(['0', '1', '2', '4']), default: '0', help: "the page's kernel-threads control: 0 (automatic), 1, 2 or 4" }),
  gens: flag({ schema: num.int(1, 1000).optional(), help: "generations (default: the page's, 30)" }),
  chromium: flag({ schema: z.string().min(1), default: '/usr/bin/chromium', help: "the browser (Debian's chromium; never a downloaded build)" }),
  'timeout-seconds': flag({ schema: num.range(1, 3600), default: 120, help: 'give a run up after this long' }),
  json: jsonFlag,
};

export interface PlaygroundRun {
  load: number; loadavg_1m: number; kernel_threads: number; best_mean: number; solved: boolean; solved_s: number | null; total_s: number;
  max_own_work_ms: number; long_tasks: number; max_long_task_ms: number; long_tasks_ms: number[];
}

export const benchPlaygroundCommand: Command = {
  name: 'bench playground',
  summary: "the playground's main-thread responsiveness while CartPole trains in Chromium: long tasks, the page's own longest work, time to 475",
  example: 'eggroll bench playground --runs 3 --load 2',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    requirePlayground();
    if (!existsSync(f.chromium)) throw new UsageError(`--chromium: no browser at ${f.chromium} (Debian: apt-get install -y chromium)`);
    let chromium;
    try {
      ({ chromium } = await import('playwright-core'));
    } catch {
      throw new UsageError('bench playground drives Chromium through playwright-core: npm install --save-dev playwright-core');
    }
    const burners = Array.from({ length: f.load }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const server = await startStaticServer(PLAYGROUND_DIR, 0);
    const browser = await chromium.launch({ executablePath: f.chromium, headless: true, args: ['--no-sandbox'] });
    const runs: PlaygroundRun[] = [];
    const timeout = f['timeout-seconds'] * 1000;
    try {
      for (let r = 0; r < f.runs; r++) {
        const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        await page.addInitScript({ content: `window.longTasks = [];
          new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });` });
        await page.goto(server.url);
        await page.selectOption('select[name=threads]', f.threads);
        if (f.gens !== undefined) await page.fill('input[name=gens]', String(f.gens));
        await page.waitForTimeout(500);
        await page.evaluate('window.longTasks.length = 0');
        const t0 = Date.now();
        await page.click('#start');
        await page.waitForFunction("window.eggrollPlayground.curve.some((c) => c.mean >= 475) || ['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout, polling: 50 });
        const firstS = (Date.now() - t0) / 1000;
        await page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout, polling: 100 });
        const pg = await page.evaluate('({ state: window.eggrollPlayground.state, threads: window.eggrollPlayground.threads, best: Math.max(...window.eggrollPlayground.curve.map((c) => c.mean)), own: window.eggrollPlayground.maxMainThreadMs })') as { state: string; threads: number; best: number; own: number };
        if (pg.state === 'error') throw new Error('the playground reported an error while training');
        const longTasks = await page.evaluate('window.longTasks') as number[];
        const run: PlaygroundRun = {
          load: f.load, loadavg_1m: loadavg()[0], kernel_threads: pg.threads, best_mean: pg.best, solved: pg.best >= 475, solved_s: pg.best >= 475 ? firstS : null,
          total_s: (Date.now() - t0) / 1000, max_own_work_ms: Math.round(pg.own * 10) / 10, long_tasks: longTasks.length,
          max_long_task_ms: Math.max(0, ...longTasks), long_tasks_ms: longTasks.map((d) => Math.round(d)),
        };
        runs.push(run);
        if (f.json) process.stdout.write(JSON.stringify(run) + '\n');
        else log(`run ${r + 1}: best mean ${run.best_mean.toFixed(1)}${run.solved ? `, 475 after ${run.solved_s!.toFixed(1)} s` : ''}; page's longest own work ${run.max_own_work_ms} ms; ${run.long_tasks} long tasks (longest ${Math.round(run.max_long_task_ms)} ms); ${run.kernel_threads} kernel thread${run.kernel_threads === 1 ? '' : 's'}`);
        await page.close();
      }
    } finally {
      await browser.close();
      await server.close();
      for (const b of burners) b.kill();
    }
    const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    const summary = { bench: 'playground', runs: runs.length, load: f.load, median_max_own_work_ms: median(runs.map((r) => r.max_own_work_ms)), median_long_tasks: median(runs.map((r) => r.long_tasks)), solved_runs: runs.filter((r) => r.solved).length };
    if (f.json) process.stdout.write(JSON.stringify(summary) + '\n');
  },
};
