/**
 * How much of one update on the reasoning LM is signal, for EGGROLL or (--algo grpo) GRPO. From the same parameters
 * and the same prompts, two estimates g_A, g_B with independent noise are made: for EGGROLL two strategies with
 * different noise seeds (population N, the `reason train` defaults otherwise); for GRPO two batches of completions
 * sampled with different seeds, each giving the gradient of the clipped surrogate at its first epoch (ratio 1: the
 * group-advantage policy gradient), restricted to the matrices EGGROLL trains so the two are measured alike.
 * Their noises are independent, so E[g_A·g_B] = |∇|², the squared gradient of the (σ-smoothed) reward on these
 * prompts, while E|g|² = |∇|² + the noise energy; cos(g_A, g_B) is thus the fraction of an update's energy that is
 * signal, and 1/cos the number of updates whose noise averages down to the signal's size. Measured at the base
 * model and at a run's latest checkpoint (--run), it says whether a stalled run sits where the smoothed objective
 * is flat (|∇| small) or where the estimate is too noisy to follow it. Each repeat draws its prompts from its own
 * problem stream; the estimate g is read back as θ_after − θ_before of one SGD step with learning rate 1 (EGGROLL)
 * or taken from tfjs (GRPO).
 * --algo linear is the control: the same EGGROLL estimator (population, rank 1, antithetic pairs, group shaping) on
 * a fitness linear in one n×n matrix (--linear-n, default 447: 199,809 weights, as many as the LM's trained matrices
 * hold), where theory gives cos = (N/2)/(N/2 + d) — N/2 independent directions — the most any reward can give at that
 * population.
 * The ES settings are `reason train`'s (reason/config.ts resolves them, recipes included): --tune picks the part both
 * methods tune (GRPO's gradient is then taken on that part), --member-prompts and --samples average each member's
 * reward over more completions, --algo openes uses dense noise, --recipe qiu Qiu et al.'s configuration.
 *
 * Run: npx tsx scripts/reason-es-signal.ts [--algo eggroll|openes|grpo|linear] [--run runs/reason-var/default] [--base data/reason/base.safetensors]
 *      [--task countdown] [--tune all|head|blocks:K|lora:R] [--sigma 0.02] [--prompts 32|8] [--group 32|16] [--temperature 0|1]
 *      [--member-prompts 1] [--samples 1] [--shared-sampling true] [--recipe none|qiu] [--linear-n 447] [--reps 6] [--json true]
 */
import { join, resolve } from 'node:path';
import { loadBackend } from '../src/backend/index.js';
import { loadCheckpoint } from '../src/io/checkpoint.js';
import { ParamSet } from '../src/nn/params.js';
import { Mlp, mlpSpecs, initMlp, type MlpConfig } from '../src/nn/mlp.js';
import { initNormal } from '../src/nn/init.js';
import { LocalTrainer } from '../src/es/local-trainer.js';
import { inference } from '../src/es/population.js';
import type { Task } from '../src/es/task.js';
import { ReasonEsTask, stepProblems } from '../src/reason/es-task.js';
import { RecurrentLm } from '../src/reason/model.js';
import { initAdapters, parseTune, tunedCount, tunedSpecs } from '../src/reason/tune.js';
import { populationOf, resolveReasonConfig, type ReasonRunConfig } from '../src/reason/config.js';
import type { StrategyConfig } from '../src/es/strategy.js';
import { makeTask, type TaskName } from '../src/reason/tasks/index.js';
import { loadLm } from '../src/reason/weights.js';
import { groupAdvantages, grpoBatch, grpoLoss, tokenLogprobs } from '../src/reason/grpo.js';
import { sampleGroups } from '../src/reason/grpo-method.js';
import { gradients } from '../src/reason/pretrain.js';
import { initTf, TfLm } from '../src/reason/tf-model.js';

const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const basePath = resolve(args.get('base') ?? 'data/reason/base.safetensors');
const run = args.get('run');
const algo = args.get('algo') ?? 'eggroll';
if (!['eggroll', 'openes', 'grpo', 'linear'].includes(algo)) throw new Error(`--algo must be eggroll, openes, grpo or linear, got ${algo}`);
const reps = Number(args.get('reps') ?? 6);
const LINEAR_N = Number(args.get('linear-n') ?? 447);

const backend = await loadBackend('auto', () => {});
const base = loadLm(basePath);
// The run's settings as `reason train` resolves them (the linear control borrows EGGROLL's population and shaping).
const SETTINGS: Record<string, keyof ReasonRunConfig> = {
  task: 'task', tune: 'tune', sigma: 'sigma', prompts: 'prompts', group: 'group', temperature: 'temperature', 'member-prompts': 'memberPrompts', samples: 'samples', recipe: 'recipe', 'shared-sampling': 'sharedSampling',
};
const given = Object.fromEntries([...args].filter(([k]) => k in SETTINGS).map(([k, v]) => [SETTINGS[k], ['task', 'tune', 'recipe'].includes(k) ? v : k === 'shared-sampling' ? v === 'true' : Number(v)]));
const c = resolveReasonConfig({
  algo: algo === 'linear' ? 'eggroll' : algo as ReasonRunConfig['algo'], task: 'countdown', base: basePath, steps: 1, formatReward: 0.1, sigma: 0.02, sigmaDecay: 1, rank: 1, esLr: 1, esLrDecay: 1,
  esOptimizer: 'sgd', grpoLr: 1, clip: 0.2, kl: 0, epochs: 1, evalEvery: 1, evalCount: 1, checkpointEvery: 1, seed: 0, backend: 'auto', workers: 1, ...given,
} as Parameters<typeof resolveReasonConfig>[0], new Set(Object.keys(given)), base.cfg);
const { sigma, prompts, group, temperature } = c;
const taskName = c.task as TaskName;
const specs = tunedSpecs(base.cfg, parseTune(c.tune, base.cfg.layers));
let values: Float32Array[];
{
  const params = new ParamSet(specs, backend);
  base.values.forEach((v, i) => params.values[i].set(v));
  initAdapters(params, 0);
  if (run) params.loadTensors(loadCheckpoint(join(run, 'checkpoints')).tensors, 'param/');
  values = params.values.map((v) => Float32Array.from(v));
}
const task = makeTask(taskName);
const popSize = algo === 'grpo' ? prompts * group : populationOf(c);

/** The tensors of `parts` that `keep` names, concatenated in double precision. */
function concat(parts: ArrayLike<number>[], keep: number[] = parts.map((_, i) => i)): Float64Array {
  const g = new Float64Array(keep.reduce((s, i) => s + parts[i].length, 0));
  let o = 0;
  for (const i of keep) { g.set(parts[i], o); o += parts[i].length; }
  return g;
}

/** One EGGROLL update of `esTask` (SGD, learning rate 1), read back as θ_after − θ_before over every tensor. */
function esUpdate(esTask: Task, noiseSeed: number): Float64Array {
  const strategy: StrategyConfig = {
    algo: c.algo === 'openes' ? 'openes' : 'eggroll', popSize, rank: 1, sigma, lr: 1, optimizer: { kind: 'sgd' }, antithetic: c.antithetic,
    shaping: c.esShaping === 'zscore' ? { kind: 'zscore' } : { kind: 'group', groupSize: group }, seed: noiseSeed, noiseReuse: 1,
  };
  const t = new LocalTrainer(esTask, backend, strategy);
  const before = t.params.values.map((v) => Float64Array.from(v));
  t.step();
  return concat(t.params.values.map((v, i) => Float64Array.from(v, (x, j) => x - before[i][j])));
}

/** One ES gradient estimate on the LM (frozen tensors contribute zeros) and the members' correct rate. */
function esEstimate(problemSeed: number, noiseSeed: number): { g: Float64Array; correct: number } {
  const esTask = new ReasonEsTask({ cfg: base.cfg, base: values, task, popSize, group, temperature, formatReward: 0.1, seed: problemSeed, tune: c.tune, memberPrompts: c.memberPrompts, samples: c.samples, sharedSampling: c.sharedSampling }, backend);
  const g = esUpdate(esTask, noiseSeed);
  return { g, correct: esTask.last.correct / (popSize * c.memberPrompts * c.samples) };
}

const trained = specs.map((sp, i) => (sp.mode !== 'frozen' ? i : -1)).filter((i) => i >= 0);
let grpo: { model: TfLm; lm: RecurrentLm; pop: ReturnType<typeof inference> } | undefined;
/** One GRPO policy-gradient estimate on the matrices EGGROLL trains, and the sampled completions' correct rate. */
async function grpoEstimate(problemSeed: number, samplingSeed: number): Promise<{ g: Float64Array; correct: number }> {
  if (!grpo) {
    await initTf();
    const params = new ParamSet(specs, backend);
    params.values.forEach((v, i) => v.set(values[i]));
    grpo = { model: new TfLm(base.cfg, values, specs), lm: new RecurrentLm(base.cfg, params, backend, popSize), pop: inference(params, backend) };
  }
  const { model, lm, pop } = grpo;
  const problems = stepProblems(task, problemSeed, 0, prompts);
  const r = sampleGroups(lm, pop, task, problems, { seed: samplingSeed, group, temperature, formatReward: 0.1 }, 0);
  const batch = grpoBatch(r.prompts, r.completions, groupAdvantages(r.rewards, group));
  const old = await tokenLogprobs(model, batch);
  const { grads } = await gradients(model, () => grpoLoss(model, batch, old, undefined, 0.2, 0), model.trainable);
  return { g: concat(grads, trained), correct: r.correct / popSize };
}
/** The control: the EGGROLL estimate of a fitness linear in one LINEAR_N × LINEAR_N matrix, f = pᵀ W q. */
function linearEstimate(noiseSeed: number): { g: Float64Array; correct: number } {
  const n = LINEAR_N, cfg: MlpConfig = { sizes: [n, n], activation: 'tanh', bias: 'frozen' }; // identity output: linear
  const p = new Float32Array(n), q = new Float32Array(n);
  initNormal(5, 0, q, 1); initNormal(6, 0, p, 1);
  const mlp = new Mlp(cfg, backend, popSize);
  const xs = new Float32Array(popSize * n);
  const linear: Task = {
    specs: mlpSpecs(cfg), auxSize: 0, stateSize: 0, init: (params, seed) => initMlp(params, seed), state: () => new Float64Array(0),
    evaluate(pop, fitness) {
      for (let i = 0; i < pop.memberEnd - pop.memberStart; i++) xs.set(q, i * n);
      const rows = pop.all(1), out = mlp.forward(rows, xs);
      for (let r = 0; r < rows.count; r++) { let f = 0; for (let j = 0; j < n; j++) f += p[j] * out[r * n + j]; fitness[pop.memberStart + r] = f; }
    },
  };
  return { g: esUpdate(linear, noiseSeed), correct: NaN };
}
const estimate = (problemSeed: number, noiseSeed: number) => (algo === 'eggroll' || algo === 'openes' ? Promise.resolve(esEstimate(problemSeed, noiseSeed))
  : algo === 'linear' ? Promise.resolve(linearEstimate(noiseSeed)) : grpoEstimate(problemSeed, noiseSeed));

const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const rows: { cos: number; signal: number; energy: number; correct: number }[] = [];
for (let k = 0; k < reps; k++) {
  const a = await estimate(100 + k, 1000 + k), b = await estimate(100 + k, 2000 + k);
  const ab = dot(a.g, b.g), aa = dot(a.g, a.g), bb = dot(b.g, b.g);
  // An estimate is zero when every prompt's members agree (no group has both rewards): no direction, cos 0.
  rows.push({ cos: aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0, signal: ab, energy: (aa + bb) / 2, correct: (a.correct + b.correct) / 2 });
  process.stderr.write(`repeat ${k + 1}/${reps}: cos ${rows[k].cos.toFixed(4)}${algo === 'linear' ? '' : `, completions correct ${(100 * rows[k].correct).toFixed(1)}%`}\n`);
}
const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
const sd = (f: (r: (typeof rows)[number]) => number) => { const m = mean(f); return Math.sqrt(rows.reduce((s, r) => s + (f(r) - m) ** 2, 0) / Math.max(1, rows.length - 1)); };
const out = {
  at: algo === 'linear' ? `linear fitness, d = ${LINEAR_N ** 2}` : run ?? basePath, algo, ...(algo === 'grpo' ? {} : { sigma }), prompts, group, temperature, reps,
  tune: c.tune, tuned_values: algo === 'linear' ? LINEAR_N ** 2 : tunedCount(specs), population: popSize, member_prompts: c.memberPrompts, samples: c.samples, shared_sampling: c.sharedSampling, recipe: c.recipe,
  ...(algo === 'linear' ? { cos_theory: popSize / 2 / (popSize / 2 + LINEAR_N ** 2) } : {}),
  cos_mean: mean((r) => r.cos), cos_sd: sd((r) => r.cos),
  signal_norm2: mean((r) => r.signal), update_norm2: mean((r) => r.energy), completions_correct: mean((r) => r.correct),
};
if (args.get('json') === 'true') console.log(JSON.stringify(out));
else console.log(`${out.at}, ${algo}${algo === 'grpo' ? '' : ` σ = ${sigma}`}, ${algo === 'linear' ? `population ${popSize} in groups of ${group}` : `${prompts} prompts × ${group}${c.memberPrompts * c.samples > 1 ? ` (${c.memberPrompts} prompts × ${c.samples} samples a member)` : ''}, temperature ${temperature}, --tune ${c.tune} (d = ${out.tuned_values})`}: cos(g_A, g_B) = ${out.cos_mean.toFixed(4)} ± ${out.cos_sd.toFixed(4)} over ${reps} repeats; |∇|² ≈ ${out.signal_norm2.toExponential(2)}, |g|² = ${out.update_norm2.toExponential(2)}${algo === 'linear' ? `; theory (N/2)/(N/2 + d) = ${out.cos_theory!.toFixed(4)}` : `; completions correct ${(100 * out.completions_correct).toFixed(1)}%`}`);
