/** The messages between the playground page (app.ts) and its Web Workers (worker.ts: RL; boolean-worker.ts: the Boolean lab). */
import type { ChainView } from '../boolean/chain.js';

/** What the page lets a person change; the rest comes from the environment's preset (rl/presets.ts). */
export interface Settings {
  readonly env: string;
  readonly algo: string;
  readonly pop: number;
  readonly rank: number;
  readonly sigma: number;
  readonly lr: number;
  readonly seed: number;
  readonly gens: number;
  /** Kernel threads of the wasm backend, the worker's own included; 0: automatic (kernel-choice.ts). */
  readonly threads: number;
  /** Where the population runs: the CPU (wasm) or the GPU (WebGPU, EGGROLL only: es/device-eggroll.ts). */
  readonly device: 'cpu' | 'gpu';
}

export type ToWorker =
  | { readonly type: 'start'; readonly settings: Settings }
  /** Stop after the current generation (the policy stays, to export or evaluate). */
  | { readonly type: 'stop' }
  | { readonly type: 'export' }
  | { readonly type: 'evaluate'; readonly episodes: number; readonly seed: number }
  /** A policy file (an export or an `eggroll train` checkpoint) to show instead of training. */
  | { readonly type: 'import'; readonly bytes: ArrayBuffer; readonly name: string; readonly threads: number };

/** The unperturbed policy's episode: obsDim values per step, then its return. */
export interface Episode {
  readonly frames: Float32Array;
  readonly obsDim: number;
  readonly episodeReturn: number;
}

export interface GenerationReport extends Episode {
  readonly type: 'generation';
  readonly generation: number;
  readonly mean: number;
  readonly max: number;
  /** Wall time of the generation (ask, every member's episodes, tell), ms. */
  readonly ms: number;
  readonly memberStepsPerSecond: number;
}

export type FromWorker =
  | { readonly type: 'started'; readonly backend: string; readonly threads: number; readonly crossOriginIsolated: boolean }
  | GenerationReport
  | { readonly type: 'done'; readonly generations: number; readonly parallelCalls: number }
  | { readonly type: 'stopped'; readonly generation: number }
  | { readonly type: 'exported'; readonly bytes: ArrayBuffer; readonly fileName: string }
  | { readonly type: 'evaluated'; readonly mean: number; readonly episodes: number; readonly seed: number }
  | ({ readonly type: 'imported'; readonly env: string; readonly algo: string; readonly generation: number; readonly seed: number; readonly backend: string; readonly threads: number } & Episode)
  | { readonly type: 'error'; readonly message: string };

/** The Boolean tab's run: a target on n inputs, learnt by Metropolis–Hastings (boolean/chain.ts). */
export interface BooleanSettings {
  readonly n: number;
  /** A target spec of boolean/experiments.ts (parity:k, majority, random, dnf:EXPR, …). */
  readonly target: string;
  /** Training inputs (the rest are the test set). */
  readonly m: number;
  readonly lambda: number;
  readonly kappa: number;
  /** Hidden width H = widthMult · 2ⁿ⁻¹. */
  readonly widthMult: number;
  readonly steps: number;
  readonly seed: number;
}

/** Largest n the tab offers: 2ⁿ⁻¹·widthMult rows of W¹ stay drawable and a step stays cheap. */
export const BOOLEAN_MAX_N = 10;

export type ToBooleanWorker = { readonly type: 'start'; readonly settings: BooleanSettings };

export type FromBooleanWorker =
  | ({ readonly type: 'progress'; readonly done: boolean; readonly stepsPerSecond: number } & ChainView)
  | { readonly type: 'error'; readonly message: string };
