/**
 * The playground's Web Worker: trains with EGGROLL or OpenES on the wasm backend (LocalTrainer, the
 * Trainer's generation on one thread, its kernels over the backend's kernel threads, so a seed gives
 * the curve `eggroll train` gives), and after every generation plays one episode of the unperturbed
 * policy for the page to animate. It keeps the latest policy (trained or imported from a file) to
 * export, evaluate and animate. Training runs here so the page's main thread only draws.
 */
import { jsBackend, loadBackend, openWebGpu } from '../backend/index.js';
import { DeviceEggroll, deviceGeneration } from '../es/device-eggroll.js';
import type { Backend } from '../backend/types.js';
import type { WasmBackend } from '../backend/index.js';
import { LocalTrainer } from '../es/local-trainer.js';
import { inference, UNPERTURBED } from '../es/population.js';
import { Mlp } from '../nn/mlp.js';
import { ParamSet } from '../nn/params.js';
import { strategyFor, taskOptionsFor, type PolicyConfig, type RlRunConfig } from '../rl/config.js';
import { createTask, policyConfig, type RlTask } from '../rl/task.js';
import { outputsToActions } from '../rl/policy.js';
import { make } from '../rl/gym/make.js';
import { checkPolicyTensors, decodePolicyFile, encodePolicyFile, PolicyFileError } from '../rl/policy-file.js';
import type { Episode, FromWorker, Settings, ToWorker } from './protocol.js';
import { configFor } from './settings.js';

interface WorkerScope {
  onmessage: ((e: { data: ToWorker }) => void) | null;
  postMessage(m: FromWorker, transfer?: ArrayBuffer[]): void;
  crossOriginIsolated?: boolean;
}
const scope = globalThis as unknown as WorkerScope;
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => scope.postMessage(m, transfer);

/** The policy this worker holds: being trained, trained, or imported. */
interface Policy {
  readonly config: PolicyConfig;
  readonly task: RlTask;
  readonly params: ParamSet;
  readonly backend: Backend;
  generation: number;
}
let policy: Policy | undefined;

/** Bumped by every start and stop, so a running loop sees it has been superseded. */
let run = 0;

scope.onmessage = (e) => {
  const m = e.data;
  const fail = (err: Error) => post({ type: 'error', message: err instanceof PolicyFileError ? `${m.type === 'import' ? m.name : 'the file'} ${err.message}` : err.message });
  if (m.type === 'start' || m.type === 'stop') run++;
  if (m.type === 'start') void train(m.settings, run).catch(fail);
  else if (m.type === 'import') void importPolicy(m.bytes, m.threads).catch(fail);
  else if (m.type === 'export') {
    if (!policy) return fail(new Error('there is no policy to export yet'));
    const bytes = encodePolicyFile(policy.config, policy.params, policy.task.state(), policy.generation);
    const c = policy.config;
    post({ type: 'exported', bytes: bytes.buffer as ArrayBuffer, fileName: `${c.env}-${c.algo}-seed${c.seed}-gen${policy.generation}.safetensors` }, [bytes.buffer as ArrayBuffer]);
  } else if (m.type === 'evaluate') {
    if (!policy) return fail(new Error('there is no policy to evaluate yet'));
    // The same evaluation as `eggroll eval --episodes E --seed S`, so the mean is the CLI's, bit for bit.
    const returns = policy.task.evaluatePolicy(policy.params, m.episodes, m.seed);
    post({ type: 'evaluated', mean: returns.reduce((a, b) => a + b, 0) / returns.length, episodes: m.episodes, seed: m.seed });
  }
};

/** The wasm backend with `threads` kernel threads (0: automatic), running once its threads are up. */
async function backendFor(threads: number): Promise<WasmBackend> {
  return await loadBackend('wasm', undefined, threads > 0 ? { threads } : {}) as WasmBackend;
}

/**
 * Training on the GPU (WebGPU, navigator.gpu): the device-resident EGGROLL run — parameters, noise and optimiser state
 * on the device, observations up and actions down per step — with the task's host side on plain arrays. After each
 * generation the parameters come back for the animation (a policy's worth of floats).
 */
async function trainOnGpu(settings: Settings, me: number): Promise<void> {
  const config = configFor(settings);
  if (config.algo !== 'eggroll') throw new Error(`the GPU runs EGGROLL only; ${config.algo} trains on the CPU (Compute: CPU)`);
  const gpu = await openWebGpu();
  const backend = jsBackend;
  const task = createTask(taskOptionsFor(config), backend) as RlTask;
  task.profile = new Float64Array(4); // [3] counts member-steps
  const trainer = new LocalTrainer(task, backend, strategyFor(config));
  const dev = await DeviceEggroll.create(gpu, task.mlp, trainer.params, strategyFor(config));
  try {
    policy = { config, task, params: trainer.params, backend, generation: 0 };
    post({ type: 'started', backend: `webgpu (${gpu.gpu.adapterName})`, threads: 1, crossOriginIsolated: scope.crossOriginIsolated === true });
    const finished = await generations(config, task, trainer.params, backend, me, async () => {
      const info = await deviceGeneration(dev, task, trainer.fitness, trainer.aux);
      await dev.toHost();
      return { info, done: dev.generation };
    });
    if (finished) post({ type: 'done', generations: config.gens, parallelCalls: 0 });
  } finally {
    dev.dispose();
  }
}

async function train(settings: Settings, me: number): Promise<void> {
  if (settings.device === 'gpu') return trainOnGpu(settings, me);
  const config = configFor(settings);
  const backend = await backendFor(settings.threads);
  const task = createTask(taskOptionsFor(config), backend) as RlTask;
  task.profile = new Float64Array(4); // [3] counts member-steps
  const trainer = new LocalTrainer(task, backend, strategyFor(config));
  policy = { config, task, params: trainer.params, backend, generation: 0 };
  post({ type: 'started', backend: backend.name, threads: backend.threads, crossOriginIsolated: scope.crossOriginIsolated === true });
  // `done`: generations done, as a checkpoint counts them (info.generation is the one just run, from 0).
  const finished = await generations(config, task, trainer.params, backend, me, async () => ({ info: trainer.step(), done: trainer.generation }));
  if (finished) post({ type: 'done', generations: config.gens, parallelCalls: backend.parallelCalls });
}

/**
 * A run's generations, CPU or GPU alike: each `step`, then an episode of the policy after it, reported to the page.
 * Between generations a 'stop' or a new 'start' gets in; returns false when the run was superseded.
 */
async function generations(config: RlRunConfig, task: RlTask, params: ParamSet, backend: Backend, me: number,
  step: () => Promise<{ info: { generation: number; meanFitness: number; maxFitness: number }; done: number }>): Promise<boolean> {
  const play = episodePlayer(task, config, backend);
  for (let g = 0; g < config.gens; g++) {
    const steps0 = task.profile![3];
    const t0 = performance.now();
    const { info, done } = await step();
    const ms = performance.now() - t0;
    policy!.generation = done;
    const { frames, obsDim, episodeReturn } = play(params, config.seed + g);
    post({
      type: 'generation', generation: info.generation, mean: info.meanFitness, max: info.maxFitness, ms,
      memberStepsPerSecond: ((task.profile![3] - steps0) * 1000) / ms, frames, obsDim, episodeReturn,
    }, [frames.buffer as ArrayBuffer]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (run !== me) {
      post({ type: 'stopped', generation: info.generation });
      return false;
    }
  }
  return true;
}

/** Loads a policy file (export or checkpoint) and plays one episode of it (seed: its run's). */
async function importPolicy(bytes: ArrayBuffer, threads: number): Promise<void> {
  run++; // an import replaces whatever this worker was training
  const file = decodePolicyFile(new Uint8Array(bytes));
  const config = file.config;
  const backend = await backendFor(threads);
  const task = createTask(taskOptionsFor(config), backend) as RlTask;
  checkPolicyTensors(file, task.specs, task.stateSize);
  const params = new ParamSet(task.specs, backend);
  params.loadTensors(file.tensors, 'param/');
  if (task.stateSize) task.state().set(file.tensors['task/state'].data as Float64Array);
  policy = { config, task, params, backend, generation: file.generation };
  const ep = episodePlayer(task, config, backend)(params, config.seed);
  post({ type: 'imported', env: task.def.id, algo: config.algo, generation: file.generation, seed: config.seed, backend: backend.name, threads: backend.threads, ...ep }, [ep.frames.buffer as ArrayBuffer]);
}

/** Plays one episode of the unperturbed policy through the Gymnasium-shaped env; returns each step's observation. */
function episodePlayer(task: RlTask, config: PolicyConfig, backend: Backend) {
  const def = task.def;
  const mlp = new Mlp(policyConfig(def, taskOptionsFor(config)), backend, 1);
  const x = backend.allocF32(def.observationSpace.dim);
  const action = new Float64Array(def.actionSpace.kind === 'discrete' ? 1 : def.actionSpace.dim);
  const row = Int32Array.of(UNPERTURBED);
  const episode = new Int32Array(1);
  const step = new Int32Array(1);
  const env = make(def.id);
  return (params: ParamSet, seed: number): Episode => {
    const d = def.observationSpace.dim;
    const frames = new Float32Array((def.maxSteps + 1) * d);
    let { obs } = env.reset({ seed });
    frames.set(obs, 0);
    let n = 1;
    let ret = 0;
    task.norm.refresh();
    const policy = inference(params, backend);
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
    return { frames: frames.slice(0, n * d), obsDim: d, episodeReturn: ret };
  };
}
