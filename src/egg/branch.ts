/**
 * Branching an EGG run: a new run directory that starts from one of a run's checkpoints with some settings changed,
 * so settings can be compared from the same weights at equal step counts (docs/results/egg.md, "Levers tried").
 * The branch holds the source's config.json with the overrides, the checkpoint as its latest, the source's metrics
 * up to that step and its baselines; `eggroll lm train --resume <branch>` continues it. When the population changes,
 * the recurrent states (one per member) cannot be carried: they start from zero, as at a document start
 * (`zeroStates` gives the same-population control).
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs, writeFileAtomic, writeJsonAtomic } from '../io/atomic.js';
import { InputError } from '../io/input-error.js';
import { readEggCheckpointAt, writeEggCheckpoint, type EggConfig } from './train.js';
import { readEggRunConfig } from './run.js';

export interface BranchOptions {
  /** The source run directory and the step of its checkpoint to start from. */
  from: string;
  step: number;
  /** The new run directory (must not exist or be empty). */
  dest: string;
  alpha?: number;
  sigmaShift?: number;
  pop?: number;
  tokens?: number;
  zeroStates?: boolean;
}

export interface BranchResult {
  dest: string;
  checkpoint: string;
  step: number;
  config: Record<string, unknown>;
  states: 'kept' | 'zero';
}

export function branchEggRun(o: BranchOptions): BranchResult {
  const cfg = readEggRunConfig(o.from) as unknown as Record<string, unknown>;
  if (o.pop !== undefined && (o.pop % (cfg.groupSize as number)) !== 0) throw new InputError(`--pop: must be divisible by the run's group size ${cfg.groupSize}, got ${o.pop}`);
  const { file, model } = readEggCheckpointAt(o.from, o.step);
  const popChanged = o.pop !== undefined && o.pop !== cfg.pop;
  const out: Record<string, unknown> = { ...cfg };
  if (o.alpha !== undefined) out.alpha = o.alpha;
  if (o.sigmaShift !== undefined) out.sigmaShift = o.sigmaShift;
  if (o.tokens !== undefined) out.tokens = o.tokens;
  if (o.pop !== undefined) out.pop = o.pop;
  const zero = popChanged || o.zeroStates === true;
  const states = zero ? new Int8Array((out.layers as number) * (out.pop as number) * (out.width as number)) : model.states;
  makeDirs(join(o.dest, 'checkpoints'));
  writeJsonAtomic(join(o.dest, 'config.json'), out);
  const shape = { layers: out.layers, width: out.width, pop: out.pop, groupSize: out.groupSize, tokens: out.tokens, sigmaShift: out.sigmaShift, alpha: out.alpha, seed: out.seed } as EggConfig;
  writeEggCheckpoint(o.dest, model.arch, model.params, states, shape, o.step);
  if (existsSync(join(o.from, 'baselines.json'))) copyFileSync(join(o.from, 'baselines.json'), join(o.dest, 'baselines.json'));
  const metrics = existsSync(join(o.from, 'metrics.jsonl')) ? readFileSync(join(o.from, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l && (JSON.parse(l) as { step: number }).step <= o.step) : [];
  writeFileAtomic(join(o.dest, 'metrics.jsonl'), metrics.map((l) => l + '\n').join(''));
  return { dest: o.dest, checkpoint: file, step: o.step, config: out, states: zero ? 'zero' : 'kept' };
}
