/**
 * The greedy "SGD-like" learner (paper Alg. 3): each step draws a minibatch of b training points,
 * evaluates EVERY 1-hop neighbour (2Hn + H moves, each O(W) words with NetState.evalMove), keeps the
 * set of neighbours with the fewest batch errors, and moves to one of them: with probability p to a
 * uniform choice among that set's lowest-ℓ1 members, otherwise to a uniform member. The paper gives
 * neither p nor b in the surviving text; our defaults (p = 0.5, b = m) are documented in the CLI.
 */
import { initNet, toDnf, type Dfcn, type InitKind } from './dfcn.js';
import { runToEnd, type LearnerDriver, type LearnResult, type LogFn, type StepLog } from './learner.js';
import { pick, snapshot } from './mcmc.js';
import { seqRng, STREAM } from './rng.js';
import { NetState, type Domain, type BooleanTask } from './state.js';

export interface GreedyOptions {
  steps: number;
  batch: number;
  tieP: number;
  logEvery: number;
  seed: number;
  init?: Dfcn;
  initKind?: InitKind;
  domain?: Domain;
}

/** The greedy learner as steps between log entries: `next()` runs to the next entry, so a caller can stop between. */
export function greedyDriver(n: number, H: number, task: BooleanTask, o: GreedyOptions, onLog?: LogFn): LearnerDriver {
  const net = o.init ?? initNet(n, H, seqRng(o.seed, STREAM.init, 0), o.initKind ?? 'uniform');
  const s = new NetState(net, task, o.domain ?? 'all');
  const rng = seqRng(o.seed, STREAM.greedy, 0);
  const trainIdx: number[] = [];
  // Bit positions of the training points in the state's planes (input index, or rank in the training list).
  if (s.domain === 'train') for (let k = 0; k < task.m; k++) trainIdx.push(k);
  else for (let v = 0; v < 1 << n; v++) if ((task.train[v >>> 5] >>> (v & 31)) & 1) trainIdx.push(v);
  const batchIdx = Uint32Array.from(trainIdx);
  const mask = new Uint32Array(s.W);
  const best = new Int32Array(s.moves);
  const bestDn = new Int8Array(s.moves);
  const log: StepLog[] = [];
  let zeroStep = -1;
  const emit = (step: number) => {
    const e = snapshot(s, step, task.m);
    if (zeroStep < 0 && s.trainErrors === 0) zeroStep = step;
    log.push(e);
    onLog?.(e);
  };
  emit(0);
  let step = 0;
  const advance = () => {
    step++;
    let m = s.train;
    if (o.batch < task.m) {
      // Partial Fisher–Yates: the first b entries become a uniform b-subset.
      for (let i = 0; i < o.batch; i++) {
        const j = i + rng.below(batchIdx.length - i);
        const t = batchIdx[i]; batchIdx[i] = batchIdx[j]; batchIdx[j] = t;
      }
      mask.fill(0);
      for (let i = 0; i < o.batch; i++) mask[batchIdx[i] >>> 5] |= 1 << (batchIdx[i] & 31);
      m = mask;
    }
    let bestDe = Infinity, count = 0, minDn = 2;
    for (let r = 0; r < s.moves; r++) {
      const de = s.evalMove(r, m);
      if (de < bestDe) { bestDe = de; count = 0; minDn = 2; }
      if (de === bestDe) {
        best[count] = r; bestDn[count] = s.lastDn; count++;
        if (s.lastDn < minDn) minDn = s.lastDn;
      }
    }
    let choice: number;
    if (rng.uniform32() < o.tieP) {
      let k = 0;
      for (let c = 0; c < count; c++) if (bestDn[c] === minDn) k++;
      let t = rng.below(k);
      choice = best[0];
      for (let c = 0; c < count; c++) if (bestDn[c] === minDn && t-- === 0) { choice = best[c]; break; }
    } else choice = best[rng.below(count)];
    s.evalMove(choice, m);
    s.applyLast();
  };
  return {
    done: () => step >= o.steps,
    // Entries at every multiple of logEvery and at the last step.
    next() {
      do advance(); while (step % o.logEvery !== 0 && step < o.steps);
      emit(step);
    },
    result() {
      const last = log[log.length - 1];
      const final = s.toNet();
      return { algo: 'greedy', net: final, dnf: toDnf(final), ...pick(last), steps: step, zero_train_step: zeroStep, log };
    },
  };
}

export function runGreedy(n: number, H: number, task: BooleanTask, o: GreedyOptions, onLog?: LogFn): LearnResult {
  return runToEnd(greedyDriver(n, H, task, o, onLog));
}
