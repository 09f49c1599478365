#!/usr/bin/env node
// The GPU measurement, for the day a GPU machine is lent (the device tool): WebGPU's f32 GEMM (device-resident:
// operands uploaded once, each call one dispatch, waited for) at square sizes, its exact int8 GEMM, and the CPU
// backends' GEMM on the same machine for comparison. Imports only the built dist/backend (no other dependency than
// the `webgpu` package), so it runs from a copy of the tree without node_modules. Writes one JSON file.
// Prepare here:   bash scripts/gpu-prepare.sh          (fills the ignored folder .gpu/: the pruned webgpu package, the Vulkan loader)
// Run there:      see docs/BENCHMARKS.md, "WebGPU" (one command; carry .gpu, dist, build, native/build)
// Usage: node scripts/gpu-bench.mjs [--sizes 1024,2048,4096] [--int8 1024,4096] [--cpu 1024] [--es D:POP,…] [--egg L:D:POP:T,…] [--seconds 2] [--out DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  sizes: { type: 'string', default: '1024,2048,4096' }, int8: { type: 'string', default: '1024,4096' }, cpu: { type: 'string', default: '1024' },
  seconds: { type: 'string', default: '2' }, out: { type: 'string', default: process.env.OUT ?? 'gpu-out' },
  es: { type: 'string', default: '4096:16384' },
  egg: { type: 'string', default: '1:16:8192:100,1:256:16384:100' },
} });
const list = (s) => (s ? s.split(',').map(Number) : []);
const seconds = Number(values.seconds);
const { createBackend, openWebGpu } = await import('../dist/backend/index.js');
const { measure } = await import('../dist/bench/harness.js');
/** CPU timings with the project's harness: one warm-up, then at least 3 runs and `seconds`. */
const cpuTime = (fn) => measure(fn, { warmup: 1, minRuns: 3, minSeconds: seconds });
const gpu = await openWebGpu();
const fill = (a, seed, int8 = false) => { let s = seed >>> 0 || 1; for (let i = 0; i < a.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = int8 ? (s >>> 24) - 128 : s / 2 ** 31 - 1; } };

const timeGpu = (record) => gpu.time(record, seconds);

const rows = [];
for (const n of list(values.sizes)) {
  const a = new Float32Array(n * n), b = new Float32Array(n * n); fill(a, 1); fill(b, 2);
  const bufs = [gpu.upload(a), gpu.upload(b), gpu.storage(n * n * 4)];
  const t = await timeGpu((enc) => gpu.encodeSgemm(enc, false, true, n, n, n, 1, bufs[0], bufs[1], 0, bufs[2]));
  for (const x of bufs) x.destroy();
  rows.push({ kernel: 'sgemm NT', n, backend: 'webgpu', ...t, gflops: (2 * n ** 3) / t.median_s / 1e9 });
  console.error(JSON.stringify(rows.at(-1)));
}
for (const n of list(values.int8)) {
  const kw = Math.ceil(n / 4); const a = new Int8Array(n * kw * 4), b = new Int8Array(n * kw * 4); fill(a, 1, true); fill(b, 2, true);
  const bufs = [gpu.upload(a), gpu.upload(b), gpu.storage(n * n * 4)];
  const t = await timeGpu((enc) => gpu.encodeIgemm(enc, n, n, kw, bufs[0], bufs[1], bufs[2]));
  for (const x of bufs) x.destroy();
  rows.push({ kernel: 'igemm', n, backend: 'webgpu', ...t, gops: (2 * n ** 3) / t.median_s / 1e9 });
  console.error(JSON.stringify(rows.at(-1)));
}
for (const name of ['native', 'wasm']) {
  let be;
  try { be = await createBackend(name, { threads: availableParallelism() }); } catch (e) { console.error(`${name}: ${e.message}`); continue; }
  for (const n of list(values.cpu)) {
    const a = be.allocF32(n * n), b = be.allocF32(n * n), c = be.allocF32(n * n); fill(a, 1); fill(b, 2);
    const t = cpuTime(() => be.sgemm(false, true, n, n, n, 1, a, b, 0, c));
    rows.push({ kernel: 'sgemm NT', n, backend: `${name} t${availableParallelism()}`, median_s: t.medianS, best_s: t.bestS, runs: t.runs, gflops: (2 * n ** 3) / t.medianS / 1e9 });
    console.error(JSON.stringify(rows.at(-1)));
  }
  await be.dispose?.();
}
// The paper's headline ratio, device-resident: batched inference (X·Wᵀ over the population) against EGGROLL's
// perturbed forward (the same GEMM plus the rank-1 term), each one command buffer on buffers that stay on the GPU.
for (const spec of (values.es ? values.es.split(',') : [])) {
  const [d, pop] = spec.split(':').map(Number);
  const r = 1, pairs = pop / 2;
  const f32 = (n, seed) => { const a = new Float32Array(n); fill(a, seed); return a; };
  const x = gpu.upload(f32(pop * d, 1)), w = gpu.upload(f32(d * d, 2)), y = gpu.storage(pop * d * 4);
  const bt = gpu.upload(f32(pairs * r * d, 3)), at = gpu.upload(f32(pairs * r * d, 4));
  const pair = gpu.upload(Int32Array.from({ length: pop }, (_, i) => i >> 1)), coef = gpu.upload(Float32Array.from({ length: pop }, (_, i) => (i & 1 ? -0.01 : 0.01)));
  const t = gpu.storage(pop * r * 4);
  const inf = await timeGpu((enc) => gpu.encodeSgemm(enc, false, true, pop, d, d, 1, x, w, 0, y));
  const pert = await timeGpu((enc) => { gpu.encodeSgemm(enc, false, true, pop, d, d, 1, x, w, 0, y); gpu.encodeLowRankAdd(enc, pop, d, d, r, x, bt, at, pair, coef, t, y); });
  for (const b of [x, w, y, bt, at, pair, coef, t]) b.destroy();
  rows.push({ kernel: 'perturbed forward vs inference (device-resident)', d, pop, rank: r, backend: 'webgpu', inference_s: inf.median_s, perturbed_s: pert.median_s, perturbed_over_inference: inf.median_s / pert.median_s });
  console.error(JSON.stringify(rows.at(-1)));
}

// A whole EGGROLL generation of one d×d layer at a population, device-resident (es/device-eggroll.ts: noise,
// perturbed forward and (diag w·A)ᵀB update on the GPU, only the fitness going up), next to batched inference
// (the same forward with every row unperturbed), rounds alternating.
const { jsBackend } = await import('../dist/backend/index.js');
const { ParamSet } = await import('../dist/nn/params.js');
const { mlpSpecs, initMlp } = await import('../dist/nn/mlp.js');
const { DeviceEggroll } = await import('../dist/es/device-eggroll.js');
const { measureRoundRobinAsync } = await import('../dist/bench/harness.js');
for (const spec of (values.es ? values.es.split(',') : [])) {
  const [d, pop] = spec.split(':').map(Number);
  const mlp = { sizes: [d, d], activation: 'identity', bias: 'frozen' };
  const params = new ParamSet(mlpSpecs(mlp), jsBackend);
  initMlp(params, 1);
  const dev = await DeviceEggroll.create(gpu, mlp, params, { algo: 'eggroll', popSize: pop, rank: 1, sigma: 0.01, lr: 1e-4, optimizer: { kind: 'sgd' }, shaping: { kind: 'centered-rank' }, seed: 0 });
  const xs = new Float32Array(pop * d); fill(xs, 5);
  const x = gpu.upload(xs);
  const plain = new Int32Array(pop).fill(-1);
  const fitness = Float64Array.from({ length: pop }, (_, i) => Math.sin(i));
  const opts = { warmup: 1, minRuns: 3, minSeconds: seconds };
  const [inf, gen] = await measureRoundRobinAsync([() => dev.forwardResident(x, plain), async () => { await dev.forwardResident(x); await dev.tell(fitness); }], opts);
  x.destroy(); dev.dispose();
  rows.push({ kernel: 'eggroll generation (device-resident)', d, pop, rank: 1, backend: 'webgpu', inference_s: inf.medianS, generation_s: gen.medianS, generation_over_inference: inf.medianS / gen.medianS });
  console.error(JSON.stringify(rows.at(-1)));
}
// EGG, device-resident (egg/device.ts): a whole integer generation — windows up, noise, T steps of every member, the
// integer update — in tokens·members/s, for layers:width:pop:T (the first is the CPU figure's shape in BENCHMARKS.md).
const { DeviceEgg } = await import('../dist/egg/device.js');
const { EggArch } = await import('../dist/egg/model.js');
const { noiseKey } = await import('../dist/egg/noise.js');
for (const spec of (values.egg ? values.egg.split(',') : [])) {
  const [layers, width, pop, tokens] = spec.split(':').map(Number);
  const arch = new EggArch({ layers, width });
  const params = new Int8Array(arch.size);
  fill(params, 7, true);
  const windows = new Uint8Array((pop / 2) * (tokens + 1)).map((_, i) => 32 + ((i * 7919) % 90));
  const dev = new DeviceEgg(gpu, arch, { pop, groupSize: 2, tokens, sigmaShift: 4, noiseKey: noiseKey(1, 2) });
  dev.upload(params, new Int8Array(layers * pop * width));
  const fitness = new Int32Array(pop);
  const F = new Int8Array(pop / 2).map((_, k) => [1, -1, 0, 1][k % 4]);
  let epoch = 0;
  const [gen] = await measureRoundRobinAsync([async () => { await dev.evaluate(epoch++, windows, fitness); await dev.update(F, 20); }], { warmup: 1, minRuns: 3, minSeconds: seconds });
  dev.destroy();
  rows.push({ kernel: 'egg generation (device-resident)', layers, width, pop, tokens, backend: 'webgpu', generation_s: gen.medianS, tokens_members_per_s: (pop * tokens) / gen.medianS });
  console.error(JSON.stringify(rows.at(-1)));
}

const result = { bench: 'gpu', adapter: gpu.gpu.adapterName, software_adapter: gpu.gpu.software, packed_dot: gpu.packedDot, features: [...gpu.gpu.features], cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version, date: new Date().toISOString(), rows };
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'gpu-bench.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result));
process.exit(0);
