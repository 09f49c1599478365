/**
 * The playground in a real browser: Debian's Chromium (/usr/bin/chromium, installed by .ci/run) driven
 * headless by playwright-core, on a loopback server with COOP/COEP. The page must load without console
 * errors and be cross-origin isolated; training CartPole with the default settings (a Web Worker, wasm)
 * must reach a mean return ≥ 475 within the time budget, with the same learning curve, bit for bit, as
 * the same settings in Node; the animation canvas must change; the main thread's long tasks are measured.
 * Then Acrobot: its preset fills the form, and two generations match Node and animate; then side by side,
 * EGGROLL and OpenES on one seed, each matching Node.
 * A screenshot is saved to test/browser/artifacts/playground.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildPlayground } from '../../scripts/build-browser.mjs';
import { startStaticServer, type StaticServer } from '../../src/cli/static-server.js';
import { loadBackend } from '../../src/backend/index.js';
import { LocalTrainer } from '../../src/es/local-trainer.js';
import { createTask } from '../../src/rl/task.js';
import { strategyFor, taskOptionsFor } from '../../src/rl/config.js';
import { configFor } from '../../src/playground/settings.js';
import { tempDir } from '../helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const TRAIN_BUDGET_MS = 90_000;
const ARTIFACTS = join(import.meta.dirname, 'artifacts');

test('playground: loads cleanly, trains CartPole to ≥ 475 in a Web Worker, matches Node bit for bit, animates', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (apt-get install chromium; .ci/run does)`, timeout: 180_000 }, async () => {
  const dir = tempDir('eggroll-playground-');
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    await buildPlayground({ outdir: dir, minify: true });
    server = await startStaticServer(dir, 0);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    // Long tasks on the main thread (> 50 ms each, by the Long Tasks API's definition).
    // (Browser-side code is passed as strings: this project type-checks without the DOM library.)
    await page.addInitScript({ content: `window.longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });` });
    await page.goto(server.url);
    assert.equal(await page.evaluate('globalThis.crossOriginIsolated'), true, 'COOP/COEP make the page cross-origin isolated');
    const canvasDataUrl = "document.getElementById('cartpole').toDataURL()";
    const canvasBefore = await page.evaluate(canvasDataUrl);
    await page.evaluate('window.longTasks.length = 0');

    // Keyboard only: focus the Train button and press Enter (the defaults: EGGROLL, population 256, 30 generations, seed 0).
    await page.focus('#start');
    await page.keyboard.press('Enter');
    const t0 = Date.now();
    await page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout: TRAIN_BUDGET_MS, polling: 100 });
    const seconds = (Date.now() - t0) / 1000;
    const pg = await page.evaluate('window.eggrollPlayground') as { state: string; curve: { mean: number; max: number; ms: number; memberStepsPerSecond: number }[]; framesDrawn: number; backend: string };
    assert.equal(pg.state, 'done', await page.textContent('#error') ?? '');
    assert.equal(pg.backend, 'wasm');
    assert.equal(pg.curve.length, 30);
    const best = Math.max(...pg.curve.map((c) => c.mean));
    assert.ok(best >= 475, `mean return reached ${best} (475 needed)`);
    assert.ok(pg.curve[pg.curve.length - 1].mean > pg.curve[0].mean, 'training improved the return');

    // The same settings in Node give the same curve, bit for bit.
    const config = configFor({ env: 'CartPole-v1', algo: 'eggroll', pop: 256, rank: 1, sigma: 0.1, lr: 0.05, seed: 0, gens: 30 });
    const backend = await loadBackend('wasm');
    const trainer = new LocalTrainer(createTask(taskOptionsFor(config), backend), backend, strategyFor(config));
    const nodeCurve = Array.from({ length: config.gens }, () => { const r = trainer.step(); return [r.meanFitness, r.maxFitness]; });
    assert.deepEqual(pg.curve.map((c) => [c.mean, c.max]), nodeCurve);

    // The animation runs: frames drawn, and the canvas differs from the empty scene.
    await page.waitForTimeout(300);
    const canvasAfter = await page.evaluate(canvasDataUrl);
    assert.notEqual(canvasAfter, canvasBefore);
    const frames = await page.evaluate('window.eggrollPlayground.framesDrawn') as number;
    assert.ok(frames > 5, `${frames} frames drawn`);
    const stats = await page.textContent('#stats');
    assert.match(stats ?? '', /generation 29: mean return .* ms per generation, .* M member-steps\/s/);

    const longTasks = await page.evaluate('window.longTasks') as number[];
    const ms = pg.curve.reduce((a, c) => a + c.ms, 0) / pg.curve.length;
    const msps = pg.curve.reduce((a, c) => a + c.memberStepsPerSecond, 0) / pg.curve.length;
    const own = await page.evaluate('window.eggrollPlayground.maxMainThreadMs') as number;
    console.log(`# playground: 30 generations in ${seconds.toFixed(1)} s (${ms.toFixed(0)} ms/generation, ${(msps / 1e6).toFixed(2)} M member-steps/s); main-thread long tasks during training: ${longTasks.length ? longTasks.map((d) => d.toFixed(0)).join(', ') + ' ms' : 'none'}; the page's own longest handler or frame: ${own.toFixed(1)} ms`);
    // The main thread only draws. The aim is no task over 50 ms, but on a shared 2-core machine the OS can
    // starve the page for hundreds of ms (271 ms seen at load average 7.7), so a fixed bound flakes. What
    // cannot pass by starvation alone is the page doing the training: then the main thread is busy for most
    // of the run (one long task per generation, ~all of the wall time). Hence: long tasks take under a
    // quarter of the training time, none reaches 1 s. `eggroll bench playground` measures the rest.
    const blocked = longTasks.reduce((a, d) => a + d, 0);
    assert.ok(blocked < 0.25 * seconds * 1000 && longTasks.every((d) => d < 1000), `main thread blocked ${blocked.toFixed(0)} ms of ${(seconds * 1000).toFixed(0)} ms: ${longTasks.join(', ')} ms`);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });

    // Another environment: choosing it fills in its preset; two generations train, match Node and animate.
    await page.selectOption('select[name=env]', 'Acrobot-v1');
    assert.equal(await page.inputValue('input[name=gens]'), '60', 'Acrobot preset filled in');
    await page.fill('input[name=gens]', '2');
    const acrobotBefore = await page.evaluate(canvasDataUrl);
    await page.click('#start');
    await page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout: TRAIN_BUDGET_MS, polling: 100 });
    const ac = await page.evaluate('window.eggrollPlayground') as { state: string; curve: { mean: number; max: number }[] };
    assert.equal(ac.state, 'done', await page.textContent('#error') ?? '');
    const acConfig = configFor({ env: 'Acrobot-v1', algo: 'eggroll', pop: 256, rank: 1, sigma: 0.1, lr: 0.05, seed: 0, gens: 2 });
    const acTrainer = new LocalTrainer(createTask(taskOptionsFor(acConfig), backend), backend, strategyFor(acConfig));
    assert.deepEqual(ac.curve.map((c) => [c.mean, c.max]), [0, 1].map(() => { const r = acTrainer.step(); return [r.meanFitness, r.maxFitness]; }));
    await page.waitForTimeout(300);
    assert.notEqual(await page.evaluate(canvasDataUrl), acrobotBefore, 'the Acrobot animation runs');

    // Side by side: EGGROLL and OpenES on the same seed, on every classic-control task, each curve the one Node
    // gives bit for bit (the environments' sin/cos/tanh are the project's correctly rounded ones, so Chromium's V8
    // and Node's agree).
    for (const [env, gens] of [['CartPole-v1', 3], ['Acrobot-v1', 2], ['MountainCar-v0', 2], ['MountainCarContinuous-v0', 2], ['Pendulum-v1', 2]] as const) {
      await page.selectOption('select[name=env]', env);
      await page.fill('input[name=gens]', String(gens));
      await page.check('input[name=compare]');
      await page.click('#start');
      await page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout: TRAIN_BUDGET_MS, polling: 100 });
      const run = await page.evaluate('window.eggrollPlayground') as { state: string; curve: { mean: number; max: number }[]; compareCurve: { mean: number; max: number }[] };
      assert.equal(run.state, 'done', await page.textContent('#error') ?? '');
      const settings = { pop: Number(await page.inputValue('input[name=pop]')), rank: Number(await page.inputValue('input[name=rank]')), sigma: Number(await page.inputValue('input[name=sigma]')), lr: Number(await page.inputValue('input[name=lr]')), seed: Number(await page.inputValue('input[name=seed]')) };
      if (env === 'CartPole-v1') assert.deepEqual(settings, { pop: 256, rank: 1, sigma: 0.1, lr: 0.05, seed: 0 }, 'CartPole preset');
      for (const [algo, got] of [['eggroll', run.curve], ['openes', run.compareCurve]] as const) {
        const cfg = configFor({ env, algo, ...settings, gens });
        const t = new LocalTrainer(createTask(taskOptionsFor(cfg), backend), backend, strategyFor(cfg));
        assert.deepEqual(got.map((c) => [c.mean, c.max]), Array.from({ length: gens }, () => { const r = t.step(); return [r.meanFitness, r.maxFitness]; }), `${env} ${algo}`);
      }
      if (env === 'CartPole-v1') assert.notDeepEqual(run.curve, run.compareCurve, 'the two algorithms differ');
    }
    assert.deepEqual(problems, []);
  } finally {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
