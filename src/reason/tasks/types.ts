/** What every reasoning task provides: seeded problems in two disjoint splits, an exact verifier, pretraining text. */

export type Split = 'train' | 'heldout';

export interface Problem {
  /** What the model is given; its completion follows directly. */
  prompt: string;
  /** The numbers available (Countdown) or the operands (addition). */
  numbers: number[];
  target: number;
}

export interface Verdict {
  /** The answer is well formed: ends with a newline and parses in the task's answer grammar. */
  formatOk: boolean;
  /** Well formed and right (Countdown: numbers from the list, each at most once, exact integer arithmetic, value = target). */
  correct: boolean;
  /** Why it is not correct ('' when it is). */
  reason: string;
}

export interface ReasonTask {
  readonly name: TaskName;
  /** Completion tokens sampled at most (the newline included). */
  readonly maxNewTokens: number;
  /** Problem `index` of a split; a pure function of (seed, split, index). The splits share no prompt. */
  problem(seed: number, split: Split, index: number): Problem;
  verify(problem: Problem, completion: string): Verdict;
  /**
   * One line of pretraining text (prompt + completion + newline): always a well-formed answer, right with
   * probability `solvedFraction` — so a model trained on it writes answers of the right form but is only
   * sometimes right, which RL can then improve.
   */
  pretrainLine(seed: number, index: number, solvedFraction: number): string;
}

export const TASK_NAMES = ['countdown', 'addition'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/** 1 for a correct answer, `formatReward` for a well-formed wrong one, 0 otherwise (the paper's format reward). */
export function rewardOf(v: Verdict, formatReward: number): number {
  return v.correct ? 1 : v.formatOk ? formatReward : 0;
}

/** The text before the first newline, and whether there was one. */
export function answerLine(completion: string): { text: string; terminated: boolean } {
  const nl = completion.indexOf('\n');
  return nl < 0 ? { text: completion, terminated: false } : { text: completion.slice(0, nl), terminated: true };
}

/**
 * Which split a prompt belongs to: a hash of the prompt, so the splits are disjoint whatever seed or count
 * is used (1 prompt in 4 is held out).
 */
export function splitOf(prompt: string): Split {
  let h = 0x811c9dc5;
  for (let i = 0; i < prompt.length; i++) h = Math.imul(h ^ prompt.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  h ^= h >>> 12;
  return h % 4 === 0 ? 'heldout' : 'train';
}

/** Seeds of the two problem streams (the paper's Countdown used 42 for train items and 1337 for validation). */
export const SPLIT_STREAM: Record<Split, number> = { train: 42, heldout: 1337 };
