/**
 * The playground's GPU option in Debian's Chromium with --enable-unsafe-webgpu (SwiftShader's adapter here): EGGROLL
 * on CartPole, device-resident in the page's Web Worker (es/device-eggroll.ts over navigator.gpu), gives the curve the
 * CPU gives in Node; a browser without WebGPU gets the option disabled and a line saying so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildPlayground } from '../../scripts/build-browser.mjs';
import { startStaticServer, type StaticServer } from '../../src/cli/static-server.js';
import { jsBackend } from '../../src/backend/index.js';
import { LocalTrainer } from '../../src/es/local-trainer.js';
import { createTask } from '../../src/rl/task.js';
import { strategyFor, taskOptionsFor } from '../../src/rl/config.js';
import { configFor } from '../../src/playground/settings.js';
import { tempDir } from '../helpers/temp.js';
import { CHROMIUM, noChromium } from '../helpers/bundle-page.js';

test('playground: the GPU option trains CartPole device-resident, with the CPU\'s curve; without WebGPU it is disabled and says why', { skip: noChromium, timeout: 240_000 }, async () => {
  const dir = tempDir('eggroll-playground-gpu-');
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    await buildPlayground({ outdir: dir, minify: true });
    server = await startStaticServer(dir, 0);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--enable-unsafe-webgpu'] });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(server.url);
    await page.waitForFunction("document.querySelector('option[value=gpu]') && !document.querySelector('option[value=gpu]').disabled && globalThis.navigator.gpu", undefined, { timeout: 30_000 });
    await page.selectOption('select[name=device]', 'gpu');
    await page.fill('input[name=pop]', '16');
    await page.fill('input[name=gens]', '2');
    await page.click('#start');
    await page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout: 180_000, polling: 200 });
    const pg = await page.evaluate('window.eggrollPlayground') as { state: string; backend: string; curve: { mean: number; max: number }[]; framesDrawn: number };
    assert.equal(pg.state, 'done', await page.textContent('#error') ?? '');
    assert.match(pg.backend, /^webgpu \(.+\)$/);
    const config = configFor({ env: 'CartPole-v1', algo: 'eggroll', pop: 16, rank: 1, sigma: 0.1, lr: 0.05, seed: 0, gens: 2 });
    const trainer = new LocalTrainer(createTask(taskOptionsFor(config), jsBackend), jsBackend, strategyFor(config));
    assert.deepEqual(pg.curve.map((c) => [c.mean, c.max]), [0, 1].map(() => { const r = trainer.step(); return [r.meanFitness, r.maxFitness]; }));
    assert.match(await page.textContent('#stats') ?? '', /generation 1: .*webgpu/);
    assert.deepEqual(problems, []);

    // A browser without WebGPU: the option is disabled, with a line saying so.
    const bare = await browser.newPage();
    await bare.addInitScript({ content: "Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });" });
    await bare.goto(server.url);
    await bare.waitForFunction("document.getElementById('gpu-note').textContent !== ''", undefined, { timeout: 30_000 });
    assert.equal(await bare.evaluate("document.querySelector('option[value=gpu]').disabled"), true);
    assert.equal(await bare.textContent('#gpu-note'), 'WebGPU is not available in this browser: CPU only');
  } finally {
    await browser?.close();
    await server?.close();
  }
});
