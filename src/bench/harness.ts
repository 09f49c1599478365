/**
 * A tiny benchmark harness shared by every `eggroll bench …` command.
 *
 * Why not tinybench/mitata: we need exactly three things — warm up, repeat until both a minimum
 * number of runs and a minimum time are reached, report the median and the best — and we want the
 * same numbers in every bench command and in the same JSON shape. The machine is usually shared and
 * noisy, so the median is the headline and the best is what the hardware can do on a quiet moment.
 *
 * Usage:
 *   const t = measure(() => backend.sgemm(...), { minRuns: 5, minSeconds: 0.5 });
 *   const gflops = rate(2 * m * n * k, t.medianS) / 1e9;
 */

export interface MeasureOptions {
  /** Calls before timing starts (JIT, caches, page faults, thread start-up). Default 2. */
  warmup?: number;
  /** At least this many timed runs. Default 5. */
  minRuns?: number;
  /** And keep going until at least this many seconds were spent timing. Default 0.5. */
  minSeconds?: number;
  /** Never more than this many timed runs (bounds the time spent on tiny cases). Default 10 000. */
  maxRuns?: number;
  /** Give up adding runs after this many seconds even if minRuns is not reached (a very slow case). */
  maxSeconds?: number;
}

export interface Timing {
  /** Timed runs. */
  runs: number;
  /** Seconds per run. */
  medianS: number;
  bestS: number;
  meanS: number;
  /** Every sample in seconds, in the order taken. */
  samples: number[];
}

const now = (): number => performance.now() / 1000;

function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianS = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    runs: samples.length,
    medianS,
    bestS: sorted[0],
    meanS: samples.reduce((s, v) => s + v, 0) / samples.length,
    samples,
  };
}

function limits(o: MeasureOptions) {
  return {
    warmup: o.warmup ?? 2,
    minRuns: Math.max(1, o.minRuns ?? 5),
    minSeconds: o.minSeconds ?? 0.5,
    maxRuns: o.maxRuns ?? 10_000,
    maxSeconds: o.maxSeconds ?? Infinity,
    /** The one stopping rule of every timer here: after `runs` samples (or rounds) and `spent` seconds. */
    enough(runs: number, spent: number): boolean {
      return spent >= this.maxSeconds || (runs >= this.minRuns && spent >= this.minSeconds);
    },
  };
}

/**
 * Times a synchronous function. Each sample is one call; for calls well under a millisecond the timer
 * resolution (~µs) is fine because the median of many samples is taken.
 */
export function measure(fn: () => void, opts: MeasureOptions = {}): Timing {
  const l = limits(opts);
  for (let i = 0; i < l.warmup; i++) fn();
  const samples: number[] = [];
  const start = now();
  while (samples.length < l.maxRuns) {
    const t0 = now();
    fn();
    const t1 = now();
    samples.push(t1 - t0);
    if (l.enough(samples.length, t1 - start)) break;
  }
  return summarise(samples);
}

/**
 * Times several functions round-robin (f0, f1, …, f0, f1, …) so that all of them see the same machine
 * load: use it for ratios between them on a shared, noisy machine. Each round times every function
 * once; it stops when there are minRuns rounds and minSeconds have passed in total (or at maxSeconds).
 */
export function measureRoundRobin(fns: (() => void)[], opts: MeasureOptions = {}): Timing[] {
  const l = limits(opts);
  for (let i = 0; i < l.warmup; i++) for (const f of fns) f();
  const samples: number[][] = fns.map(() => []);
  const start = now();
  for (let round = 0; round < l.maxRuns; round++) {
    let t1 = now();
    for (let j = 0; j < fns.length; j++) {
      const t0 = now();
      fns[j]();
      t1 = now();
      samples[j].push(t1 - t0);
    }
    if (l.enough(round + 1, t1 - start)) break;
  }
  return samples.map(summarise);
}

/**
 * measureRoundRobin for asynchronous work (a GPU's command buffers, each awaited until the device has finished):
 * the same rounds, warm-up and stopping rule.
 */
export async function measureRoundRobinAsync(fns: (() => Promise<unknown>)[], opts: MeasureOptions = {}): Promise<Timing[]> {
  const l = limits(opts);
  for (let i = 0; i < l.warmup; i++) for (const f of fns) await f();
  const samples: number[][] = fns.map(() => []);
  const start = now();
  for (let round = 0; round < l.maxRuns; round++) {
    let t1 = now();
    for (let j = 0; j < fns.length; j++) {
      const t0 = now();
      await fns[j]();
      t1 = now();
      samples[j].push(t1 - t0);
    }
    if (l.enough(round + 1, t1 - start)) break;
  }
  return samples.map(summarise);
}

/** Work per second, e.g. rate(2*m*n*k, t.medianS) / 1e9 = GFLOP/s. */
export function rate(work: number, seconds: number): number {
  return seconds > 0 ? work / seconds : Infinity;
}

/** One JSON-able record per benchmark case; every bench command prints these with --json. */
export interface BenchRecord {
  bench: string;
  case: string;
  median_s: number;
  best_s: number;
  runs: number;
  [extra: string]: unknown;
}

export function record(bench: string, name: string, t: Timing, extra: Record<string, unknown> = {}): BenchRecord {
  return { bench, case: name, median_s: t.medianS, best_s: t.bestS, runs: t.runs, ...extra };
}

/** A short description of the machine, so a pasted table says where it was measured. */
export async function machineInfo(): Promise<Record<string, unknown>> {
  const os = await import('node:os');
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    load1: Number(os.loadavg()[0].toFixed(2)),
  };
}

/** Fixed-width text table for human output. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNum(c) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => String(r[j] ?? '').length)));
  return cells.map((r) => r.map((c, j) => String(c ?? '').padStart(widths[j])).join('  ')).join('\n');
}

function formatNum(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return '0';
  return v.toPrecision(3);
}
