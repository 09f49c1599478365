/** `eggroll train`, `eggroll eval`, `eggroll envs`: tabula-rasa RL with EGGROLL or OpenES. */
import { z } from 'zod';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import type { Command } from '../command.js';
import { camel, flag, num, oneOf, parseFlags } from '../flags.js';
import { backendFlag, forceFlag, jsonFlag, outFlag, quietFlag, redisFlag, seedFlag, workersFlag } from '../common-flags.js';
import { checkRedisUrl } from '../../parallel/cluster/protocol.js';
import { UsageError } from '../errors.js';
import { log, printResult } from '../output.js';
import { prepareRunDir, checkRunKind } from '../../experiment/run-dir.js';
import { untilStopped } from '../signals.js';
import { resolveRlConfig } from '../../rl/config.js';
import { runRl, readRunConfig, readPolicyFile, type RlRunConfig } from '../../rl/run.js';
import type { PolicyConfig } from '../../rl/config.js';
import { checkPolicyTensors, PolicyFileError } from '../../rl/policy-file.js';
import { BadFileError } from '../../io/errors.js';
import { describeSpace, envIds, resolveEnv, ENVIRONMENTS } from '../../rl/envs/index.js';
import { algoNames } from '../../es/create-strategy.js';
import { OPTIMIZERS } from '../../es/optim.js';
import { SHAPING_KINDS } from '../../es/shaping.js';
import { ACTIVATIONS } from '../../nn/activations.js';
import { ACTION_MODES } from '../../rl/policy.js';
import { loadBackend } from '../../backend/index.js';
import { createTask, type RlTask } from '../../rl/task.js';
import { taskOptionsFor, meanStd } from '../../rl/run.js';
import { ParamSet } from '../../nn/params.js';
import { loadCheckpoint, type Checkpoint } from '../../io/checkpoint.js';
import { checkTensors, modelTensorsExpected } from '../../parallel/trainer.js';
import { fmt, generationProgress } from '../progress.js';
import { importFlag, importUserModules } from '../imports.js';

const hiddenSchema = z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => Number(s.trim())) : v),
  z.array(z.number({ message: 'must be comma-separated layer widths, e.g. 64,64' }).int({ message: 'must be comma-separated whole layer widths in [1, 4096], e.g. 64,64' })
    .min(1, { message: 'must be comma-separated layer widths in [1, 4096] (no empty or zero entries), e.g. 64,64' })
    .max(4096, { message: 'must be comma-separated layer widths in [1, 4096], e.g. 64,64' }), { message: 'must be comma-separated layer widths, e.g. 64,64' })
    .min(1, { message: 'needs at least one hidden layer' }));

/** Flags whose defaults come from the environment's preset; `undefined` means "use the preset". */
const trainFlags = {
  algo: flag({ schema: z.string().min(1).optional(), help: `strategy: ${algoNames().join('|')}, or one an --import module registers (default: eggroll; cma-es … ars search the flattened policy vector: --sigma is σ0, --lr PGPE's and ARS's step)` }),
  pop: flag({ schema: num.int(2, 1 << 20).optional(), help: 'population size, even (default: per environment)' }),
  rank: flag({ schema: num.int(1, 4096).optional(), help: 'rank r of EGGROLL perturbations (default: 1)' }),
  sigma: flag({ schema: num.positive().optional(), help: 'noise scale σ (default: per environment)' }),
  'sigma-decay': flag({ schema: num.range(0.5, 1).optional(), help: 'σ multiplied by this every generation (default: 1)' }),
  lr: flag({ schema: num.positive().optional(), help: 'learning rate (default: per environment)' }),
  'lr-decay': flag({ schema: num.range(0.5, 1).optional(), help: 'learning rate multiplied by this every generation (default: 1)' }),
  optimizer: flag({ schema: oneOf(OPTIMIZERS).optional(), help: `optimizer: ${OPTIMIZERS.join('|')} (default: adam)` }),
  momentum: flag({ schema: num.range(0, 0.999).optional(), help: 'SGD momentum (default: 0)' }),
  'weight-decay': flag({ schema: num.nonneg().optional(), help: 'AdamW weight decay (default: 0.01)' }),
  shaping: flag({ schema: oneOf(SHAPING_KINDS).optional(), help: `fitness shaping: ${SHAPING_KINDS.join('|')} (default: centered-rank)` }),
  'group-size': flag({ schema: num.int(2, 1 << 20).optional(), help: 'group size for --shaping group' }),
  gens: flag({ schema: num.int(1, 1_000_000).optional(), help: 'generations (default: per environment)' }),
  episodes: flag({ schema: num.int(1, 1000).optional(), help: 'episodes per member per generation; fitness is their mean return (default: 1)' }),
  'eval-episodes': flag({ schema: num.int(1, 100_000).optional(), help: 'episodes of the final unperturbed evaluation (default: 100)' }),
  hidden: flag({ schema: hiddenSchema.optional(), help: 'hidden layer widths (default: 64,64)' }),
  activation: flag({ schema: oneOf(ACTIVATIONS).optional(), help: `hidden activation: ${ACTIVATIONS.join('|')} (default: tanh)` }),
  bias: flag({ schema: oneOf(['full', 'frozen'] as const).optional(), help: 'biases evolved with dense noise (full) or frozen at 0 (default: full)' }),
  'obs-norm': flag({ schema: z.boolean().optional(), boolean: true, help: 'running observation normalisation (default: per environment)' }),
  action: flag({ schema: oneOf(ACTION_MODES).optional(), help: 'discrete actions: argmax|sample (default: argmax)' }),
  'noise-reuse': flag({ schema: num.int(0, 1_000_000).optional(), help: 'keep noise for this many generations; 0 freezes it (default: 1)' }),
  'checkpoint-every': flag({ schema: num.int(1, 1_000_000).optional(), help: 'generations between checkpoints (default: 10)' }),
  seed: seedFlag,
  workers: workersFlag,
  redis: redisFlag,
  backend: backendFlag,
  'max-seconds': flag({ schema: num.nonneg(), default: 0, help: 'stop (with a checkpoint) at the first generation boundary after this many seconds; 0 = no limit' }),
  'stop-at-return': flag({ schema: z.coerce.number({ message: 'must be a number' }).refine(Number.isFinite, { message: 'must be a finite number' }).optional(), help: 'stop (with a checkpoint) after the first generation whose population mean return reaches this (e.g. the solved threshold)' }),
  out: outFlag,
  force: forceFlag,
  resume: flag({ schema: z.string().min(1).optional(), help: 'continue the run in this directory from its latest checkpoint (falls back to the newest intact one)' }),
  import: importFlag,
  json: jsonFlag,
  quiet: quietFlag,
};


/** Flags that are not run settings: what the command does with the run, not what the run is. */
const NOT_SETTINGS = new Set(['out', 'resume', 'json', 'quiet', 'config', 'force', 'max-seconds', 'stop-at-return', 'redis', 'import']);

/** Preset < config file < flags: the flags as settings (camelCase) for rl's resolveRlConfig, which checks them. */
function configFromFlags(env: string, flags: Record<string, unknown>): RlRunConfig {
  const overrides: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) if (v !== undefined && !NOT_SETTINGS.has(k)) overrides[camel(k)] = v;
  return resolveRlConfig(env, overrides);
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a policy from scratch on an RL environment with EGGROLL or OpenES',
  example: 'eggroll train cartpole --pop 256 --gens 30 --seed 1 --json',
  flags: trainFlags,
  positionals: [{ name: 'env', help: `environment id or alias (${envIds().join(', ')}); see eggroll envs`, optional: true }],
  config: true,
  async run(argv) {
    const { flags, positionals, explicit } = parseFlags(argv, trainFlags, this.positionals, true);
    if (flags.redis) checkRedisUrl(flags.redis);
    await importUserModules(flags.import);
    if (flags.redis && explicit.has('workers')) log('--workers is not used with --redis: the cluster\'s workers evaluate the population (eggroll worker --concurrency sets threads per machine)');
    let dir: string;
    let config: RlRunConfig;
    if (flags.resume) {
      dir = flags.resume;
      // A resumed run keeps its settings; only the number of generations, the time limit, workers and backend may change.
      // (Results are bit-identical for any worker count; a different backend may round differently.)
      const others = [...explicit].filter((k) => !['gens', 'workers', 'backend', 'resume', 'json', 'quiet', 'max-seconds', 'stop-at-return', 'redis', 'import'].includes(k));
      if (others.length) throw new UsageError(`--resume continues a run with its saved settings; only --gens, --max-seconds, --stop-at-return, --workers, --backend, --redis, --import may be given (got --${others.join(', --')})`);
      checkRunKind(dir, 'rl', '--resume');
      config = readRunConfig(dir);
      if (positionals[0]) {
        let env: string;
        try {
          env = resolveEnv(positionals[0]).id;
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        if (env !== resolveEnv(config.env).id) throw new UsageError(`--resume: '${dir}' is a ${config.env} run, not ${env}; leave out <env> to continue it, or start a new run with --out`);
      }
      if (explicit.has('gens')) config.gens = flags.gens!;
      if (explicit.has('workers')) config.workers = flags.workers;
      if (explicit.has('backend')) config.backend = flags.backend;
    } else {
      if (!positionals[0]) throw new UsageError(`missing <env>: one of ${envIds().join(', ')}`);
      config = configFromFlags(positionals[0], flags);
      dir = prepareRunDir({ out: flags.out, force: flags.force, prefix: `${config.env}-${config.algo}`, kind: 'rl', command: 'train', log });
    }
    if (!flags.resume) log(`run directory: ${dir}`);
    const onGeneration = generationProgress(`${resolveEnv(config.env).id} ${config.algo}`, flags.quiet, flags['max-seconds'] || undefined);
    const summary = await untilStopped('eggroll train', 'generation', log, (shouldStop) =>
      runRl(config, dir, Boolean(flags.resume), { onGeneration, log, shouldStop, maxSeconds: flags['max-seconds'], stopAtReturn: flags['stop-at-return'], redis: flags.redis }));
    printResult(summary as unknown as Record<string, unknown>, flags.json,
      `${summary.env} ${summary.algo}: final population mean ${fmt(summary.final_mean_return)}, evaluation ${fmt(summary.eval_mean_return)} ± ${fmt(summary.eval_std_return)} over ${summary.eval_episodes} episodes${summary.solved ? ' (solved)' : ''}, ${fmt(summary.seconds)} s`);
  },
};

const evalFlags = {
  import: importFlag,
  episodes: flag({ schema: num.int(1, 100_000), default: 100, help: 'evaluation episodes' }),
  seed: flag({ schema: num.int(0, 2 ** 32 - 1).optional(), help: 'evaluation seed (default: the run\'s seed)' }),
  backend: backendFlag,
  json: jsonFlag,
};

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a trained policy without noise: a run directory\'s latest checkpoint, or one policy file',
  example: 'eggroll eval runs/CartPole-v1-eggroll-20261129-040000 --episodes 100 --json   eggroll eval policy.safetensors',
  flags: evalFlags,
  positionals: [{ name: 'run-dir|file', help: 'a directory written by eggroll train, or a .safetensors policy (a playground export or a checkpoint of eggroll train)' }],
  async run(argv) {
    const { flags, positionals } = parseFlags(argv, evalFlags, this.positionals);
    await importUserModules(flags.import);
    const target = positionals[0];
    // A .safetensors file is a policy; anything else must be a run directory (checkRunKind says what it is not).
    const isFile = target.endsWith('.safetensors') && statSync(target, { throwIfNoEntry: false })?.isFile() === true;
    let config: PolicyConfig;
    let load: (task: RlTask, params: ParamSet) => number;
    if (isFile) {
      const file = readPolicyFile(target);
      config = file.config;
      load = (task, params) => {
        try {
          checkPolicyTensors(file, task.specs, task.stateSize);
        } catch (e) {
          throw e instanceof PolicyFileError ? new BadFileError(target, e.message) : e;
        }
        params.loadTensors(file.tensors, 'param/');
        if (task.stateSize) task.state().set(file.tensors['task/state'].data as Float64Array);
        return file.generation;
      };
    } else {
      checkRunKind(target, 'rl', '<run-dir>');
      config = readRunConfig(target);
      load = (task, params) => {
        // The same check as a resume, minus the optimiser moments eval does not need.
        const want = modelTensorsExpected(task.specs, task.stateSize);
        const check = (c: Checkpoint, file: string) => checkTensors(c, file, want);
        const ck = loadCheckpoint(join(target, 'checkpoints'), { check, log });
        params.loadTensors(ck.tensors, 'param/');
        if (task.stateSize) task.state().set(ck.tensors['task/state'].data as Float64Array);
        return ck.generation;
      };
    }
    const backend = await loadBackend(flags.backend, log);
    const task = createTask(taskOptionsFor(config), backend) as RlTask;
    const params = new ParamSet(task.specs, backend);
    const generation = load(task, params);
    const returns = task.evaluatePolicy(params, flags.episodes, flags.seed ?? config.seed);
    const { mean, std } = meanStd(returns);
    const def = resolveEnv(config.env);
    printResult({ env: def.id, ...(isFile ? { file: target } : { run_dir: target }), generation, episodes: flags.episodes, eval_mean_return: mean, eval_std_return: std, min_return: Math.min(...returns), max_return: Math.max(...returns), solved: mean >= def.solvedThreshold },
      flags.json, `${def.id} at generation ${generation}: ${fmt(mean)} ± ${fmt(std)} over ${flags.episodes} episodes`);
  },
};

const envsFlags = { import: importFlag, json: jsonFlag };

export const envsCommand: Command = {
  name: 'envs',
  summary: 'list the RL environments with their spaces, step limits and solved thresholds',
  example: 'eggroll envs',
  flags: envsFlags,
  async run(argv) {
    const { flags } = parseFlags(argv, envsFlags);
    await importUserModules(flags.import);
    const defs = envIds().map((id) => ENVIRONMENTS[id]);
    const rows = defs.map((d) => ({ id: d.id, aliases: d.aliases ?? [], observation: describeSpace(d.observationSpace), action: describeSpace(d.actionSpace), max_steps: d.maxSteps, solved: d.solvedThreshold, description: d.description }));
    if (flags.json) {
      // One object, so that the last stdout line is the summary every --json command promises.
      process.stdout.write(JSON.stringify({ environments: rows }) + '\n');
      return;
    }
    for (const r of rows) process.stdout.write(`${r.id.padEnd(26)} obs ${r.observation}\n${''.padEnd(26)} act ${r.action}, ${r.max_steps} steps, solved at ${r.solved}; aliases: ${r.aliases.join(', ')}\n${''.padEnd(26)} ${r.description}\n`);
  },
};
