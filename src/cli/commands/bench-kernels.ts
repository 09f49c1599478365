/// <reference types="@webgpu/types" />
/**
 * `eggroll bench gemm` and `eggroll bench int8`: kernel throughput per backend and thread count, next to
 * OpenBLAS called directly through the native addon (the practical limit of this machine) when it is
 * built. All subjects of one size are timed round-robin (and GEMM, lowRankAdd and both together likewise),
 * so the ratios in the summary compare numbers taken under the same machine load.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { Command } from '../command.js';
import { parseFlags, num } from '../flags.js';
import { jsonFlag } from '../common-flags.js';
import { log } from '../output.js';
import { UsageError } from '../errors.js';
import { createBackend, jsBackend, openBlasSgemm, openWebGpu, type Backend, type SgemmFn } from '../../backend/index.js';
import { measureRoundRobin, machineInfo, rate, table, type Timing } from '../../bench/harness.js';

const list = (what: string) =>
  z.string().regex(/^\d+(,\d+)*$/, { message: `must be a comma-separated list of positive integers (${what})` })
    .transform((s) => s.split(',').map(Number))
    .refine((v) => v.every((x) => x >= 1 && x <= 8192), { message: `${what} must be in [1, 8192]` });

const ALL = availableParallelism();

const commonFlags = {
  sizes: { schema: list('sizes'), default: '64,256,512,1024', help: 'square sizes n for n×n×n products' },
  threads: { schema: list('threads'), default: ALL > 1 ? `1,${ALL}` : '1', help: 'thread counts to measure (1 and all cores by default)' },
  backends: { schema: z.string().regex(/^(js|wasm|native|webgpu)(,(js|wasm|native|webgpu))*$/, { message: 'must be a comma-separated subset of js,wasm,native,webgpu' }), default: 'js,wasm,native', help: 'backends to measure (js only at sizes ≤ 256; native only if built; webgpu only when named: the GPU, or a software adapter — slow)' },
  'min-seconds': { schema: num.positive(), default: 0.4, help: 'keep timing each case for at least this long' },
  json: jsonFlag,
};
const int8Flags = {
  ...commonFlags,
  backends: { schema: z.string().regex(/^(js|wasm|native|webgpu)(,(js|wasm|native|webgpu))*$/, { message: 'must be a comma-separated subset of js,wasm,native,webgpu' }), default: 'js,wasm,native', help: 'backends to measure (js only at sizes ≤ 256; native: AVX-512 VNNI kernel where the CPU has it, else wasm; webgpu only when named)' },
};
const gemmFlags = {
  ...commonFlags,
  shapes: { schema: z.enum(['all', 'squares', 'eggroll'], { message: 'must be one of all, squares, eggroll' }), default: 'all', help: 'square sizes, the EGGROLL shapes, or both' },
};

interface Row {
  bench: 'gemm' | 'int8';
  case: string;
  backend: string;
  threads: number;
  /** Multiply-adds ×2 per call. */
  ops: number;
  median_s: number;
  best_s: number;
  runs: number;
  /** GFLOP/s (f32) or GOP/s (int8) at the median and best time. */
  g_median: number;
  g_best: number;
  [extra: string]: unknown;
}

function fill(a: Float32Array | Int8Array, seed: number, int8 = false): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = int8 ? (s >>> 24) - 128 : s / 2 ** 31 - 1;
  }
}

interface Subject {
  label: string;
  backend: string;
  threads: number;
  be?: Backend;
  /** OpenBLAS's cblas_sgemm called straight through the addon (not row-invariant; the speed to compare with). */
  direct?: SgemmFn;
}

async function subjects(names: string[], threads: number[], note: (s: string) => void): Promise<Subject[]> {
  const out: Subject[] = [];
  let native = names.includes('native');
  let blasNoted = false;
  for (const t of threads) {
    if (names.includes('js') && t === 1) out.push({ label: 'js', backend: 'js', threads: 1, be: jsBackend });
    if (names.includes('wasm')) out.push({ label: `wasm t${t}`, backend: 'wasm', threads: t, be: await createBackend('wasm', { threads: t }) });
    if (!native) continue;
    try {
      out.push({ label: `native t${t}`, backend: 'native', threads: t, be: await createBackend('native', { threads: t }) });
    } catch (e) {
      note(`${(e as Error).message}; native and openblas lines skipped`);
      native = false;
      continue;
    }
    const direct = await openBlasSgemm(t);
    if (typeof direct !== 'string') out.push({ label: `openblas t${t}`, backend: 'openblas-direct', threads: t, direct });
    else if (!blasNoted) { note(`${direct}; openblas lines skipped`); blasNoted = true; }
  }
  return out;
}

function row(bench: Row['bench'], name: string, s: Subject, ops: number, t: Timing, extra: Record<string, unknown> = {}): Row {
  return {
    bench, case: name, backend: s.backend, threads: s.threads, ops, median_s: t.medianS, best_s: t.bestS, runs: t.runs,
    g_median: rate(ops, t.medianS) / 1e9, g_best: rate(ops, t.bestS) / 1e9, ...extra,
  };
}

/** Prints a row (one JSON line with --json) and keeps it for the summary. */
function emitter(json: boolean) {
  const rows: Row[] = [];
  return {
    rows,
    emit(r: Row) {
      rows.push(r);
      if (json) process.stdout.write(JSON.stringify(r) + '\n');
      else log(`  ${r.case.padEnd(28)} ${(`${r.backend} t${r.threads}`).padEnd(22)} ${r.g_median.toFixed(1).padStart(7)} G/s median  ${r.g_best.toFixed(1).padStart(7)} best  (${r.runs} runs)`);
    },
  };
}

const find = (rows: Row[], c: string, backend: string, threads: number) =>
  rows.find((r) => r.case === c && r.backend === backend && r.threads === threads);
const ratio = (a?: Row, b?: Row) => (a && b ? Number((a.g_median / b.g_median).toFixed(3)) : null);

// ---------------------------------------------------------------------------------------------------

function benchSquare(subs: Subject[], n: number, opts: { minSeconds: number }, emit: (r: Row) => void): void {
  // Every backend allocates its own operands (wasm memory for wasm/native), so no call copies. All
  // subjects of one size are timed round-robin, so their ratios see the same machine load.
  const name = `sgemm NT ${n}³`;
  const ops = 2 * n * n * n;
  const here = subs.filter((s) => !(s.backend === 'js' && n > 256));
  const calls = here.map((s) => {
    const be = s.be ?? jsBackend;
    const a = be.allocF32(n * n), b = be.allocF32(n * n), c = be.allocF32(n * n);
    fill(a, 1);
    fill(b, 2);
    const call = s.direct
      ? () => s.direct!(false, true, n, n, n, 1, a, 0, n, b, 0, c, 0)
      : () => be.sgemm(false, true, n, n, n, 1, a, b, 0, c);
    return { call, free: () => { be.free?.(a); be.free?.(b); be.free?.(c); } };
  });
  const times = measureRoundRobin(calls.map((c) => c.call), { minSeconds: opts.minSeconds * here.length, minRuns: 5, warmup: 1, maxSeconds: 30 });
  here.forEach((s, i) => emit(row('gemm', name, s, ops, times[i], { m: n, n, k: n })));
  for (const c of calls) c.free();
}

/**
 * The EGGROLL shapes at kernel level: one 1024×1024 layer over a population of 1024 rows (shared GEMM
 * X·Wᵀ, then lowRankAdd at rank r), and the MLP 64-256-256-8 over 2048 rows (three GEMMs, then
 * lowRankAdd at rank 1 per layer). `perturbed_over_inference` = GEMM time ÷ (GEMM + lowRankAdd time),
 * from medians timed round-robin: the kernel-level part of `bench es`'s ratio (noise generation and
 * activations not included). `perturbed_over_inference_direct` times the two as one call instead.
 */
function benchEggroll(subs: Subject[], opts: { minSeconds: number }, emit: (r: Row) => void): void {
  const layerCases: { name: string; rows: number; layers: [number, number][]; rank: number }[] = [
    { name: 'eggroll 1024² pop1024 r1', rows: 1024, layers: [[1024, 1024]], rank: 1 },
    { name: 'eggroll 1024² pop1024 r4', rows: 1024, layers: [[1024, 1024]], rank: 4 },
    { name: 'eggroll mlp 64-256-256-8 pop2048', rows: 2048, layers: [[64, 256], [256, 256], [256, 8]], rank: 1 },
  ];
  for (const cs of layerCases) {
    for (const s of subs) {
      if (s.backend === 'js' || s.direct) continue;
      const be = s.be!;
      const pairs = cs.rows / 2;
      const bufs = cs.layers.map(([n, m]) => {
        const x = be.allocF32(cs.rows * n), w = be.allocF32(m * n), y = be.allocF32(cs.rows * m);
        const bt = be.allocF32(pairs * cs.rank * n), at = be.allocF32(pairs * cs.rank * m);
        fill(x, 3); fill(w, 4); fill(bt, 5); fill(at, 6);
        return { n, m, x, w, y, bt, at };
      });
      const pair = new Int32Array(cs.rows).map((_, i) => i >> 1);
      const coef = new Float32Array(cs.rows).map((_, i) => (i % 2 ? -0.01 : 0.01));
      const gemm = () => { for (const l of bufs) be.sgemm(false, true, cs.rows, l.m, l.n, 1, l.x, l.w, 0, l.y); };
      const low = () => { for (const l of bufs) be.lowRankAdd(cs.rows, l.n, l.m, cs.rank, l.x, l.bt, l.at, pair, coef, l.y); };
      const both = () => { gemm(); low(); };
      const gemmOps = bufs.reduce((acc, l) => acc + 2 * cs.rows * l.n * l.m, 0);
      const lowOps = bufs.reduce((acc, l) => acc + 2 * cs.rows * cs.rank * (l.n + l.m), 0);
      const mo = { minSeconds: opts.minSeconds, minRuns: 5, warmup: 2, maxSeconds: 20 };
      // GEMM, lowRankAdd and both, round-robin, so they see the same machine load.
      const [tg, tl, tb] = measureRoundRobin([gemm, low, both], mo);
      emit(row('gemm', `${cs.name} gemm`, s, gemmOps, tg));
      emit(row('gemm', `${cs.name} lowRankAdd`, s, lowOps, tl));
      emit(row('gemm', `${cs.name} perturbed`, s, gemmOps + lowOps, tb, {
        // From the two parts' medians: the phases run one after the other, and the short lowRankAdd
        // calls give a far steadier median on a busy machine than the long combined call.
        perturbed_over_inference: Number((tg.medianS / (tg.medianS + tl.medianS)).toFixed(3)),
        // From timing GEMM + lowRankAdd as one call (noisier; should agree within the noise).
        perturbed_over_inference_direct: Number((tg.medianS / tb.medianS).toFixed(3)),
      }));
      for (const l of bufs) for (const v of [l.x, l.w, l.y, l.bt, l.at]) be.free?.(v);
    }
  }
}

function benchInt8Square(subs: Subject[], n: number, opts: { minSeconds: number }, emit: (r: Row) => void): void {
  const ops = 2 * n * n * n;
  const here = subs.filter((s) => !s.direct && !(s.backend === 'js' && n > 256));
  // For each subject: igemm, and the same product in f32 on the same backend (for int8 ÷ f32); all
  // timed round-robin so the ratios see the same machine load.
  const calls = here.flatMap((s) => {
    const be = s.be!;
    const a = be.allocI8(n * n), b = be.allocI8(n * n), c = be.allocI32(n * n);
    fill(a, 7, true);
    fill(b, 8, true);
    const fa = be.allocF32(n * n), fb = be.allocF32(n * n), fc = be.allocF32(n * n);
    fill(fa, 1);
    fill(fb, 2);
    const free = () => { for (const v of [a, b, c, fa, fb, fc]) be.free?.(v); };
    return [
      { s, name: `igemm ${n}³`, call: () => be.igemm(n, n, n, a, b, c), free },
      { s, name: `sgemm NT ${n}³ (f32 for comparison)`, call: () => be.sgemm(false, true, n, n, n, 1, fa, fb, 0, fc), free: () => {} },
    ];
  });
  const times = measureRoundRobin(calls.map((c) => c.call), { minSeconds: opts.minSeconds * calls.length, minRuns: 5, warmup: 1, maxSeconds: 30 });
  calls.forEach((c, i) => emit(row('int8', c.name, c.s, ops, times[i], { m: n, n, k: n })));
  for (const c of calls) c.free();
}

async function finish(bench: 'gemm' | 'int8', rows: Row[], summary: Record<string, unknown>, json: boolean, threads: number[]): Promise<void> {
  const machine = await machineInfo();
  const out = { bench, summary: true, machine, threads, cases: rows.length, ...summary };
  if (json) {
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const header = ['case', 'backend', 'threads', 'G/s median', 'G/s best', 'runs'];
  process.stdout.write(table(header, rows.map((r) => [r.case, r.backend, r.threads, r.g_median, r.g_best, r.runs])) + '\n\n');
  for (const [k, v] of Object.entries(summary)) process.stdout.write(`${k}: ${v}\n`);
}

/**
 * The WebGPU kernels at size n, device-resident as a GPU generation would use them: operands uploaded once, then
 * each timed call is one dispatch, submitted and waited for (onSubmittedWorkDone); nothing is read back in the loop.
 */
async function benchWebGpu(kind: 'gemm' | 'int8', n: number, minSeconds: number, emit: (r: Row) => void): Promise<void> {
  const gpu = await openWebGpu();
  const name = kind === 'gemm' ? `sgemm NT ${n}³` : `igemm ${n}³`;
  let record: (enc: GPUCommandEncoder) => void;
  const bufs: GPUBuffer[] = [];
  if (kind === 'gemm') {
    const a = new Float32Array(n * n), b = new Float32Array(n * n);
    fill(a, 1);
    fill(b, 2);
    bufs.push(gpu.upload(a), gpu.upload(b), gpu.storage(n * n * 4));
    record = (enc) => gpu.encodeSgemm(enc, false, true, n, n, n, 1, bufs[0], bufs[1], 0, bufs[2]);
  } else {
    const kw = Math.ceil(n / 4);
    const a = new Int8Array(n * kw * 4), b = new Int8Array(n * kw * 4);
    fill(a, 1, true);
    fill(b, 2, true);
    bufs.push(gpu.upload(a), gpu.upload(b), gpu.storage(n * n * 4));
    record = (enc) => gpu.encodeIgemm(enc, n, n, kw, bufs[0], bufs[1], bufs[2]);
  }
  const t = await gpu.time(record, minSeconds);
  for (const x of bufs) x.destroy();
  const ops = 2 * n * n * n;
  emit({ bench: kind, case: name, backend: 'webgpu', threads: 1, ops, ...t, g_median: rate(ops, t.median_s) / 1e9, g_best: rate(ops, t.best_s) / 1e9, adapter: gpu.gpu.adapterName, software_adapter: gpu.gpu.software, ...(kind === 'int8' ? { packed_dot: gpu.packedDot } : {}) });
}

export const benchGemmCommand: Command = {
  name: 'bench gemm',
  summary: 'f32 GEMM throughput per backend and thread count, with OpenBLAS direct as the limit',
  example: 'eggroll bench gemm --sizes 256,512 --threads 1,2 --json',
  flags: gemmFlags,
  async run(argv) {
    const { flags } = parseFlags(argv, gemmFlags);
    const f = flags as unknown as { sizes: number[]; threads: number[]; backends: string; 'min-seconds': number; json: boolean; shapes: string };
    if (f.threads.some((t) => t > 64)) throw new UsageError('--threads: at most 64');
    const subs = await subjects(f.backends.split(','), f.threads, log);
    const { rows, emit } = emitter(f.json);
    const opts = { minSeconds: f['min-seconds'] };
    if (f.shapes !== 'eggroll') for (const n of f.sizes) benchSquare(subs, n, opts, emit);
    if (f.backends.split(',').includes('webgpu')) for (const n of f.sizes) await benchWebGpu('gemm', n, f['min-seconds'], emit);
    if (f.shapes !== 'squares') benchEggroll(subs, opts, emit);
    const t1 = 1, tAll = Math.max(...f.threads);
    const summary: Record<string, unknown> = {};
    for (const n of f.sizes) {
      const c = `sgemm NT ${n}³`;
      summary[`wasm_over_openblas_${n}_t1`] = ratio(find(rows, c, 'wasm', t1), find(rows, c, 'openblas-direct', t1));
      summary[`native_over_openblas_${n}_t1`] = ratio(find(rows, c, 'native', t1), find(rows, c, 'openblas-direct', t1));
      if (tAll > 1) {
        summary[`wasm_t${tAll}_over_t1_${n}`] = ratio(find(rows, c, 'wasm', tAll), find(rows, c, 'wasm', t1));
        summary[`native_t${tAll}_over_t1_${n}`] = ratio(find(rows, c, 'native', tAll), find(rows, c, 'native', t1));
      }
      summary[`wasm_gflops_${n}_t1`] = find(rows, c, 'wasm', t1)?.g_median ?? null;
      const gpu = find(rows, c, 'webgpu', 1);
      if (gpu) {
        summary[`webgpu_gflops_${n}`] = gpu.g_median;
        summary[`webgpu_over_wasm_${n}_t1`] = ratio(gpu, find(rows, c, 'wasm', t1));
        summary.webgpu_adapter = gpu.adapter;
      }
    }
    for (const r of rows) if (r.perturbed_over_inference !== undefined) summary[`perturbed_over_inference ${r.case.replace(/ perturbed$/, '')} ${r.backend} t${r.threads}`] = r.perturbed_over_inference;
    await finish('gemm', rows, summary, f.json, f.threads);
    for (const s of subs) await s.be?.dispose?.();
  },
};

export const benchInt8Command: Command = {
  name: 'bench int8',
  summary: 'exact int8×int8→int32 GEMM throughput (GOP/s) per backend, next to f32 on the same backend',
  example: 'eggroll bench int8 --sizes 512 --json',
  flags: int8Flags,
  async run(argv) {
    const { flags } = parseFlags(argv, int8Flags);
    const f = flags as unknown as { sizes: number[]; threads: number[]; backends: string; 'min-seconds': number; json: boolean };
    const subs = await subjects(f.backends.split(','), f.threads, log);
    const { rows, emit } = emitter(f.json);
    for (const s of subs) if (s.backend === 'native') log(`native int8 kernel: ${(s.be as { int8Kernel?: string }).int8Kernel}`);
    for (const n of f.sizes) benchInt8Square(subs, n, { minSeconds: f['min-seconds'] }, emit);
    if (f.backends.split(',').includes('webgpu')) for (const n of f.sizes) await benchWebGpu('int8', n, f['min-seconds'], emit);
    const summary: Record<string, unknown> = {};
    const tAll = Math.max(...f.threads);
    for (const n of f.sizes) {
      const c = `igemm ${n}³`, cf = `sgemm NT ${n}³ (f32 for comparison)`;
      summary[`int8_over_f32_${n}_t1`] = ratio(find(rows, c, 'wasm', 1), find(rows, cf, 'wasm', 1));
      summary[`wasm_gops_${n}_t1`] = find(rows, c, 'wasm', 1)?.g_median ?? null;
      if (tAll > 1) summary[`wasm_t${tAll}_over_t1_${n}`] = ratio(find(rows, c, 'wasm', tAll), find(rows, c, 'wasm', 1));
      summary[`wasm_over_js_${n}`] = ratio(find(rows, c, 'wasm', 1), find(rows, c, 'js', 1));
      summary[`native_over_wasm_${n}_t1`] = ratio(find(rows, c, 'native', 1), find(rows, c, 'wasm', 1));
    }
    await finish('int8', rows, summary, f.json, f.threads);
    for (const s of subs) await s.be?.dispose?.();
  },
};
