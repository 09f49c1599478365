/**
 * `eggroll bench es`: what a generation of EGGROLL costs next to plain batched inference and next to
 * OpenES, on the same backend in the same run (ratios, so a noisy shared machine still gives a fair
 * comparison). Two numbers answer two questions:
 *   perturbed_forward_over_inference: throughput of one perturbed population forward (noise ready)
 *     divided by that of unperturbed batched inference — the paper's "91% of inference" figure;
 *   eggroll_speedup_over_openes: OpenES generation time ÷ EGGROLL generation time, where a generation is
 *     noise + forward + update.
 */
import { z } from 'zod';
import type { Command } from '../command.js';
import { parseFlags, num } from '../flags.js';
import { backendFlag, jsonFlag, seedFlag } from '../common-flags.js';
import { log } from '../output.js';
import { UsageError } from '../errors.js';
import { jsBackend, loadBackend, openWebGpu, type Backend, type GpuKernels } from '../../backend/index.js';
import { ParamSet, type ParamSpec } from '../../nn/params.js';
import { Mlp, mlpSpecs, initMlp, type MlpConfig } from '../../nn/mlp.js';
import { DeviceEggroll } from '../../es/device-eggroll.js';
import { EvolutionStrategy, type Algo } from '../../es/strategy.js';
import { inference } from '../../es/population.js';
import type { Batch } from '../../nn/batch.js';
import { initNormal } from '../../nn/init.js';
import { measure, measureRoundRobin, measureRoundRobinAsync, machineInfo, table, type Timing } from '../../bench/harness.js';

const flags = {
  cases: { schema: z.string(), default: 'linear1024-r1,linear1024-r4,mlp-64-256-256-8', help: 'comma-separated cases: linear<d>-r<rank>[-p<population>] (one d×d layer; population 1024 unless given: the wide cases for a GPU are linear4096-r1-p16384 and linear8192-r1-p65536), mlp-<sizes> (population 2048)' },
  'min-seconds': { schema: num.positive(), default: 1, help: 'keep timing each measurement for at least this long' },
  'legacy-activations': { schema: z.boolean(), boolean: true, default: false, help: 'MLP cases: also time the previous forward (addBias, then Math.tanh in JavaScript) in the same run, as a baseline' },
  'skip-openes': { schema: z.boolean(), boolean: true, default: false, help: 'skip the (slow) OpenES generation' },
  backend: backendFlag,
  seed: seedFlag,
  json: jsonFlag,
};

interface Case {
  name: string;
  pop: number;
  rank: number;
  specs: ParamSpec[];
  inputSize: number;
  forward: (batch: Batch, x: Float32Array) => Float32Array;
  /** The forward as it was before the fused epilogue (MLP cases only): the baseline of --legacy-activations. */
  legacyForward?: (batch: Batch, x: Float32Array) => Float32Array;
  init: (params: ParamSet) => void;
  /** The case as an MLP (the device-resident path runs MLPs): the linear case is one layer, identity, frozen bias. */
  mlp: MlpConfig;
}

function makeCase(name: string, backend: Backend): Case {
  // linear<d>-r<rank>[-p<population>]: one d×d layer; the paper's regime is wide layers and populations of 2¹⁴–2²⁰.
  const lin = /^linear(\d+)-r(\d+)(?:-p(\d+))?$/.exec(name);
  if (lin) {
    const d = Number(lin[1]), rank = Number(lin[2]), pop = lin[3] === undefined ? 1024 : Number(lin[3]);
    if (!(d >= 1 && d <= 16384 && rank >= 1 && rank <= d && pop >= 2 && pop <= 1 << 20 && pop % 2 === 0)) throw new UsageError(`--cases: '${name}' needs d in [1, 16384], rank in [1, d] and an even population in [2, 2^20]`);
    const specs: ParamSpec[] = [{ name: 'w', shape: [d, d], mode: 'lowrank' }];
    const y = backend.allocF32(pop * d);
    return {
      name, pop, rank, specs, inputSize: d,
      forward: (batch, x) => { batch.matmul(0, x, y); return y; },
      init: (params) => initNormal(1, 0, params.values[0], 1 / Math.sqrt(d)),
      mlp: { sizes: [d, d], activation: 'identity', bias: 'frozen' },
    };
  }
  const mlp = /^mlp-([\d-]+)$/.exec(name);
  if (mlp) {
    const sizes = mlp[1].split('-').map(Number);
    const cfg = { sizes, activation: 'tanh' as const, bias: 'full' as const };
    const pop = 2048;
    const model = new Mlp(cfg, backend, pop);
    return {
      name, pop, rank: 1, specs: mlpSpecs(cfg), inputSize: sizes[0],
      forward: (batch, x) => model.forward(batch, x),
      legacyForward: legacyMlpForward(sizes, backend, pop),
      init: (params) => initMlp(params, 1),
      mlp: cfg,
    };
  }
  throw new Error(`unknown case '${name}'`);
}

/**
 * The MLP forward before issue 11: the bias added by the batch in JavaScript (float64 sums), then
 * Math.tanh element by element. Kept in the benchmark only, to time today's code against it in one run.
 */
function legacyMlpForward(sizes: number[], backend: Backend, maxRows: number) {
  const width = Math.max(...sizes);
  const bufs = [backend.allocF32(maxRows * width), backend.allocF32(maxRows * width)];
  return (batch: Batch, x: Float32Array): Float32Array => {
    let input = x;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const m = sizes[l + 1];
      const y = bufs[l & 1].subarray(0, batch.count * m);
      batch.matmul(2 * l, input, y);
      batch.addBias(2 * l + 1, y);
      if (l + 2 < sizes.length) for (let i = 0; i < y.length; i++) y[i] = Math.tanh(y[i]);
      input = y;
    }
    return input;
  };
}

function generationTimer(c: Case, algo: Algo, backend: Backend, seed: number, x: Float32Array,
  forward: (batch: Batch, x: Float32Array) => Float32Array = c.forward) {
  const params = new ParamSet(c.specs, backend);
  c.init(params);
  const es = new EvolutionStrategy(params, backend, {
    algo, popSize: c.pop, rank: c.rank, sigma: 0.01, lr: 1e-4, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed,
    denseCacheBytes: 3 * 2 ** 30,
  });
  const fitness = new Float64Array(c.pop);
  const outSize = c.specs[c.specs.length - 1].shape[0];
  return () => {
    const y = forward(es.ask().all(), x);
    for (let i = 0; i < c.pop; i++) fitness[i] = y[i * outSize];
    es.tell(fitness);
  };
}

/**
 * `--backend webgpu`: the device-resident run (es/device-eggroll.ts) — inputs uploaded once, parameters, noise and
 * optimiser state on the device; a generation is noise + perturbed forward + update with only the fitness going up.
 * Batched inference is the same forward with every row unperturbed (the same GEMM and epilogue kernels). Rounds
 * alternate the two, each awaited until the device is done. OpenES has no device path: not timed.
 */
async function deviceResidentRecord(c: Case, gpu: GpuKernels, seed: number, minSeconds: number): Promise<Record<string, unknown>> {
  const params = new ParamSet(mlpSpecs(c.mlp), jsBackend);
  initMlp(params, 1);
  const dev = await DeviceEggroll.create(gpu, c.mlp, params, {
    algo: 'eggroll', popSize: c.pop, rank: c.rank, sigma: 0.01, lr: 1e-4, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed,
  });
  try {
    const x = new Float32Array(c.pop * c.inputSize);
    initNormal(seed, 1234, x, 1);
    const xBuf = gpu.upload(x);
    const plain = new Int32Array(c.pop).fill(-1);
    const draws = new Float32Array(c.pop);
    initNormal(seed, 4321, draws, 1);
    const fitness = Float64Array.from(draws);
    const opts = { minSeconds, minRuns: 3, warmup: 1 };
    const [tInf, tPert] = await measureRoundRobinAsync([() => dev.forwardResident(xBuf, plain), () => dev.forwardResident(xBuf)], opts);
    const [tGen] = await measureRoundRobinAsync([async () => { await dev.forwardResident(xBuf); await dev.tell(fitness); }], opts);
    xBuf.destroy();
    return {
      bench: 'es', case: c.name, backend: 'webgpu', device_resident: true, adapter: gpu.gpu.adapterName, software_adapter: gpu.gpu.software,
      pop: c.pop, rank: c.rank,
      inference_forward_s: tInf.medianS, perturbed_forward_s: tPert.medianS, noise_s: null,
      eggroll_generation_s: tGen.medianS, openes_generation_s: null,
      perturbed_forward_over_inference: tInf.medianS / tPert.medianS,
      eggroll_generation_over_inference: tInf.medianS / tGen.medianS,
      eggroll_speedup_over_openes: null,
    };
  } finally {
    dev.dispose();
  }
}

export const benchEsCommand: Command = {
  name: 'bench es',
  summary: 'EGGROLL vs batched inference vs OpenES: forward throughput ratio and generation speed-up',
  example: 'eggroll bench es --backend wasm --json',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    // webgpu: the device-resident path on this thread's device (not the synchronous facade's device thread).
    const gpu = f.backend === 'webgpu' ? await openWebGpu() : undefined;
    const backend = gpu ? jsBackend : await loadBackend(f.backend, log);
    const machine = await machineInfo();
    const results: Record<string, unknown>[] = [];
    for (const name of f.cases.split(',').map((s) => s.trim()).filter(Boolean)) {
      const c = makeCase(name, backend);
      if (gpu) {
        const rec = { ...(await deviceResidentRecord(c, gpu, f.seed, f['min-seconds'])), machine };
        results.push(rec);
        if (f.json) process.stdout.write(JSON.stringify(rec) + '\n');
        else log(`${name}: done`);
        continue;
      }
      const x = backend.allocF32(c.pop * c.inputSize);
      initNormal(f.seed, 1234, x, 1);
      const params = new ParamSet(c.specs, backend);
      c.init(params);
      const opts = { minSeconds: f['min-seconds'], minRuns: 5, warmup: 1 };
      const plain = inference(params, backend).unperturbed(c.pop);
      const es = new EvolutionStrategy(params, backend, { algo: 'eggroll', popSize: c.pop, rank: c.rank, sigma: 0.01, lr: 1e-4, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed: f.seed });
      const tNoise = measure(() => { es.state.generation++; es.ask(); }, { ...opts, minRuns: 3 });
      const perturbed = es.ask().all();
      // Inference and the perturbed forward alternate, so load on a shared machine hits both alike.
      const [tInf, tPert] = measureRoundRobin([() => c.forward(plain, x), () => c.forward(perturbed, x)], { ...opts, minSeconds: 2 * opts.minSeconds });
      const tEgg = measure(generationTimer(c, 'eggroll', backend, f.seed, x), { ...opts, minRuns: 3 });
      let legacy: Record<string, number> = {};
      if (f['legacy-activations'] && c.legacyForward) {
        // Today's forward against the previous one, interleaved (inference, then whole generations).
        const lf = c.legacyForward;
        const [tNew, tOld] = measureRoundRobin([() => c.forward(plain, x), () => lf(plain, x)], { ...opts, minSeconds: 2 * opts.minSeconds });
        const [gNew, gOld] = measureRoundRobin([generationTimer(c, 'eggroll', backend, f.seed, x), generationTimer(c, 'eggroll', backend, f.seed, x, lf)],
          { ...opts, minRuns: 3, minSeconds: 2 * opts.minSeconds });
        legacy = {
          legacy_inference_forward_s: tOld.medianS, inference_forward_same_run_s: tNew.medianS,
          inference_speedup_over_legacy: tOld.medianS / tNew.medianS,
          legacy_eggroll_generation_s: gOld.medianS, eggroll_generation_same_run_s: gNew.medianS,
          generation_speedup_over_legacy: gOld.medianS / gNew.medianS,
        };
      }
      let tOpen: Timing | undefined;
      if (!f['skip-openes']) {
        log(`${name}: timing one OpenES generation (dense noise for ${c.pop / 2} pairs; this takes a while)…`);
        tOpen = measure(generationTimer(c, 'openes', backend, f.seed, x), { warmup: 0, minRuns: 1, minSeconds: 0 });
      }
      const rec = {
        bench: 'es', case: name, backend: backend.name, pop: c.pop, rank: c.rank,
        inference_forward_s: tInf.medianS,
        perturbed_forward_s: tPert.medianS,
        noise_s: tNoise.medianS,
        eggroll_generation_s: tEgg.medianS,
        openes_generation_s: tOpen?.medianS ?? null,
        perturbed_forward_over_inference: tInf.medianS / tPert.medianS,
        eggroll_generation_over_inference: tInf.medianS / tEgg.medianS,
        eggroll_speedup_over_openes: tOpen ? tOpen.medianS / tEgg.medianS : null,
        ...legacy,
        machine,
      };
      results.push(rec);
      if (f.json) process.stdout.write(JSON.stringify(rec) + '\n');
      else log(`${name}: done`);
    }
    if (!f.json) {
      process.stdout.write(table(
        ['case', 'backend', 'pop', 'r', 'inference ms', 'perturbed ms', 'noise ms', 'EGGROLL gen ms', 'OpenES gen ms', 'fwd/inf', 'speed-up'],
        results.map((r: any) => [r.case, r.backend, r.pop, r.rank, r.inference_forward_s * 1e3, r.perturbed_forward_s * 1e3, r.noise_s === null ? '-' : r.noise_s * 1e3,
          r.eggroll_generation_s * 1e3, r.openes_generation_s === null ? '-' : r.openes_generation_s * 1e3,
          r.perturbed_forward_over_inference, r.eggroll_speedup_over_openes ?? '-']),
      ) + '\n');
    }
  },
};
