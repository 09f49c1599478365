/** The messages between the playground page (app.ts) and its Web Worker (worker.ts). */

/** What the page lets a person change; the rest comes from the environment's preset (rl/presets.ts). */
export interface Settings {
  readonly env: string;
  readonly algo: 'eggroll' | 'openes';
  readonly pop: number;
  readonly rank: number;
  readonly sigma: number;
  readonly lr: number;
  readonly seed: number;
  readonly gens: number;
}

export type ToWorker = { readonly type: 'start'; readonly settings: Settings } | { readonly type: 'stop' };

export interface GenerationReport {
  readonly type: 'generation';
  readonly generation: number;
  readonly mean: number;
  readonly max: number;
  /** Wall time of the generation (ask, every member's episodes, tell), ms. */
  readonly ms: number;
  readonly memberStepsPerSecond: number;
  /** The unperturbed policy's episode after this generation: obsDim values per step, then its return. */
  readonly frames: Float32Array;
  readonly obsDim: number;
  readonly episodeReturn: number;
}

export type FromWorker =
  | { readonly type: 'started'; readonly backend: string; readonly crossOriginIsolated: boolean }
  | GenerationReport
  | { readonly type: 'done'; readonly generations: number }
  | { readonly type: 'error'; readonly message: string };
