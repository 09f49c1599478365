/**
 * `eggroll bench egg`: what one generation of integer EGGROLL on EGG costs, by part, in one process (no population workers):
 *   perturbed population forward (T bytes × pop members), the same forward unperturbed (inference),
 *   noise generation for all pairs, and the integer update; throughput in tokens·members per second
 *   and the share of the forward spent inside the int8 GEMM (backend.igemm).
 */
import type { Command } from '../command.js';
import { parseFlags, num } from '../flags.js';
import { backendFlag, jsonFlag, seedFlag } from '../common-flags.js';
import { UsageError } from '../errors.js';
import { log, printResult } from '../output.js';
import { loadBackend, openWebGpu, type BackendChoice } from '../../backend/index.js';
import { DeviceEgg } from '../../egg/device.js';
import { measure, measureRoundRobinAsync, machineInfo, record, table } from '../../bench/harness.js';
import { EggArch, EggForward, isPowerOf4 } from '../../egg/model.js';
import { ForwardCache, evaluateMembers, CHUNK_ROWS, type PopulationInput } from '../../egg/evaluate.js';
import { tsEggKernels } from '../../egg/kernels.js';
import { generatePairs, noiseKey } from '../../egg/noise.js';
import { IntegerUpdater } from '../../egg/qeggroll.js';
import { initParams, fillWindows, type EggConfig } from '../../egg/train.js';
import { loadCorpus, defaultCorpusPath } from '../../egg/data.js';

const flags = {
  layers: { schema: num.int(1, 16), default: 1, help: 'blocks' },
  width: { schema: num.int(4, 1024), default: 16, help: 'hidden width D (power of 4)' },
  pop: { schema: num.int(2, 1 << 20), default: 8192, help: 'population size (even)' },
  tokens: { schema: num.int(1, 4096), default: 100, help: 'bytes per window (T)' },
  'min-seconds': { schema: num.positive(), default: 1, help: 'keep timing each part for at least this long' },
  backend: backendFlag,
  seed: seedFlag,
  json: jsonFlag,
};

export const benchEggCommand: Command = {
  name: 'bench egg',
  summary: 'integer EGGROLL on EGG: tokens·members/s, GEMM share, forward vs inference, noise and update cost',
  example: 'eggroll bench egg --width 16 --pop 8192 --tokens 100 --json',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    if (!isPowerOf4(f.width)) throw new UsageError(`--width: must be a power of 4 (4, 16, 64, 256 or 1024), got ${f.width}`);
    if (f.pop % 2 !== 0) throw new UsageError(`--pop: must be even (antithetic pairs), got ${f.pop}`);
    if (f.backend === 'webgpu') return benchEggDevice(f);
    const backend = await loadBackend(f.backend as BackendChoice, log);
    const { arch, params, windows } = benchModel(f);
    const cache = new ForwardCache(arch, backend);
    const inp: PopulationInput = {
      arch, params, states: new Int8Array(f.layers * f.pop * f.width), windows, pop: f.pop, groupSize: 2, tokens: f.tokens,
      sigmaShift: 4, noiseKey: noiseKey(f.seed, 2), epoch: 0,
    };
    const fitness = new Int32Array(f.pop);
    const opts = { minSeconds: f['min-seconds'], minRuns: 3, warmup: 1 };
    const work = f.pop * f.tokens;

    const tPert = measure(() => { inp.epoch++; evaluateMembers(inp, cache, 0, f.pop, fitness); }, opts);
    // The same forward with the plain TypeScript per-row kernels (the reference), when the backend's are wasm.
    const kernels = cache.get(Math.min(f.pop, CHUNK_ROWS)).kernels.name;
    let tRef = tPert;
    if (kernels !== 'ts') {
      const refCache = new ForwardCache(arch, backend, tsEggKernels);
      tRef = measure(() => { inp.epoch++; evaluateMembers(inp, refCache, 0, f.pop, fitness); }, opts);
    }
    cache.setTiming(true);
    const t0 = performance.now();
    evaluateMembers(inp, cache, 0, f.pop, fitness);
    const gemmShare = cache.gemmNs() / 1e6 / (performance.now() - t0);
    cache.setTiming(false);

    // Inference: the same rows and bytes through the unperturbed model.
    const rows = Math.min(f.pop, CHUNK_ROWS);
    const fwd = new EggForward(arch, backend, rows);
    const input = new Uint8Array(rows);
    const tInf = measure(() => {
      for (let c = 0; c < f.pop; c += rows) {
        fwd.setWeights(params);
        fwd.setNoise({ sign: new Int8Array(rows), noiseAt: new Int32Array(rows), noise: new Int8Array(0), sigmaShift: 4 });
        for (let t = 0; t < f.tokens; t++) { for (let i = 0; i < rows; i++) input[i] = windows[((c + i) >> 1) * (f.tokens + 1) + t]; fwd.step(input); }
      }
    }, opts);

    const noise = new Int8Array((f.pop / 2) * arch.noise.perPair);
    let epoch = 0;
    const tNoise = measure(() => generatePairs(arch.noise, inp.noiseKey, epoch++, 0, f.pop / 2, noise), opts);
    const F = new Int8Array(f.pop / 2).map((_, k) => [1, -1, 0, 1][k % 4]);
    const updater = new IntegerUpdater(arch, backend);
    const scratch = params.slice();
    const tUpd = measure(() => updater.apply(scratch, noise, F, 20), opts);

    const genS = tPert.medianS + tNoise.medianS + tUpd.medianS;
    const summary = {
      bench: 'egg', backend: backend.name, layers: f.layers, width: f.width, params: arch.size, pop: f.pop, tokens: f.tokens,
      tokens_members_per_s: work / tPert.medianS,
      inference_tokens_per_s: work / tInf.medianS,
      perturbed_forward_over_inference: tInf.medianS / tPert.medianS,
      gemm_share_of_forward: gemmShare,
      per_row_kernels: kernels,
      ts_kernels_tokens_members_per_s: work / tRef.medianS,
      forward_speedup_over_ts_kernels: tRef.medianS / tPert.medianS,
      generation_s: genS,
      generation_tokens_members_per_s: work / genS,
      noise_share_of_generation: tNoise.medianS / genS,
      update_share_of_generation: tUpd.medianS / genS,
      records: [
        record('egg', 'perturbed-forward', tPert), record('egg', 'perturbed-forward-ts-kernels', tRef), record('egg', 'inference-forward', tInf),
        record('egg', 'noise-all-pairs', tNoise, { values: noise.length }), record('egg', 'integer-update', tUpd),
      ],
      machine: await machineInfo(),
    };
    printResult(summary, f.json, [
      `EGG ${f.layers}L×${f.width}D (${arch.size} int8 params), pop ${f.pop}, T ${f.tokens}, backend ${backend.name}, one process (no population workers; the wasm backend may split large GEMMs over its threads)`,
      table(['part', 'median s', 'share'], [
        ['perturbed forward', tPert.medianS.toFixed(4), (tPert.medianS / genS).toFixed(3)],
        ['noise (all pairs)', tNoise.medianS.toFixed(4), (tNoise.medianS / genS).toFixed(3)],
        ['integer update', tUpd.medianS.toFixed(4), (tUpd.medianS / genS).toFixed(3)],
        ['inference forward', tInf.medianS.toFixed(4), '—'],
        ['perturbed forward, TypeScript per-row kernels', tRef.medianS.toFixed(4), '—'],
      ]),
      `tokens·members/s ${(work / tPert.medianS).toFixed(0)} (forward), ${(work / genS).toFixed(0)} (whole generation); GEMM share of forward ${(100 * gemmShare).toFixed(1)}%; perturbed/inference throughput ${(tInf.medianS / tPert.medianS).toFixed(2)}; per-row kernels ${kernels}, ${(tRef.medianS / tPert.medianS).toFixed(2)}× the forward with the TypeScript ones`,
    ].join('\n'));
  },
};

/** The benchmark's model (fresh weights from the seed) and one generation's byte windows (groups of 2). */
function benchModel(f: { layers: number; width: number; pop: number; tokens: number; seed: number }): { arch: EggArch; params: Int8Array; windows: Uint8Array } {
  const cfg: EggConfig = { layers: f.layers, width: f.width, pop: f.pop, groupSize: 2, tokens: f.tokens, sigmaShift: 4, alpha: 4, seed: f.seed };
  const arch = new EggArch(cfg);
  const params = new Int8Array(arch.size);
  initParams(arch, f.seed, params);
  const windows = new Uint8Array((f.pop / 2) * (f.tokens + 1));
  fillWindows(cfg, loadCorpus(defaultCorpusPath()).train, 0, windows);
  return { arch, params, windows };
}

/**
 * `--backend webgpu`: the device-resident generation (egg/device.ts) — windows up, noise, T steps of every member and
 * the integer update on the GPU, fitness and two counts back — timed whole, and its evaluation alone.
 */
async function benchEggDevice(f: { layers: number; width: number; pop: number; tokens: number; 'min-seconds': number; seed: number; json: boolean }): Promise<void> {
  const gpu = await openWebGpu();
  const { arch, params, windows } = benchModel(f);
  const dev = new DeviceEgg(gpu, arch, { pop: f.pop, groupSize: 2, tokens: f.tokens, sigmaShift: 4, noiseKey: noiseKey(f.seed, 2) });
  dev.upload(params, new Int8Array(f.layers * f.pop * f.width));
  const fitness = new Int32Array(f.pop);
  const F = new Int8Array(f.pop / 2).map((_, k) => [1, -1, 0, 1][k % 4]);
  let epoch = 0;
  const [tEval, tGen] = await measureRoundRobinAsync([
    () => dev.evaluate(epoch++, windows, fitness),
    async () => { await dev.evaluate(epoch++, windows, fitness); await dev.update(F, 20); },
  ], { minSeconds: f['min-seconds'], minRuns: 3, warmup: 1 });
  dev.destroy();
  const work = f.pop * f.tokens;
  const summary = {
    bench: 'egg', backend: 'webgpu', device_resident: true, adapter: gpu.gpu.adapterName, software_adapter: gpu.gpu.software, packed_dot: gpu.packedDot,
    layers: f.layers, width: f.width, params: arch.size, pop: f.pop, tokens: f.tokens,
    tokens_members_per_s: work / tEval.medianS, generation_s: tGen.medianS, generation_tokens_members_per_s: work / tGen.medianS,
    update_share_of_generation: Math.max(0, tGen.medianS - tEval.medianS) / tGen.medianS,
    records: [record('egg', 'device-evaluation', tEval), record('egg', 'device-generation', tGen)],
    machine: await machineInfo(),
  };
  printResult(summary, f.json, [
    `EGG ${f.layers}L×${f.width}D (${arch.size} int8 params), pop ${f.pop}, T ${f.tokens}, device-resident on ${gpu.gpu.adapterName}${gpu.gpu.software ? ' (a software adapter: correctness, not speed)' : ''}`,
    table(['part', 'median s'], [['evaluation (noise + T steps)', tEval.medianS.toFixed(4)], ['whole generation (+ update)', tGen.medianS.toFixed(4)]]),
    `tokens·members/s ${(work / tEval.medianS).toFixed(0)} (evaluation), ${(work / tGen.medianS).toFixed(0)} (whole generation)`,
  ].join('\n'));
}
