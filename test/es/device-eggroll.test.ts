/**
 * The device-resident EGGROLL run (src/es/device-eggroll.ts) against the CPU strategy on the same MLP, seed and
 * configuration: the device's normals against rng/normal.ts's, every generation's population outputs, and the
 * parameters and Adam moments after three generations, within float32 tolerance (the GPU sums in its own order and
 * its Box–Muller is float32). Each generation both sides are told the same fitness (the CPU's), so a near-tie in
 * the ranks cannot make the comparison depend on the last bits. Small shapes: the software adapter is slow.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/index.js';
import { webGpuForTests } from '../helpers/webgpu.js';
import { ParamSet } from '../../src/nn/params.js';
import { Mlp, initMlp, mlpSpecs, type MlpConfig } from '../../src/nn/mlp.js';
import { EvolutionStrategy, type StrategyConfig } from '../../src/es/strategy.js';
import { DeviceEggroll } from '../../src/es/device-eggroll.js';
import { noiseStreams } from '../../src/es/noise.js';
import { inference } from '../../src/es/population.js';
import { fillNormalsRef } from '../../src/rng/normal.js';

const { gpu, skip } = await webGpuForTests();

/** max |a − b| / (1 + |b|) */
function maxRelErr(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return e;
}

describe('device-resident EGGROLL (WebGPU) against the CPU strategy', { skip }, () => {
  test('device normals equal rng/normal.ts within 3e-6 (edge words of Box–Muller included by 2048 blocks of 9 pairs)', async () => {
    const st = noiseStreams(7, 3, 5).a;
    const len = 8190, pairs = 9;
    const got = await gpu!.normals(st, 100, pairs, len);
    const want = new Float32Array(pairs * len);
    for (let p = 0; p < pairs; p++) fillNormalsRef({ key0: st.key0, key1: st.key1, c1: 100 + p, c2: st.c2, c3: st.c3 }, 0, want, p * len, len);
    assert.ok(maxRelErr(got, want) < 3e-6, `max error ${maxRelErr(got, want)}`);
  });

  for (const [optimizer, act, bias] of [[{ kind: 'adam' }, 'tanh', 'full'], [{ kind: 'sgd', momentum: 0.9 }, 'relu', 'full'], [{ kind: 'sgd' }, 'tanh', 'frozen']] as const) {
    test(`three generations (${optimizer.kind}${'momentum' in optimizer ? ' with momentum' : ''}, ${act}, ${bias} biases): outputs, parameters and optimiser moments agree with EvolutionStrategy within 1e-4`, async () => {
      const mlp: MlpConfig = { sizes: [5, 12, 3], activation: act, bias, outputActivation: 'tanh' };
      const config: StrategyConfig = {
        algo: 'eggroll', popSize: 16, rank: 2, sigma: 0.1, lr: 0.05, optimizer, shaping: { kind: 'centered-rank' }, seed: 11,
      };
      const cpuParams = new ParamSet(mlpSpecs(mlp), jsBackend);
      initMlp(cpuParams, 4);
      const gpuParams = new ParamSet(mlpSpecs(mlp), jsBackend);
      initMlp(gpuParams, 4);
      const es = new EvolutionStrategy(cpuParams, jsBackend, config);
      const net = new Mlp(mlp, jsBackend, config.popSize);
      const dev = await DeviceEggroll.create(gpu!, mlp, gpuParams, config);
      const x = Float32Array.from({ length: config.popSize * 5 }, (_, i) => Math.sin(i * 0.7));
      const target = [0.5, -0.25, 0.1];
      const fitnessOf = (y: Float32Array) => Float64Array.from({ length: config.popSize }, (_, i) => -target.reduce((s, t, j) => s + (y[i * 3 + j] - t) ** 2, 0));
      for (let gen = 0; gen < 3; gen++) {
        const yCpu = net.forward(es.ask().all(), x).slice();
        const yGpu = await dev.forward(x);
        assert.ok(maxRelErr(yGpu, yCpu) < 1e-4, `generation ${gen} outputs: max error ${maxRelErr(yGpu, yCpu)}`);
        const f = fitnessOf(yCpu);
        const a = es.tell(f);
        const b = await dev.tell(f);
        assert.equal(b.generation, a.generation);
        assert.equal(b.meanFitness, a.meanFitness);
      }
      const state = await dev.toHost();
      assert.equal(state.optimizer.step, es.state.optimizer.step);
      cpuParams.values.forEach((v, pid) => {
        assert.ok(maxRelErr(gpuParams.values[pid], v) < 1e-4, `${cpuParams.specs[pid].name}: max error ${maxRelErr(gpuParams.values[pid], v)}`);
        assert.ok(maxRelErr(state.optimizer.m[pid], es.state.optimizer.m[pid]) < 1e-4, `${cpuParams.specs[pid].name} first moment`);
        assert.ok(maxRelErr(state.optimizer.v[pid], es.state.optimizer.v[pid]) < 1e-4, `${cpuParams.specs[pid].name} second moment`);
      });
      // The unperturbed row (member −1) sees the updated parameters.
      const y0 = await dev.forward(x.subarray(0, 5), Int32Array.of(-1));
      const inf = new Mlp(mlp, jsBackend, 1);
      const refRow = inf.forward(inference(cpuParams, jsBackend).unperturbed(1), x.subarray(0, 5));
      assert.ok(maxRelErr(y0, refRow) < 1e-4, `unperturbed row: max error ${maxRelErr(y0, refRow)}`);
      dev.dispose();
    });
  }

  test('bad configurations get one line naming what is allowed', async () => {
    const mlp: MlpConfig = { sizes: [2, 4, 1], activation: 'pqn', bias: 'full' };
    const params = new ParamSet(mlpSpecs(mlp), jsBackend);
    const base: StrategyConfig = { algo: 'eggroll', popSize: 4, rank: 1, sigma: 0.1, lr: 0.1, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed: 1 };
    await assert.rejects(DeviceEggroll.create(gpu!, mlp, params, base), /activation 'pqn' has no device kernel; allowed: identity, tanh, relu/);
    await assert.rejects(DeviceEggroll.create(gpu!, { ...mlp, activation: 'tanh' }, params, { ...base, algo: 'openes' }), /algo must be 'eggroll'/);
    await assert.rejects(DeviceEggroll.create(gpu!, { ...mlp, sizes: [3, 4, 1], activation: 'tanh' }, params, base), /not those of an MLP \[3, 4, 1\]/);
  });
});
