/** What the reasoning run loop (run.ts) needs from a method, EGGROLL's (run.ts) or GRPO's (grpo-method.ts). */
import type { ParamSet } from '../nn/params.js';

/** What the loop needs from either method. */
export interface Method {
  params: ParamSet;
  /** One update; returns the step's training numbers. */
  step(step: number): Promise<{ reward: number; correct: number; tokens: number; extra: Record<string, number> }>;
  save(dir: string, step: number, state: Record<string, unknown>): void;
  /** Restores the newest intact checkpoint; returns (step, its extra state). */
  resume(dir: string, log: (l: string) => void): { step: number; state: Record<string, unknown> };
  close(): Promise<void>;
  /** A device-resident method: brings the parameters back to `params` (before an evaluation or a checkpoint). */
  sync?(): Promise<void>;
}
