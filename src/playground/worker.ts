/**
 * The playground's Web Worker: trains with EGGROLL or OpenES on the wasm backend (LocalTrainer, the
 * Trainer's generation on one thread, so a seed gives the curve `eggroll train` gives), and after every
 * generation plays one episode of the unperturbed policy for the page to animate. Training runs here so
 * the page's main thread only draws.
 */
import { loadBackend } from '../backend/index.js';
import type { Backend } from '../backend/types.js';
import { LocalTrainer } from '../es/local-trainer.js';
import { inference, UNPERTURBED } from '../es/population.js';
import { Mlp } from '../nn/mlp.js';
import { strategyFor, taskOptionsFor, type RlRunConfig } from '../rl/config.js';
import { createTask, policyConfig, type RlTask } from '../rl/task.js';
import { outputsToActions } from '../rl/policy.js';
import { make } from '../rl/gym/make.js';
import type { FromWorker, Settings, ToWorker } from './protocol.js';
import { configFor } from './settings.js';

interface WorkerScope {
  onmessage: ((e: { data: ToWorker }) => void) | null;
  postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
  crossOriginIsolated?: boolean;
}
const scope = globalThis as unknown as WorkerScope;

/** Bumped by every start and stop, so a running loop sees it has been superseded. */
let run = 0;

scope.onmessage = (e) => {
  run++;
  if (e.data.type === 'start') void train(e.data.settings, run).catch((err: Error) => scope.postMessage({ type: 'error', message: err.message }));
};

async function train(settings: Settings, me: number): Promise<void> {
  const config = configFor(settings);
  const backend = await loadBackend('wasm');
  const task = createTask(taskOptionsFor(config), backend) as RlTask;
  task.profile = new Float64Array(4); // [3] counts member-steps
  const trainer = new LocalTrainer(task, backend, strategyFor(config));
  const play = episodePlayer(task, config, backend);
  scope.postMessage({ type: 'started', backend: backend.name, crossOriginIsolated: scope.crossOriginIsolated === true });
  for (let g = 0; g < config.gens; g++) {
    const steps0 = task.profile[3];
    const t0 = performance.now();
    const info = trainer.step();
    const ms = performance.now() - t0;
    const { frames, episodeReturn } = play(trainer, g);
    const report: FromWorker = {
      type: 'generation', generation: info.generation, mean: info.meanFitness, max: info.maxFitness, ms,
      memberStepsPerSecond: ((task.profile[3] - steps0) * 1000) / ms, frames, obsDim: task.def.observationSpace.dim, episodeReturn,
    };
    scope.postMessage(report, [frames.buffer as ArrayBuffer]);
    // Let a 'stop' or a new 'start' in: the loop is superseded once `run` moves on.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (run !== me) return;
  }
  scope.postMessage({ type: 'done', generations: config.gens });
}

/** Plays one episode of the unperturbed policy through the Gymnasium-shaped env; returns each step's observation. */
function episodePlayer(task: RlTask, config: RlRunConfig, backend: Backend) {
  const def = task.def;
  const mlp = new Mlp(policyConfig(def, taskOptionsFor(config)), backend, 1);
  const x = backend.allocF32(def.observationSpace.dim);
  const action = new Float64Array(def.actionSpace.kind === 'discrete' ? 1 : def.actionSpace.dim);
  const row = Int32Array.of(UNPERTURBED);
  const episode = new Int32Array(1);
  const step = new Int32Array(1);
  const env = make(def.id);
  return (trainer: LocalTrainer, generation: number) => {
    const d = def.observationSpace.dim;
    const frames = new Float32Array((def.maxSteps + 1) * d);
    let { obs } = env.reset({ seed: config.seed + generation });
    frames.set(obs, 0);
    let n = 1;
    let ret = 0;
    task.norm.refresh();
    const policy = inference(trainer.params, backend);
    for (;;) {
      x.set(obs);
      task.norm.apply(x, 1);
      const out = mlp.forward(policy.rows(row, 1), x);
      step[0] = n - 1;
      outputsToActions(def.actionSpace, out, 1, mlp.outputSize, action, config.action, config.seed, row, episode, step);
      const r = env.step(def.actionSpace.kind === 'discrete' ? action[0] : action);
      ret += r.reward;
      obs = r.obs;
      frames.set(obs, n * d);
      n++;
      if (r.terminated || r.truncated) break;
    }
    return { frames: frames.slice(0, n * d), episodeReturn: ret };
  };
}
