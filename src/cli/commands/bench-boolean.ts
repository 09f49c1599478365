/**
 * `eggroll bench boolean`: MH proposals per second with the incremental O(2^n/32) evaluation, next to
 * the full re-evaluation baseline (a bit-parallel forward pass of the whole network per proposal), and
 * prior draws per second.
 */
import type { Command } from '../command.js';
import { num, parseFlags, type FlagTable } from '../flags.js';
import { jsonFlag, seedFlag } from '../common-flags.js';
import { printResult } from '../output.js';
import { machineInfo, measure, record, table, type BenchRecord } from '../../bench/harness.js';
import { randomNet, widthFor } from '../../boolean/dfcn.js';
import { makeTarget, makeTask } from '../../boolean/experiments.js';
import { NetState, fullErrors } from '../../boolean/state.js';
import { seqRng, STREAM } from '../../boolean/rng.js';
import { sampleRange } from '../../boolean/prior.js';
import { mhStep } from '../../boolean/mcmc.js';
import { literalPlanes } from '../../boolean/truth-table.js';
import { exp } from '../../math/index.js';

const flags = {
  n: { schema: num.int(2, 14), default: 7, help: 'inputs for the MH case' },
  'width-mult': { schema: num.positive(), default: 2, help: 'α_w (H = α_w·2^(n−1); 128 at n = 7)' },
  proposals: { schema: num.count(1000), default: 2_000_000, help: 'proposals per timed run (incremental)' },
  'min-seconds': { schema: num.positive(), default: 1, help: 'keep repeating each case at least this long' },
  seed: seedFlag,
  json: jsonFlag,
} satisfies FlagTable;

export const benchBoolean: Command = {
  name: 'bench boolean',
  summary: 'benchmark MH proposals/s (incremental vs full re-evaluation) and prior draws/s',
  example: 'eggroll bench boolean --n 7 --json',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    const n = f.n, H = widthFor(n, f['width-mult']);
    const task = makeTask(makeTarget('parity:4', n, f.seed), Math.min(64, 2 ** n - 1), f.seed);
    const net = randomNet(n, H, seqRng(f.seed, STREAM.init, 0), 'uniform');
    const records: BenchRecord[] = [];
    const opts = { warmup: 1, minRuns: 3, minSeconds: f['min-seconds'], maxSeconds: 30 };

    // The MH inner loop of runMh (mhStep, λ = 0.01, κ = 1000), with its accept/reject, on a chain's state.
    const P = f.proposals;
    const km = 1000 / task.m;
    let sink = 0;
    const mhCase = (s: NetState, label: string): number => {
      const rng = seqRng(f.seed, STREAM.chain, 0);
      const t = measure(() => { for (let k = 0; k < P; k++) mhStep(s, rng, km, 0.01); sink += s.trainErrors; }, opts);
      records.push(record('boolean', label, t, { proposals: P, proposals_per_s: Math.round(P / t.medianS), best_proposals_per_s: Math.round(P / t.bestS) }));
      return P / t.medianS;
    };
    const incRate = mhCase(new NetState(net, task), `mh-incremental n=${n} H=${H}`);
    // The same chain with planes over the m training inputs only (what n ≥ 9 uses by default).
    mhCase(new NetState(net, task, 'train'), `mh-incremental-train-planes n=${n} H=${H} m=${task.m}`);

    // Baseline: apply the move to a plain weight copy and run a full bit-parallel forward pass.
    const plain = { ...net, w1: net.w1.slice(), w2: net.w2.slice() };
    const lit = literalPlanes(n);
    const Pf = Math.max(1000, Math.round(P / 50));
    const rng2 = seqRng(f.seed, STREAM.chain, 1);
    let errs = fullErrors(plain, task, lit);
    const moves = 2 * H * n + H;
    const full = measure(() => {
      for (let k = 0; k < Pf; k++) {
        const r = rng2.below(moves);
        let undo: () => void;
        let dn: number;
        if (r < 2 * H * n) {
          const e = r >>> 1, old = plain.w1[e];
          const nv = old === -1 ? ((r & 1) ? 1 : 0) : old === 0 ? ((r & 1) ? 1 : -1) : ((r & 1) ? 0 : -1);
          plain.w1[e] = nv; dn = (nv !== 0 ? 1 : 0) - (old !== 0 ? 1 : 0);
          undo = () => { plain.w1[e] = old; };
        } else {
          const i = r - 2 * H * n;
          plain.w2[i] ^= 1; dn = plain.w2[i] ? 1 : -1;
          undo = () => { plain.w2[i] ^= 1; };
        }
        const e2 = fullErrors(plain, task, lit);
        const d = km * (e2 - errs) + 0.01 * dn;
        if (d <= 0 || rng2.uniform32() < exp(-d)) errs = e2; else undo();
      }
    }, opts);
    records.push(record('boolean', `mh-full-reeval n=${n} H=${H}`, full, { proposals: Pf, proposals_per_s: Math.round(Pf / full.medianS), best_proposals_per_s: Math.round(Pf / full.bestS) }));

    // Prior draws at n = 4 (H = 8), single thread.
    const S = 1 << 20;
    const pr = measure(() => { sampleRange(4, 8, f.seed, S, [0]); }, opts);
    records.push(record('boolean', 'prior-draws n=4 H=8', pr, { draws: S, draws_per_s: Math.round(S / pr.medianS) }));

    const speedup = incRate / (Pf / full.medianS);
    const machine = await machineInfo();
    const human = table(['case', 'median s', 'rate /s (median)', 'rate /s (best)'], records.map((r) => [r.case, r.median_s, (r.proposals_per_s ?? r.draws_per_s) as number, (r.best_proposals_per_s ?? Math.round(S / r.best_s)) as number]))
      + `\nincremental / full re-evaluation: ${speedup.toFixed(1)}×   (checksum ${sink})`;
    printResult({ bench: 'boolean', machine, records, incremental_speedup: Number(speedup.toFixed(2)) }, f.json, human);
  },
};
