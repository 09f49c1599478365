/**
 * `eggroll bench strategies`: each flat strategy's own time per generation (ask + tell; the fitness is a fixed
 * vector, so nothing else is timed) at several dimensions, beside the time its Gaussian draws alone take (the floor),
 * and what `optimize` adds per evaluation on top of a synchronous function call (its loop run with f(x) = x[0], minus
 * ask + tell and the calls), timed round-robin.
 */
import { z } from 'zod';
import type { Command } from '../command.js';
import { num, parseFlags, type FlagTable } from '../flags.js';
import { jsonFlag } from '../common-flags.js';
import { UsageError } from '../errors.js';
import { printResult } from '../output.js';
import { machineInfo, measureRoundRobin, measureRoundRobinAsync, table } from '../../bench/harness.js';
import { optimize, OPTIMIZE_ALGOS, type OptimizeAlgo } from '../../es/flat/optimize.js';
import type { FlatStrategy } from '../../es/flat/types.js';
import { createFlatStrategy } from '../../es/flat/create.js';
import { fillNormals } from '../../rng/normal.js';
import { namedStream } from '../../rng/stream.js';

const flags = {
  dims: { schema: z.string().regex(/^\d+(,\d+)*$/, { message: 'must be comma-separated integers, e.g. 10,100' }), default: '10,100,100000', help: 'dimensions (full CMA-ES only up to 1000)' },
  algos: { schema: z.string().min(1), default: OPTIMIZE_ALGOS.join(','), help: `strategies: ${OPTIMIZE_ALGOS.join(',')}` },
  'min-seconds': { schema: num.positive(), default: 0.5, help: 'time each case at least this long' },
  json: jsonFlag,
} satisfies FlagTable;

function make(algo: OptimizeAlgo, d: number): FlatStrategy {
  return createFlatStrategy(algo, new Float64Array(d).fill(0.5), 0.3, { seed: 1 });
}

export const benchStrategiesCommand: Command = {
  name: 'bench strategies',
  summary: 'each flat strategy\'s time per generation (ask + tell) by dimension beside its normals alone, and optimize\'s overhead per evaluation',
  example: 'eggroll bench strategies --dims 10,100,100000 --json',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    const dims = f.dims.split(',').map(Number);
    const algos = f.algos.split(',').map((a) => {
      if (!(OPTIMIZE_ALGOS as readonly string[]).includes(a)) throw new UsageError(`--algos: '${a}' is not one of ${OPTIMIZE_ALGOS.join(', ')}`);
      return a as OptimizeAlgo;
    });
    const rows: Record<string, unknown>[] = [];
    for (const d of dims) {
      for (const algo of algos) {
        if (algo === 'cma-es' && d > 1000) continue; // O(d²) memory, O(d³) eigendecompositions
        const es = make(algo, d);
        const fit = Float64Array.from({ length: es.lambda }, (_, k) => ((k * 7919) % 101) / 101);
        const opts = { warmup: 1, minRuns: 5, minSeconds: f['min-seconds'], maxSeconds: 30 };
        // The floor under any strategy that draws fresh Gaussian noise: its λ·d (ARS, PGPE: λ/2·d) normals alone,
        // through the same normals kernel, timed round-robin with the generation so both see the same load.
        const draws = algo === 'pgpe' || algo === 'ars' ? es.lambda / 2 : es.lambda;
        const z = new Float32Array(d);
        const [gen, normals] = measureRoundRobin([
          () => { es.ask(); es.tell(fit); },
          () => { for (let k = 0; k < draws; k++) fillNormals(namedStream(1, 'bnch', 0, k), 0, z, 0, d); },
        ], opts);
        const row: Record<string, unknown> = { algo, d, lambda: es.lambda, ms_per_generation: gen.medianS * 1e3, normals_ms: normals.medianS * 1e3 };
        if (d <= 1000) {
          // optimize against the same strategy driven by a plain ask/tell loop, both from the start with the same seed
          // (the same candidates, the same work) and the cheapest f: the difference is what optimize adds.
          const gens = Math.max(5, Math.min(500, Math.round(0.02 / Math.max(gen.medianS, 1e-7))));
          const f = (x: Float64Array) => x[0] * x[0] + x[d - 1];
          const plain = () => { const s = make(algo, d); for (let g = 0; g < gens; g++) { const xs = s.ask(); s.tell(xs.map(f)); } };
          const viaOptimize = async () => { await optimize(f, new Float64Array(d).fill(0.5), { algo, minimize: true, sigma0: 0.3, seed: 1, maxEvals: gens * es.lambda }); };
          const [tPlain, tOpt] = await measureRoundRobinAsync([async () => plain(), viaOptimize], opts);
          row.optimize_overhead_ns_per_eval = ((tOpt.medianS - tPlain.medianS) / (gens * es.lambda)) * 1e9;
        }
        rows.push(row);
      }
    }
    const human = table(['algo', 'd', 'λ', 'ms / generation', 'its normals alone, ms', 'optimize − ask/tell loop, ns / eval'],
      rows.map((r) => [r.algo as string, r.d as number, r.lambda as number, (r.ms_per_generation as number).toPrecision(3), (r.normals_ms as number).toPrecision(3), r.optimize_overhead_ns_per_eval === undefined ? '—' : (r.optimize_overhead_ns_per_eval as number).toFixed(0)]));
    printResult({ bench: 'strategies', records: rows, machine: await machineInfo() }, f.json, human);
  },
};
