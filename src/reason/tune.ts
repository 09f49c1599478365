/**
 * Which part of the reasoning LM a run tunes (`reason train --tune`), the same part for both methods: EGGROLL
 * perturbs only it and GRPO differentiates only it, so a comparison at equal dimension is fair.
 *
 *   all        every matrix (the gates, the MLPs and the head); the embedding, gains and biases stay frozen
 *   head       the output matrix only (V × D)
 *   blocks:K   the matrices of the top K blocks and the head
 *   lora:R     rank-R adapters on every matrix, W + U·V with U (out × R) starting at zero and V (R × in) random:
 *              the base weights stay frozen, the model starts exactly as the base, and d = R·Σ(out + in)
 *
 * The tuned set is a ParamSpec list: the base model's specs (lmSpecs, in their order, so a parameter's noise id
 * never moves) with each one's mode, then the adapters, if any. The model finds its adapters by name, so a
 * checkpoint of a lora run holds them beside the (unchanged) base tensors and loads like any other.
 */
import type { ParamSet, ParamSpec } from '../nn/params.js';
import { initNormal } from '../nn/init.js';
import { InputError } from '../io/input-error.js';
import { lmSpecs, loraNames, type LmConfig } from './model.js';

export type Tune = { kind: 'all' } | { kind: 'head' } | { kind: 'blocks'; blocks: number } | { kind: 'lora'; rank: number };

export const TUNE_HELP = 'all | head | blocks:K | lora:R';

/** The text form back (config.json, run names). */
export const tuneName = (t: Tune): string => (t.kind === 'blocks' ? `blocks:${t.blocks}` : t.kind === 'lora' ? `lora:${t.rank}` : t.kind);

/** Parses a --tune value; `layers` bounds blocks:K. InputError naming the flag and what is allowed otherwise. */
export function parseTune(s: string, layers: number): Tune {
  const m = /^(all|head|blocks:(\d+)|lora:(\d+))$/.exec(s.trim());
  if (!m) throw new InputError(`--tune must be one of ${TUNE_HELP} (K blocks from the top, R the adapters' rank), got '${s}'`);
  if (m[2] !== undefined) {
    const blocks = Number(m[2]);
    if (blocks < 1 || blocks > layers) throw new InputError(`--tune blocks:K needs K in [1, ${layers}] (this model has ${layers} blocks), got ${blocks}`);
    return { kind: 'blocks', blocks };
  }
  if (m[3] !== undefined) {
    const rank = Number(m[3]);
    if (rank < 1 || rank > 64) throw new InputError(`--tune lora:R needs R in [1, 64], got ${rank}`);
    return { kind: 'lora', rank };
  }
  return { kind: m[1] as 'all' | 'head' };
}

/** The base model's matrices (the ones a tune choice can pick), in lmSpecs order. */
const matrices = (cfg: LmConfig) => lmSpecs(cfg).filter((s) => s.shape.length === 2 && s.name !== 'emb');

/** Is base matrix `name` (a block's or the head's) tuned by a plain (non-adapter) choice? */
function plainTuned(t: Tune, cfg: LmConfig, name: string): boolean {
  if (t.kind === 'all') return true;
  if (t.kind === 'lora') return false;
  if (name === 'head.w') return true;
  if (t.kind === 'head') return false;
  const block = /^b(\d+)\./.exec(name);
  return block !== null && Number(block[1]) >= cfg.layers - t.blocks;
}

/** The run's parameters: the base model's (tuned ones 'lowrank', the rest 'frozen'), then any adapters ('lowrank'). */
export function tunedSpecs(cfg: LmConfig, t: Tune): ParamSpec[] {
  const base = lmSpecs(cfg).map((s): ParamSpec => ({ ...s, mode: s.mode === 'lowrank' && plainTuned(t, cfg, s.name) ? 'lowrank' : 'frozen' }));
  if (t.kind !== 'lora') return base;
  const adapters = matrices(cfg).flatMap((s): ParamSpec[] => {
    const [out, inp] = s.shape, n = loraNames(s.name);
    return [{ name: n.up, shape: [out, t.rank], mode: 'lowrank' }, { name: n.down, shape: [t.rank, inp], mode: 'lowrank' }];
  });
  return [...base, ...adapters];
}

/** Values tuned (what EGGROLL perturbs and GRPO differentiates): the dimension d of the search. */
export const tunedCount = (specs: readonly ParamSpec[]) => specs.filter((s) => s.mode !== 'frozen').reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);

/**
 * Starts the adapters of `params` (no-op without any): U = 0, so the model is exactly the base, and V ~ N(0, 1/in),
 * a pure function of the seed (LoRA's initialisation; a zero V as well would leave ES and backprop no first-order signal).
 */
export function initAdapters(params: ParamSet, seed: number): void {
  for (const s of params.specs) {
    const n = loraNames(s.name);
    if (!params.has(n.up)) continue;
    params.get(n.up).fill(0);
    const down = params.index(n.down);
    initNormal(seed, down, params.values[down], 1 / Math.sqrt(params.specs[down].shape[1]));
  }
}

/** The tuned set's smallest matrix side (EGGROLL's rank must not exceed it). */
export const narrowestTuned = (specs: readonly ParamSpec[]) => Math.min(...specs.filter((s) => s.mode !== 'frozen').map((s) => Math.min(s.shape[0], s.shape[1])));
