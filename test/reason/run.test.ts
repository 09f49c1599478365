import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { initLm, lmSpecs, type LmConfig } from '../../src/reason/model.js';
import { saveLm, loadLm } from '../../src/reason/weights.js';
import { runReason } from '../../src/reason/run.js';
import { readJsonl } from '../../src/io/metrics.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { OPTIONAL_DEFAULTS, type ReasonRunConfig } from '../../src/reason/config.js';
import { VOCAB_SIZE } from '../../src/reason/vocab.js';
import { tempDir } from '../helpers/temp.js';

const cfg: LmConfig = { dim: 16, hidden: 24, layers: 1, vocab: VOCAB_SIZE };
const root = tempDir('reason-run-');
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const basePath = join(root, 'base.safetensors');
{
  const p = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(p, 4);
  saveLm(basePath, cfg, p.values, { made_by: 'test' });
}

const config = (algo: 'eggroll' | 'grpo', steps: number): ReasonRunConfig => ({
  algo, task: 'addition', base: basePath, steps, prompts: 2, group: 4, temperature: 1, formatReward: 0.1,
  sigma: 0.05, sigmaDecay: 1, rank: 1, esLr: 0.01, esLrDecay: 1, esOptimizer: 'adam', grpoLr: 0.01, clip: 0.2, kl: 0.01, epochs: 2,
  evalEvery: 2, evalCount: 8, checkpointEvery: 2, seed: 3, backend: 'js', workers: 1, ...OPTIONAL_DEFAULTS,
});

/** The run's deterministic outputs: everything in metrics but the clock and memory, and the final parameters. */
function outputs(dir: string) {
  const rows = readJsonl(join(dir, 'metrics.jsonl')).map(({ seconds: _s, rss_mb: _r, ...rest }) => rest);
  const ck = loadCheckpoint(join(dir, 'checkpoints'));
  const params = Object.entries(ck.tensors).filter(([k]) => k.startsWith('param/')).map(([k, t]) => [k, Array.from(t.data as Float32Array)]);
  return { rows, params, generation: ck.generation };
}

for (const algo of ['eggroll', 'grpo'] as const) {
  test(`${algo}: the same seed gives the same run bit for bit, and a resumed run equals an uninterrupted one`, async () => {
    const a = join(root, `${algo}-a`), b = join(root, `${algo}-b`), c = join(root, `${algo}-c`);
    const sa = await runReason(config(algo, 4), a, false);
    await runReason(config(algo, 4), b, false);
    assert.deepEqual(outputs(a), outputs(b));
    // Interrupted after 2 steps (a checkpoint), resumed to 4.
    await runReason(config(algo, 2), c, false);
    await runReason(config(algo, 4), c, true);
    assert.deepEqual(outputs(c), outputs(a));
    assert.equal(sa.steps, 4);
    assert.ok(sa.tokens_generated > 0 && sa.heldout_problems === 8);
    const o = outputs(a);
    assert.equal(o.rows.filter((r) => r.kind === 'eval').length, 3); // base, step 2, step 4
    // The parameters moved away from the base model.
    const base = loadLm(basePath).values;
    const changed = o.params.some(([, v], i) => (v as number[]).some((x, j) => x !== base[i][j]));
    assert.ok(changed, 'training changed the parameters');
    assert.deepEqual(JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8')).algo, algo);
  });
}

test('EGGROLL --es-lr-decay multiplies the learning rate every generation, and the run differs from a constant rate', async () => {
  const d = join(root, 'lr-decay');
  await runReason({ ...config('eggroll', 3), esLrDecay: 0.5 }, d, false);
  const lrs = readJsonl(join(d, 'metrics.jsonl')).filter((r) => r.kind !== 'eval').map((r) => r.lr);
  assert.deepEqual(lrs, [0.01, 0.005, 0.0025]);
  const constant = join(root, 'lr-constant');
  await runReason(config('eggroll', 3), constant, false);
  assert.deepEqual(readJsonl(join(constant, 'metrics.jsonl')).filter((r) => r.kind !== 'eval').map((r) => r.lr), [0.01, 0.01, 0.01]);
  assert.notDeepEqual(outputs(d).params, outputs(constant).params);
});

test('EGGROLL --sigma-decay multiplies σ every generation, and the run differs from a constant σ', async () => {
  const d = join(root, 'sigma-decay');
  await runReason({ ...config('eggroll', 3), sigmaDecay: 0.5 }, d, false);
  assert.deepEqual(readJsonl(join(d, 'metrics.jsonl')).filter((r) => r.kind !== 'eval').map((r) => r.sigma), [0.05, 0.025, 0.0125]);
  const constant = join(root, 'sigma-constant');
  await runReason(config('eggroll', 3), constant, false);
  assert.notDeepEqual(outputs(d).params, outputs(constant).params);
});

test('a different seed gives a different EGGROLL run', async () => {
  const d1 = join(root, 'seed-1'), d2 = join(root, 'seed-2');
  await runReason(config('eggroll', 2), d1, false);
  await runReason({ ...config('eggroll', 2), seed: 4 }, d2, false);
  assert.notDeepEqual(outputs(d1).params, outputs(d2).params);
});

test('EGGROLL on 2 worker threads gives the run of 1 thread, bit for bit', async () => {
  const d1 = join(root, 'threads-1'), d2 = join(root, 'threads-2');
  // 3 prompts × 4 members: the two workers' halves (6 members each) split a prompt's group.
  const c = { ...config('eggroll', 3), prompts: 3 };
  await runReason(c, d1, false);
  await runReason({ ...c, workers: 2 }, d2, false);
  assert.deepEqual(outputs(d2), outputs(d1));
});
