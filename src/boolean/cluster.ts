/**
 * The Boolean sweep on the cluster: each grid cell (target × m × draw × learner) is one job. The run's
 * meta holds the whole grid, validated by each worker before it runs anything; a job names a range of
 * cell indices and comes back as those cells' results (JSON). Cells are pure functions of their config,
 * so results do not depend on which worker ran them or in what order.
 */
import { z } from 'zod';
import type { ClusterKind, Replica } from '../parallel/cluster/worker.js';
import type { JobData } from '../parallel/cluster/protocol.js';
import { zodProblem } from '../io/errors.js';
import { ALGOS, makeTarget, type RunConfig } from './experiments.js';
import { runJob, type JobResult } from './job.js';

export const BOOLEAN_KIND = 'boolean-cell';
/** Largest n a cell may have (the sweep's training limit). */
const MAX_N = 14;

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const nonneg = z.number().refine((v) => Number.isFinite(v) && v >= 0, { message: 'must be a finite number ≥ 0' });
export const runConfigSchema = z.object({
  n: int(1, MAX_N), target: z.string().min(1).max(200), m: int(0, 1 << MAX_N), algo: z.enum(ALGOS), lambda: nonneg, kappa: nonneg,
  steps: int(0, 1e9), widthMult: z.number().positive().max(64), seed: int(0, 2 ** 32 - 1), draw: int(0, 1e6), logEvery: int(0, 1e9),
  batch: int(1, 1 << 20).optional(), tieP: z.number().min(0).max(1), pairs: int(0, 1 << 20), rank: int(0, 1 << 12), density: z.number().min(0).max(1),
  alpha: nonneg, alphaDecay: nonneg.optional(), oracleBudget: int(0, 1e12), init: z.enum(['uniform', 'empty']).optional(), domain: z.enum(['all', 'train']).optional(),
}).strict();

export const sweepGridSchema = z.object({
  cells: z.array(z.object({ config: runConfigSchema, learner: z.string().min(1).max(100) })).min(1).max(1_000_000),
});
type Grid = z.infer<typeof sweepGridSchema>;

class CellReplica implements Replica {
  readonly generation = 0;
  constructor(private readonly grid: Grid) {}
  hash(): string { return ''; }
  applyRecord(): void { throw new Error('sweep cells have no records'); }
  loadSnapshot(): void { throw new Error('sweep cells have no snapshots'); }
  evaluate(job: JobData): Uint8Array {
    if (job.end > this.grid.cells.length) throw new RangeError(`cells ${job.start}-${job.end} are outside the grid of ${this.grid.cells.length}`);
    const out: JobResult[] = [];
    for (let i = job.start; i < job.end; i++) out.push(runJob(this.grid.cells[i].config as RunConfig, this.grid.cells[i].learner));
    return Buffer.from(JSON.stringify(out));
  }
  async close(): Promise<void> {}
}

export const booleanClusterKind: ClusterKind = {
  kind: BOOLEAN_KIND,
  stateless: true,
  async open(config: unknown) {
    const parsed = sweepGridSchema.safeParse(config);
    if (!parsed.success) throw new Error(zodProblem(parsed.error));
    // Every target must parse before a cell runs (a bad one is refused here, not mid-sweep).
    for (const c of parsed.data.cells) makeTarget(c.config.target, c.config.n, c.config.seed, c.config.draw);
    return new CellReplica(parsed.data);
  },
};

/**
 * Runs the grid's cells on the workers of `url`; results back by cell index. `order` lists the cells
 * longest first (jobs are queued in that order), `onDone` follows completions.
 */
export async function runCellsOnCluster(url: string, cells: { config: RunConfig; learner: string }[], order: number[],
  onDone?: (done: number, r: JobResult) => void, log?: (line: string) => void): Promise<JobResult[]> {
  // Loaded here, not at start-up: BullMQ and ioredis take ≈ 0.5 s to import.
  const { ClusterCoordinator } = await import('../parallel/cluster/coordinator.js');
  const coordinator = await ClusterCoordinator.connect({ url, kind: BOOLEAN_KIND, backend: 'none', config: { cells }, log });
  const results: JobResult[] = new Array(cells.length);
  let done = 0;
  try {
    const live = await coordinator.waitForWorkers(1, 10_000);
    log?.(live ? `cluster: ${live} worker${live === 1 ? '' : 's'} on ${coordinator.where}` : `cluster: no worker on ${coordinator.where} yet; cells wait in the queue until one starts (eggroll worker --redis URL)`);
    await coordinator.evaluate(0, '', order.map((i) => ({ start: i, end: i + 1 })), (job, bytes) => {
      const got = JSON.parse(Buffer.from(bytes).toString('utf8')) as JobResult[];
      got.forEach((r, k) => { results[job.start + k] = r; onDone?.(++done, r); });
    });
  } finally {
    await coordinator.close();
  }
  return results;
}
