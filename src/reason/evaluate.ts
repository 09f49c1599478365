/**
 * Held-out accuracy: greedy (or sampled) completions for the first `count` held-out problems, verified
 * exactly, with a Wilson score interval — the interval that stays inside [0, 1] and is honest at the
 * small counts and extreme proportions these runs have.
 */
import type { Backend } from '../backend/types.js';
import type { ParamSet } from '../nn/params.js';
import { inference } from '../es/population.js';
import { RecurrentLm, type LmConfig } from './model.js';
import { sampleBatch } from './sample.js';
import { decode, encode } from './vocab.js';
import type { ReasonTask, Split } from './tasks/index.js';

/** Wilson score interval for k successes in n trials at normal quantile z (1.96: 95%). */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface Accuracy {
  split: Split;
  problems: number;
  correct: number;
  accuracy: number;
  ci95: [number, number];
  /** Fraction of well-formed answers. */
  format_rate: number;
  /** A few (prompt, completion, verdict) examples. */
  examples: { prompt: string; completion: string; correct: boolean; reason: string }[];
}

export interface EvalOptions {
  count: number;
  /** Problems are drawn from this seed's split streams. */
  problemSeed: number;
  split?: Split;
  temperature?: number;
  /** Rows run together (bounds memory). */
  batch?: number;
}

export function accuracyOf(task: ReasonTask, cfg: LmConfig, params: ParamSet, backend: Backend, o: EvalOptions): Accuracy {
  const split = o.split ?? 'heldout';
  const batchRows = Math.min(o.batch ?? 256, o.count);
  const lm = new RecurrentLm(cfg, params, backend, batchRows);
  const pop = inference(params, backend);
  let correct = 0, formatted = 0;
  const examples: Accuracy['examples'] = [];
  for (let start = 0; start < o.count; start += batchRows) {
    const n = Math.min(batchRows, o.count - start);
    const problems = Array.from({ length: n }, (_, i) => task.problem(o.problemSeed, split, start + i));
    const { completions } = sampleBatch(lm, pop.unperturbed(n), problems.map((p) => encode(p.prompt)), {
      maxNew: task.maxNewTokens, temperature: o.temperature ?? 0, seed: o.problemSeed, rowKey: (r) => [0xe7a1, start + r],
    });
    completions.forEach((c, i) => {
      const text = decode(c);
      const v = task.verify(problems[i], text);
      if (v.correct) correct++;
      if (v.formatOk) formatted++;
      if (examples.length < 6) examples.push({ prompt: problems[i].prompt, completion: text, correct: v.correct, reason: v.reason });
    });
  }
  return { split, problems: o.count, correct, accuracy: correct / o.count, ci95: wilson(correct, o.count), format_rate: formatted / o.count, examples };
}
