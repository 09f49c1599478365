/**
 * `eggroll bench math`: the project's correctly rounded functions (src/math) against the engine's Math, per
 * call, timed round-robin over the same seeded arguments so the ratio is fair on a noisy machine.
 */
import type { Command } from '../command.js';
import { num, parseFlags, type FlagTable } from '../flags.js';
import { jsonFlag, seedFlag } from '../common-flags.js';
import { printResult } from '../output.js';
import { machineInfo, measureRoundRobin, table } from '../../bench/harness.js';
import { philox4x32 } from '../../rng/philox.js';
import { sin, cos, tan, atan, exp, expm1, log, log1p, log2, tanh, pow } from '../../math/index.js';

const flags = {
  n: { schema: num.count(1000), default: 200_000, help: 'arguments per timed pass' },
  'min-seconds': { schema: num.positive(), default: 0.5, help: 'keep repeating each case at least this long' },
  seed: seedFlag,
  json: jsonFlag,
} satisfies FlagTable;

type Fn = (x: number) => number;
/** name, ours, the engine's, and the argument range [lo, hi). */
const CASES: [string, Fn, Fn, number, number][] = [
  ['sin |x|<0.75', sin, Math.sin, -0.75, 0.75], ['sin |x|<π', sin, Math.sin, -Math.PI, Math.PI],
  ['cos |x|<π', cos, Math.cos, -Math.PI, Math.PI], ['sin |x|<1e6', sin, Math.sin, -1e6, 1e6],
  ['tan |x|<1.5', tan, Math.tan, -1.5, 1.5], ['atan |x|<4', atan, Math.atan, -4, 4],
  ['exp |x|<10', exp, Math.exp, -10, 10], ['expm1 |x|<1', expm1, Math.expm1, -1, 1],
  ['log (0, 100)', log, Math.log, 0, 100], ['log1p (-0.5, 2)', log1p, Math.log1p, -0.5, 2], ['log2 (0, 100)', log2, Math.log2, 0, 100],
  ['tanh |x|<3', tanh, Math.tanh, -3, 3], ['pow(x, 1.7) (0, 100)', (x) => pow(x, 1.7), (x) => Math.pow(x, 1.7), 0, 100],
];

/** One pass of f over xs (the sum keeps the calls from being optimised away). */
function pass(f: Fn, xs: Float64Array, sink: Float64Array): void {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += f(xs[i]);
  sink[0] += s;
}

export const benchMathCommand: Command = {
  name: 'bench math',
  summary: 'time the project\'s correctly rounded math against the engine\'s Math, ns per call',
  example: 'eggroll bench math --json',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    const block = new Uint32Array(4), sink = new Float64Array(1);
    const opts = { warmup: 2, minRuns: 5, minSeconds: f['min-seconds'], maxSeconds: 20 };
    const rows: Record<string, unknown>[] = [];
    CASES.forEach(([name, ours, engine, lo, hi], c) => {
      const xs = new Float64Array(f.n);
      for (let i = 0; i < f.n; i++) {
        philox4x32(i, c, 0, 0, f.seed, 0x6d617468, block); // counter (i, case), key (seed, "math")
        xs[i] = lo + (hi - lo) * (block[0] / 4294967296 + block[1] / 18446744073709552000);
      }
      const [a, b] = measureRoundRobin([() => pass(ours, xs, sink), () => pass(engine, xs, sink)], opts);
      rows.push({ case: name, ours_ns: (a.medianS / f.n) * 1e9, math_ns: (b.medianS / f.n) * 1e9, ratio: a.medianS / b.medianS });
    });
    const machine = await machineInfo();
    const human = table(['case', 'ours ns', 'Math ns', 'ours / Math'], rows.map((r) => [r.case as string, (r.ours_ns as number).toFixed(1), (r.math_ns as number).toFixed(1), (r.ratio as number).toFixed(2)]))
      + `\n(checksum ${sink[0].toPrecision(6)})`;
    printResult({ bench: 'math', machine, n: f.n, records: rows }, f.json, human);
  },
};
