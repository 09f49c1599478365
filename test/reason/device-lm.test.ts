/**
 * EGGROLL's reasoning run device-resident (reason/device-lm.ts, issue 30): the device LM's logits for a perturbed
 * population equal the CPU model's within float32 rounding (the CPU's norms accumulate in double), and
 * `reason train --algo eggroll --backend webgpu` trains on the device — sampling, update and all — with its
 * evaluation and checkpoint read back, and a resumed run repeats a straight one bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { jsBackend } from '../../src/backend/index.js';
import { GpuKernels } from '../../src/backend/webgpu/compute.js';
import { ParamSet } from '../../src/nn/params.js';
import { EvolutionStrategy, type StrategyConfig } from '../../src/es/strategy.js';
import { DeviceEggroll } from '../../src/es/device-eggroll.js';
import { initLm, lmSpecs, RecurrentLm } from '../../src/reason/model.js';
import { DeviceLm, lmDeviceLayers } from '../../src/reason/device-lm.js';
import { saveLm } from '../../src/reason/weights.js';
import { VOCAB_SIZE } from '../../src/reason/vocab.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { webGpuForTests } from '../helpers/webgpu.js';

const { skip } = await webGpuForTests();

test('the device LM\'s logits equal the CPU model\'s within float32 rounding, for every member of a perturbed population and across steps', { skip }, async () => {
  const cfg = { dim: 16, hidden: 24, layers: 2, vocab: 20 };
  const params = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(params, 3);
  const N = 8;
  const config: StrategyConfig = { algo: 'eggroll', popSize: N, rank: 2, sigma: 0.1, lr: 0.01, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed: 4 };
  const es = new EvolutionStrategy(params, jsBackend, config);
  const lm = new RecurrentLm(cfg, params, jsBackend, N);
  const dev = await DeviceEggroll.forLayers(await GpuKernels.open(), lmDeviceLayers(cfg, params), params, config);
  const dl = new DeviceLm(dev, cfg, params, N);
  lm.reset();
  dl.reset();
  const logits = new Float32Array(N * cfg.vocab);
  const members = Int32Array.from({ length: N }, (_, i) => (i === 5 ? -1 : i)); // one unperturbed row
  for (let t = 0; t < 4; t++) {
    const tokens = Int32Array.from({ length: N }, (_, i) => (i * 3 + t * 5) % cfg.vocab);
    lm.step(es.ask().rows(Array.from(members)), tokens, logits);
    const got = await dl.step(tokens, members);
    for (let i = 0; i < logits.length; i++) assert.ok(Math.abs(got[i] - logits[i]) <= 1e-5 * Math.max(1, Math.abs(logits[i])), `step ${t}, logit ${i}: ${got[i]} vs ${logits[i]}`);
  }
  dl.destroy();
  dev.dispose();
  // Every evolved tensor must be a layer's: leaving out the gate layer is refused, naming its weight.
  await assert.rejects(DeviceEggroll.forLayers(dev.gpu, lmDeviceLayers(cfg, params).slice(1), params, config), /'b0\.gru\.w' \(lowrank\) is neither/);
});

test('reason train --algo eggroll --backend webgpu: device-resident; the run repeats bit for bit, and so does a resumed one', { skip, timeout: 300_000 }, async () => {
  const root = tempDir('reason-device-');
  const cfg = { dim: 16, hidden: 24, layers: 1, vocab: VOCAB_SIZE };
  const base = join(root, 'base.safetensors');
  const p = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(p, 2);
  saveLm(base, cfg, p.values, { made_by: 'test' });
  const args = (out: string, steps: number) => ['reason', 'train', '--algo', 'eggroll', '--task', 'countdown', '--steps', String(steps), '--group', '4', '--base', base, '--prompts', '2', '--eval-count', '4', '--backend', 'webgpu', '--quiet', '--json', '--out', out];
  const ck = (out: string, step: number) => readFileSync(join(out, 'checkpoints', `gen-${String(step).padStart(7, '0')}.safetensors`));
  const a = await runCli(args(join(root, 'a'), 3));
  assert.equal(a.code, 0, a.stderr);
  const b = await runCli(args(join(root, 'b'), 3));
  assert.equal(b.code, 0, b.stderr);
  assert.ok(ck(join(root, 'a'), 3).equals(ck(join(root, 'b'), 3)), 'two runs with one seed differ');
  assert.equal(JSON.parse(a.stdout.trim().split('\n').pop()!).steps, 3);
  const c = await runCli(args(join(root, 'c'), 2));
  assert.equal(c.code, 0, c.stderr);
  const r = await runCli(['reason', 'train', '--resume', join(root, 'c'), '--steps', '3', '--quiet', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(ck(join(root, 'c'), 3).equals(ck(join(root, 'a'), 3)), 'a resumed run differs from a straight one');
  rmSync(root, { recursive: true, force: true });
});
