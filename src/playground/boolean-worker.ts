/**
 * The Boolean tab's Web Worker: learns a target with Metropolis–Hastings on the depth-2 ternary network
 * (boolean/chain.ts: runMh's chain, advanced in chunks) and posts a view — accuracy, W¹, W², the DNF —
 * about every 50 ms, so the page shows the chain live without being flooded. A new 'start' supersedes.
 */
import { MhChain } from '../boolean/chain.js';
import { widthFor } from '../boolean/dfcn.js';
import { makeTarget, makeTask } from '../boolean/experiments.js';
import { BOOLEAN_MAX_N, type BooleanSettings, type FromBooleanWorker, type ToBooleanWorker } from './protocol.js';

interface WorkerScope {
  onmessage: ((e: { data: ToBooleanWorker }) => void) | null;
  postMessage(m: FromBooleanWorker, transfer?: ArrayBuffer[]): void;
}
const scope = globalThis as unknown as WorkerScope;

/** How long the chain runs between two posted views. */
const VIEW_EVERY_MS = 50;

let run = 0;

scope.onmessage = (e) => {
  const me = ++run;
  void learn(e.data.settings, me).catch((err: Error) => scope.postMessage({ type: 'error', message: err.message }));
};

function check(s: BooleanSettings): void {
  const int = (v: number, lo: number, hi: number, what: string) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${what} must be a whole number in ${lo}..${hi}, got ${v}`);
  };
  int(s.n, 2, BOOLEAN_MAX_N, 'n');
  int(s.m, 1, 2 ** s.n - 1, `training inputs m (for n = ${s.n})`);
  int(s.steps, 1, 1e9, 'steps');
  int(s.seed, 0, 2 ** 32 - 1, 'seed');
  if (!(s.lambda >= 0 && Number.isFinite(s.lambda))) throw new RangeError(`λ must be a finite number ≥ 0, got ${s.lambda}`);
  if (!(s.kappa > 0 && Number.isFinite(s.kappa))) throw new RangeError(`κ must be a finite number > 0, got ${s.kappa}`);
  if (!(s.widthMult > 0 && s.widthMult <= 4)) throw new RangeError(`width multiplier must be in (0, 4], got ${s.widthMult}`);
}

async function learn(s: BooleanSettings, me: number): Promise<void> {
  check(s);
  const task = makeTask(makeTarget(s.target, s.n, s.seed), s.m, s.seed);
  const chain = new MhChain(s.n, widthFor(s.n, s.widthMult), task, { kappa: s.kappa, lambda: s.lambda, seed: s.seed });
  const postView = (done: boolean, stepsPerSecond: number) => {
    const v = chain.view();
    scope.postMessage({ type: 'progress', done, stepsPerSecond, ...v }, [v.w1.buffer as ArrayBuffer, v.w2.buffer as ArrayBuffer]);
  };
  postView(false, 0);
  // Chunks sized from the measured rate so each lasts about VIEW_EVERY_MS (the chain is the same whatever the chunks).
  let chunk = 1000;
  while (chain.step < s.steps) {
    const t0 = performance.now();
    const k = Math.min(chunk, s.steps - chain.step);
    chain.advance(k);
    const ms = Math.max(0.01, performance.now() - t0);
    chunk = Math.max(100, Math.min(1e6, Math.round((k * VIEW_EVERY_MS) / ms)));
    postView(chain.step >= s.steps, (k * 1000) / ms);
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (run !== me) return;
  }
}
