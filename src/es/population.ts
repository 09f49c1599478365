/**
 * The population handle: what `EvolutionStrategy.ask()` returns for one generation (or a slice of its
 * members). It owns
 *  - the row layout: member id → (pair, sign), derived from the id and the strategy's sampling as
 *    HyperscaleES's noisers do (antithetic: members 2k and 2k+1 share pair k with signs + and −), so no
 *    caller restates it;
 *  - the generation's noise buffers (through its noiser), and their release.
 * A model runs on `pop.all()` (every member of the slice, optionally several rows each) or on
 * `pop.rows(members, count)` (any rows, e.g. the members still running in an RL rollout), and gets a
 * `Batch`. Its life: ask → forward on batches → fitness → tell (which releases every handle of the
 * generation). The strategy owns the handles: a caller never frees one, though `release()` may end one
 * early; a handle of an old generation is released when the strategy moves on.
 */
import type { Backend } from '../backend/types.js';
import type { Batch } from '../nn/batch.js';
import type { Activation } from '../backend/index.js';
import type { ParamSet } from '../nn/params.js';
import { InferenceNoiser, makeRowMap, type MemberLayout, type Noiser, type PerturbedNoiser, type RowMap } from './noiser.js';

/** A row of a batch that belongs to no member: it sees the unperturbed parameters. */
export const UNPERTURBED = -1;

/**
 * A Batch over a noiser and one row layout (reused: valid until the handle lays out its next batch).
 * Every call checks that its handle is live: after release the noise buffers belong to the allocator again.
 */
class RowBatch implements Batch {
  constructor(private readonly noiser: Noiser, public rows: RowMap, private readonly live: () => void) {}
  get count(): number {
    return this.rows.count;
  }
  matmul(pid: number, x: Float32Array, y: Float32Array): void {
    this.live();
    this.noiser.matmul(pid, x, y, this.rows);
  }
  addBias(pid: number, y: Float32Array): void {
    this.live();
    this.noiser.addBias(pid, y, this.rows);
  }
  biasAct(pid: number, y: Float32Array, act: Activation): void {
    this.live();
    this.noiser.biasAct(pid, y, act, this.rows);
  }
  layer(pidW: number, pidB: number, x: Float32Array, y: Float32Array, act: Activation): void {
    this.live();
    this.noiser.layer(pidW, pidB, x, y, act, this.rows);
  }
  vectorFor(pid: number, row: number, out: Float32Array): Float32Array {
    this.live();
    return this.noiser.vectorFor(pid, row, this.rows, out);
  }
}

export class Population {
  private members = new Int32Array(0);
  private layoutRows?: RowMap;
  private readonly batch: RowBatch;
  private allCache?: { rowsPerMember: number; batch: RowBatch };
  private released = false;
  private unperturbedIds = new Int32Array(0);

  /**
   * Made by EvolutionStrategy.ask() or inference(), never by a user (so the noisers stay internal).
   * @internal
   */
  constructor(
    /** @internal */ readonly noiser: PerturbedNoiser | InferenceNoiser,
    readonly generation: number,
    readonly memberStart: number,
    readonly memberEnd: number,
    private readonly layout: MemberLayout,
  ) {
    this.batch = new RowBatch(noiser, makeRowMap(this.members, 0, layout), () => this.assertLive());
  }

  /** Members in the slice. */
  get size(): number {
    return this.memberEnd - this.memberStart;
  }

  get isReleased(): boolean {
    return this.released;
  }

  /**
   * Every member of the slice in member order, `rowsPerMember` consecutive rows each (row i belongs to
   * member memberStart + ⌊i / rowsPerMember⌋). The last layout asked for is kept, so asking again is free.
   */
  all(rowsPerMember = 1): Batch {
    this.assertLive();
    if (!Number.isInteger(rowsPerMember) || rowsPerMember < 1) throw new RangeError(`rowsPerMember must be an integer ≥ 1, got ${rowsPerMember}`);
    if (this.allCache?.rowsPerMember === rowsPerMember) return this.allCache.batch;
    const ids = new Int32Array(this.size * rowsPerMember);
    for (let i = 0; i < ids.length; i++) ids[i] = this.memberStart + Math.floor(i / rowsPerMember);
    const batch = new RowBatch(this.noiser, makeRowMap(ids, ids.length, this.layout), () => this.assertLive());
    this.allCache = { rowsPerMember, batch };
    return batch;
  }

  /**
   * Rows 0..count−1 belonging to members[0..count) (global member ids inside this slice, or UNPERTURBED).
   * The returned Batch and its buffers are reused: it is valid until the next rows() call on this handle,
   * and building it allocates nothing once the largest count has been seen.
   */
  rows(members: ArrayLike<number>, count = members.length): Batch {
    this.assertLive();
    if (!Number.isInteger(count) || count < 0 || count > members.length) throw new RangeError(`rows: count must be an integer in [0, ${members.length}] (the members given), got ${count}`);
    if (this.members.length < count) this.members = new Int32Array(Math.max(count, 2 * this.members.length));
    for (let i = 0; i < count; i++) {
      const m = members[i];
      if (m !== UNPERTURBED && !(m >= this.memberStart && m < this.memberEnd && Number.isInteger(m))) {
        throw new RangeError(`rows: member ${m} is not in this handle's members [${this.memberStart}, ${this.memberEnd}) nor UNPERTURBED (−1)`);
      }
      this.members[i] = m;
    }
    this.layoutRows = makeRowMap(this.members, count, this.layout, this.layoutRows);
    this.batch.rows = this.layoutRows;
    return this.batch;
  }

  /** `count` rows that all see the unperturbed parameters (the same reused Batch as rows()). */
  unperturbed(count: number): Batch {
    if (this.unperturbedIds.length < count) this.unperturbedIds = new Int32Array(count).fill(UNPERTURBED);
    return this.rows(this.unperturbedIds, count);
  }

  /** Hands the noise buffers back to the backend now (idempotent; the strategy also does it at tell()). */
  release(): void {
    if (this.released) return;
    this.released = true;
    if ('dispose' in this.noiser) this.noiser.dispose();
  }

  private assertLive(): void {
    if (this.released) throw new Error(`this population handle (generation ${this.generation}, members [${this.memberStart}, ${this.memberEnd})) was released; ask() again`);
  }
}

/**
 * A handle with no members, for running the unperturbed model: `pop.unperturbed(n)` is a batch of n
 * rows that see the plain parameters (Y = XWᵀ + b, one GEMM).
 */
export function inference(params: ParamSet, backend: Backend): Population {
  return new Population(new InferenceNoiser(params, backend), -1, 0, 0, { antithetic: true, pairStart: 0, pairCount: 0 });
}
