/**
 * The playground's threads, export/import, Boolean tab, keyboard and phone width, in Debian's Chromium
 * (headless, playwright-core) on a loopback server with COOP/COEP, like playground.test.ts:
 * - kernel threads: CartPole at population 2048 (large enough that the wasm backend splits its GEMMs and
 *   epilogues over threads) gives the same curve with 1 and 2 kernel threads, equal to Node's, and the
 *   2-thread run really split calls;
 * - export → `eggroll eval FILE` reports the mean return the page reports for the same seed and episodes;
 *   a checkpoint made by `eggroll train` imports, animates and evaluates to the CLI's number;
 * - the Boolean tab, reached by keyboard alone (the tablist's arrow keys), learns 2-parity at n = 5 to
 *   100% over all 32 inputs, the same chain as the lab's runMh in Node;
 * - at 375×740 nothing scrolls sideways on either tab; screenshots go to test/browser/artifacts/;
 * - served without COOP/COEP (not cross-origin isolated), the page still trains, on one kernel thread.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildPlayground } from '../../scripts/build-browser.mjs';
import { startStaticServer, type StaticServer } from '../../src/cli/static-server.js';
import { loadBackend } from '../../src/backend/index.js';
import { LocalTrainer } from '../../src/es/local-trainer.js';
import { createTask } from '../../src/rl/task.js';
import { strategyFor, taskOptionsFor } from '../../src/rl/config.js';
import { configFor } from '../../src/playground/settings.js';
import { runMh } from '../../src/boolean/mcmc.js';
import { makeTarget, makeTask } from '../../src/boolean/experiments.js';
import { widthFor, toDnf } from '../../src/boolean/dfcn.js';
import { formatDnf } from '../../src/boolean/dnf.js';
import { tempDir } from '../helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const CLI = join(import.meta.dirname, '../../dist/cli/bin.js');
const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} missing (apt-get install chromium; .ci/run does)` : !existsSync(CLI) ? `${CLI} missing (npm run build)` : false;
const BUDGET = 60_000;

let dir: string;
let server: StaticServer;
let browser: Browser;
before(async () => {
  if (skip) return;
  dir = tempDir('eggroll-playground-more-');
  await buildPlayground({ outdir: join(dir, 'site'), minify: true });
  server = await startStaticServer(join(dir, 'site'), 0);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh page with console errors collected and long tasks recorded. */
async function open(viewport = { width: 1000, height: 800 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(server.url);
  assert.equal(await page.evaluate('globalThis.crossOriginIsolated'), true);
  return { page, problems };
}

const waitDone = (page: Page) => page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.state)", undefined, { timeout: BUDGET, polling: 100 });
const state = <T>(page: Page) => page.evaluate('window.eggrollPlayground') as Promise<T>;
type Pg = { state: string; curve: { mean: number; max: number }[]; threads: number; parallelCalls: number; evaluation?: { mean: number; episodes: number; seed: number }; imported?: { env: string; generation: number } };
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: BUDGET });
  assert.equal(r.status, 0, `eggroll ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const lastJson = (s: string) => JSON.parse(s.trim().split('\n').at(-1)!);

test('kernel threads: 1 and 2 threads give the same curve, equal to Node; the 2-thread run splits calls', { skip, timeout: 3 * BUDGET }, async () => {
  const { page, problems } = await open();
  const curves: number[][][] = [];
  for (const threads of ['1', '2']) {
    await page.fill('input[name=pop]', '2048');
    await page.fill('input[name=gens]', '2');
    await page.selectOption('select[name=threads]', threads);
    await page.click('#start');
    await waitDone(page);
    const pg = await state<Pg>(page);
    assert.equal(pg.state, 'done', await page.textContent('#error') ?? '');
    assert.equal(pg.threads, Number(threads));
    if (threads === '2') assert.ok(pg.parallelCalls > 0, 'the 2-thread backend split calls over its threads');
    else assert.equal(pg.parallelCalls, 0);
    await page.waitForFunction(`/wasm, ${threads} kernel threads?\\) — done\\.$/.test(document.getElementById('stats').textContent)`, undefined, { timeout: 5000 });
    curves.push(pg.curve.map((c) => [c.mean, c.max]));
    console.log(`# population 2048, ${threads} kernel thread(s): ${pg.curve.map((c) => (c as unknown as { ms: number }).ms.toFixed(0)).join(', ')} ms per generation, ${pg.parallelCalls} split calls`);
  }
  assert.deepEqual(curves[1], curves[0]);
  const config = configFor({ env: 'CartPole-v1', algo: 'eggroll', pop: 2048, rank: 1, sigma: 0.1, lr: 0.05, seed: 0, gens: 2 });
  const backend = await loadBackend('wasm');
  const trainer = new LocalTrainer(createTask(taskOptionsFor(config), backend), backend, strategyFor(config));
  assert.deepEqual(curves[0], [0, 1].map(() => { const r = trainer.step(); return [r.meanFitness, r.maxFitness]; }));
  // Automatic: the cross-origin isolated page's worker takes hardwareConcurrency kernel threads, at most 4.
  await page.selectOption('select[name=threads]', '0');
  await page.fill('input[name=pop]', '64');
  await page.fill('input[name=gens]', '1');
  await page.click('#start');
  await waitDone(page);
  const cores = await page.evaluate('navigator.hardwareConcurrency') as number;
  assert.equal((await state<Pg>(page)).threads, Math.min(4, cores));
  assert.deepEqual(problems, []);
  await page.close();
});

test('export → eggroll eval gives the page\'s mean return; a checkpoint of eggroll train imports, animates and evaluates the same', { skip, timeout: 3 * BUDGET }, async () => {
  const { page, problems } = await open();
  // Stop keeps the policy: the run ends after the generation in progress, and that is what is exported.
  await page.fill('input[name=pop]', '128');
  await page.fill('input[name=gens]', '1000');
  await page.fill('input[name=seed]', '3');
  await page.click('#start');
  await page.waitForFunction('window.eggrollPlayground.curve.length >= 3', undefined, { timeout: BUDGET, polling: 50 });
  await page.click('#stop');
  await waitDone(page);
  const stopped = await state<Pg>(page);
  assert.equal(stopped.state, 'done', await page.textContent('#error') ?? '');
  const gens = stopped.curve.length;
  assert.ok(gens >= 3 && gens < 1000, `${gens} generations`);
  await page.waitForFunction("document.getElementById('stats').textContent.endsWith('— stopped.')", undefined, { timeout: 5000 });
  await page.fill('#eval-episodes', '7');
  await page.click('#evaluate');
  await page.waitForFunction('window.eggrollPlayground.evaluation', undefined, { timeout: BUDGET });
  const pageEval = (await state<Pg>(page)).evaluation!;
  assert.deepEqual([pageEval.episodes, pageEval.seed], [7, 3]);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.equal(download.suggestedFilename(), `CartPole-v1-eggroll-seed3-gen${gens}.safetensors`);
  const exported = join(dir, download.suggestedFilename());
  await download.saveAs(exported);
  const r = lastJson(cli(['eval', exported, '--episodes', '7', '--backend', 'wasm', '--json']));
  assert.equal(r.generation, gens);
  assert.equal(r.eval_mean_return, pageEval.mean, 'the CLI evaluates the export to the page\'s mean, bit for bit');

  // A checkpoint written by `eggroll train` (Acrobot, so the page must switch environments) imports.
  const run = join(dir, 'run');
  cli(['train', 'acrobot', '--pop', '32', '--gens', '2', '--hidden', '16', '--seed', '5', '--eval-episodes', '1', '--backend', 'wasm', '--quiet', '--out', run]);
  const ck = join(run, 'checkpoints', readdirSync(join(run, 'checkpoints')).filter((f) => f.endsWith('.safetensors')).sort().at(-1)!);
  const before = await page.evaluate("document.getElementById('cartpole').toDataURL()");
  await page.setInputFiles('#import', ck);
  await page.waitForFunction('window.eggrollPlayground.imported || window.eggrollPlayground.state === "error"', undefined, { timeout: BUDGET });
  const pg = await state<Pg>(page);
  assert.deepEqual(pg.imported && [pg.imported.env, pg.imported.generation], ['Acrobot-v1', 2], await page.textContent('#error') ?? '');
  await page.waitForFunction("document.getElementById('stats').textContent.startsWith('Imported policy: Acrobot-v1, eggroll, generation 2')", undefined, { timeout: 5000 });
  await page.waitForTimeout(300);
  assert.notEqual(await page.evaluate("document.getElementById('cartpole').toDataURL()"), before, 'the imported policy animates');
  await page.fill('#eval-episodes', '3');
  await page.click('#evaluate');
  await page.waitForFunction('window.eggrollPlayground.evaluation', undefined, { timeout: BUDGET });
  const imported = (await state<Pg>(page)).evaluation!;
  assert.equal(imported.seed, 5, 'evaluated with the run\'s seed');
  assert.equal(lastJson(cli(['eval', run, '--episodes', '3', '--backend', 'wasm', '--json'])).eval_mean_return, imported.mean);

  // A file that is not a policy: one clear line on the page.
  await page.setInputFiles('#import', { name: 'junk.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a policy') });
  await page.waitForFunction('window.eggrollPlayground.state === "error"', undefined, { timeout: BUDGET });
  assert.match(await page.textContent('#error') ?? '', /junk\.safetensors is not a valid safetensors file/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard alone reaches the Boolean tab, which learns 2-parity at n = 5 (100% of 32 inputs), as runMh does', { skip, timeout: 2 * BUDGET }, async () => {
  const { page, problems } = await open();
  await page.focus('#tab-rl');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate('document.activeElement.id'), 'tab-boolean');
  assert.equal(await page.getAttribute('#tab-boolean', 'aria-selected'), 'true');
  assert.equal(await page.isVisible('#panel-boolean'), true);
  assert.equal(await page.isVisible('#panel-rl'), false);
  // Tab moves from the tab into the panel's first control; the form submits with Enter.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate("document.activeElement.name"), 'n');
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  await page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.boolean.state)", undefined, { timeout: BUDGET, polling: 100 });
  const b = await page.evaluate('window.eggrollPlayground.boolean') as { state: string; views: number; last: { step: number; train_acc: number; test_acc: number; all_acc: number; dnf: string } };
  assert.equal(b.state, 'done', await page.textContent('#boolean-error') ?? '');
  console.log(`# boolean tab: 2-parity, n = 5, 200000 steps in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${b.views} views; reads as ${b.last.dnf}`);
  assert.equal(b.last.step, 200_000);
  assert.deepEqual([b.last.train_acc, b.last.test_acc, b.last.all_acc], [1, 1, 1]);
  // The lab's own chain in Node, same settings: the same network.
  const task = makeTask(makeTarget('parity:2', 5, 0), 24, 0);
  const ref = runMh(5, widthFor(5, 1), task, { kappa: 1000, lambda: 1, seed: 0, steps: 200_000, logEvery: 200_000 });
  assert.equal(b.last.dnf, formatDnf(toDnf(ref.net!)));
  assert.equal(await page.textContent('#dnf'), b.last.dnf);
  // The heat map drew W¹ (5 columns of red/white/blue cells): its pixels are not all one colour.
  const colours = await page.evaluate(`(() => { const c = document.getElementById('heatmap'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const s = new Set(); for (let i = 0; i < d.length; i += 4) s.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2] + ',' + d[i + 3]); return s.size; })()`) as number;
  assert.ok(colours >= 3, `${colours} colours in the heat map`);
  // A bad target: one line.
  await page.fill('input[name=target]', 'parity:9');
  await page.click('#boolean-start');
  await page.waitForFunction("window.eggrollPlayground.boolean.state === 'error'", undefined, { timeout: BUDGET });
  assert.match(await page.textContent('#boolean-error') ?? '', /Learning failed: target 'parity:9': k must be an integer in \[0, 5\]/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('at phone width (375×740) nothing scrolls sideways, on either tab; screenshots saved', { skip, timeout: BUDGET }, async () => {
  const { page, problems } = await open({ width: 375, height: 740 });
  mkdirSync(ARTIFACTS, { recursive: true });
  const widths = async () => page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]') as Promise<[number, number]>;
  const [w0, inner] = await widths();
  assert.ok(w0 <= inner, `classic control: scrollWidth ${w0} > innerWidth ${inner}`);
  await page.screenshot({ path: join(ARTIFACTS, 'playground-phone.png'), fullPage: true });
  await page.click('#tab-boolean');
  await page.fill('input[name=n]', '8');
  await page.dispatchEvent('input[name=n]', 'change');
  assert.equal(await page.inputValue('input[name=m]'), '192', 'm follows n');
  await page.fill('input[name=target]', 'majority');
  await page.fill('input[name=steps]', '20000');
  await page.click('#boolean-start');
  await page.waitForFunction("['done', 'error'].includes(window.eggrollPlayground.boolean.state)", undefined, { timeout: BUDGET, polling: 100 });
  await page.waitForTimeout(100);
  const [w1] = await widths();
  assert.ok(w1 <= inner, `Boolean lab with a long DNF: scrollWidth ${w1} > innerWidth ${inner}`);
  await page.screenshot({ path: join(ARTIFACTS, 'playground-phone-boolean.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('not cross-origin isolated (no COOP/COEP): one kernel thread even when 2 are asked for, the same curve as Node', { skip, timeout: BUDGET }, async () => {
  // A plain loopback file server without the isolation headers.
  const site = join(dir, 'site');
  const plain = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.slice(1) || 'index.html';
    if (!/^[\w.-]+$/.test(name) || !existsSync(join(site, name))) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': name.endsWith('.html') ? 'text/html' : 'text/javascript' }).end(readFileSync(join(site, name)));
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`http://127.0.0.1:${(plain.address() as { port: number }).port}/`);
    assert.equal(await page.evaluate('globalThis.crossOriginIsolated'), false);
    await page.fill('input[name=gens]', '2');
    await page.selectOption('select[name=threads]', '2');
    await page.click('#start');
    await waitDone(page);
    const pg = await state<Pg>(page);
    assert.equal(pg.state, 'done', await page.textContent('#error') ?? '');
    assert.equal(pg.threads, 1);
    const config = configFor({ env: 'CartPole-v1', algo: 'eggroll', pop: 256, rank: 1, sigma: 0.1, lr: 0.05, seed: 0, gens: 2 });
    const backend = await loadBackend('wasm');
    const trainer = new LocalTrainer(createTask(taskOptionsFor(config), backend), backend, strategyFor(config));
    assert.deepEqual(pg.curve.map((c) => [c.mean, c.max]), [0, 1].map(() => { const r = trainer.step(); return [r.meanFitness, r.maxFitness]; }));
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await new Promise((resolve) => plain.close(resolve));
  }
});
