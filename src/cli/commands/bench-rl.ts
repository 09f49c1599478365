/**
 * `eggroll bench rl`: how fast a population's rollouts run — member-steps per second (one member taking
 * one environment step, policy forward included) for each environment at each population size, on the
 * chosen backend on one thread and on all cores, next to the same loop on the js reference backend.
 * One thread: the time is split into policy forward (MLP + outputs → actions), environment step, and
 * other (gathering observations, row bookkeeping, resets). All cores: the population split over worker
 * threads exactly as `train --workers N` runs it (each worker one kernel thread; small RL layers gain
 * nothing from splitting a GEMM). member_steps_per_s times the rollouts only; ES's ask + tell (noise,
 * update) is timed apart (es_s) and with_es_member_steps_per_s counts it in. `--algos eggroll,openes`
 * measures both algorithms at the same population in the same run: per member-step, so that episodes of
 * different lengths (their policies differ) do not decide the ratio.
 */
import { z } from 'zod';
import type { Command } from '../command.js';
import { parseFlags, num } from '../flags.js';
import { jsonFlag, seedFlag } from '../common-flags.js';
import { log } from '../output.js';
import { UsageError } from '../errors.js';
import { availableParallelism } from 'node:os';
import type { Backend } from '../../backend/types.js';
import { createBackend, jsBackend } from '../../backend/index.js';
import { ParamSet } from '../../nn/params.js';
import { EvolutionStrategy } from '../../es/strategy.js';
import { RlTask, type RlTaskOptions } from '../../rl/task.js';
import { rlTaskRef } from '../../rl/run.js';
import { EvalPool } from '../../parallel/pool.js';
import { sizeOf } from '../../nn/params.js';
import type { StrategyConfig, Algo } from '../../es/strategy.js';
import { resolveEnv } from '../../rl/envs/index.js';
import { machineInfo, table } from '../../bench/harness.js';

const ALL = availableParallelism();
const list = (what: string, max: number, even = false) => z.string().regex(/^\d+(,\d+)*$/, { message: `${what} must be comma-separated positive integers` })
  .transform((s) => s.split(',').map(Number))
  .refine((a) => a.every((v) => v >= 1 && v <= max && (!even || v % 2 === 0)), { message: `${what} must each be ${even ? 'even, ' : ''}in [${even ? 2 : 1}, ${max}]` });

const flags = {
  // The Box2D tasks (lunarlander, lunarlander-continuous, bipedalwalker, bipedalwalker-hardcore) run on request: a world
  // step per member-step makes one of their generations at pop 2048 take minutes, too long for the default run.
  envs: { schema: z.string().min(1), default: 'cartpole,acrobot,mountaincar,mountaincar-continuous,pendulum', help: 'comma-separated environments (ids or aliases); the Box2D tasks (lunarlander, bipedalwalker, …) on request' },
  pops: { schema: list('pops', 1 << 20, true), default: '256,2048', help: 'population sizes (one episode per member)' },
  threads: { schema: list('threads', 256), default: ALL > 1 ? `1,${ALL}` : '1', help: 'threads for the fast backend: 1 = this thread; N > 1 = the population over N worker threads, as train --workers N' },
  backend: { schema: z.enum(['auto', 'wasm', 'native']), default: 'auto', help: 'the fast backend: native if it loads (auto), else wasm' },
  'skip-js': { schema: z.boolean(), boolean: true, default: false, help: 'skip the js reference backend line' },
  hidden: { schema: list('hidden', 4096).transform((a) => a.join(',')), default: '64,64', help: 'hidden layer widths of the tanh policy MLP' },
  'min-seconds': { schema: num.positive(), default: 1, help: 'keep running generations of rollouts for at least this long per line; a line is at least one warm-up and one measured generation whatever the limit (a generation is the unit an ES update needs: a BipedalWalker generation at pop 256 takes ≈ 2.5 min on one core), with a progress line on stderr for each generation over 5 s' },
  algos: { schema: z.string().regex(/^(eggroll|openes)(,(eggroll|openes))*$/, { message: 'algos must be comma-separated: eggroll, openes' }).transform((v) => [...new Set(v.split(','))] as Algo[]), default: 'eggroll', help: 'algorithms to measure, each at every population: eggroll, openes (dense Gaussian noise per member)' },
  seed: seedFlag,
  json: jsonFlag,
};

const makeBackend = (kind: 'js' | 'wasm' | 'native', threads: number): Promise<Backend> => createBackend(kind, { threads });

interface Line {
  bench: 'rl'; env: string; pop: number; algo: Algo; backend: string; threads: number;
  member_steps: number; generations: number; seconds: number; member_steps_per_s: number;
  /** ES's ask + tell over the measured generations, and the rate with it counted in. */
  es_s: number; with_es_member_steps_per_s: number;
  forward_s: number; env_s: number; other_s: number; forward_share: number; env_share: number; other_share: number;
}

/** The task both kinds of line run: observation statistics on, so each member's aux row counts its steps. */
const taskOptions = (env: string, pop: number, hidden: number[], seed: number): RlTaskOptions =>
  ({ env, hidden, activation: 'tanh', bias: 'full', popSize: pop, episodes: 1, seed, obsNorm: true, actionMode: 'argmax' });
const strategyFor = (algo: Algo, pop: number, seed: number): StrategyConfig =>
  ({ algo, popSize: pop, rank: 1, sigma: 0.1, lr: 0.05, optimizer: { kind: 'adam' }, shaping: { kind: 'centered-rank' }, seed });

/** A line on stderr for a generation that took over 5 s, so a long measurement shows it is alive. */
function slowGenerationNote(what: string): (phase: string, k: number, ms: number) => void {
  return (phase, k, ms) => { if (ms > 5000) log(`bench rl: ${what}: ${phase} generation ${k} took ${(ms / 1000).toFixed(1)} s`); };
}

/** Runs generations (ask → rollouts → tell) until minSeconds of rollout time; times only the rollouts. */
function measureRollouts(env: string, pop: number, hidden: number[], algo: Algo, be: Backend, threads: number, seed: number, minSeconds: number): Line {
  const note = slowGenerationNote(`${resolveEnv(env).id} pop ${pop} ${be.name} t${threads}`);
  const task = new RlTask(taskOptions(env, pop, hidden, seed), be);
  const params = new ParamSet(task.specs, be);
  task.init(params, seed);
  const es = new EvolutionStrategy(params, be, strategyFor(algo, pop, seed));
  const fitness = new Float64Array(pop);
  const aux = new Float64Array(pop * task.auxSize);
  const prof = new Float64Array(4);
  // Warm-up generations (JIT, buffers: at least one and 0.3 s), then measure at least one.
  task.profile = null;
  let p = es.ask();
  for (let w = 0, t0 = performance.now(); w < 1 || performance.now() - t0 < 300; w++) {
    const g0 = performance.now();
    p = es.ask();
    task.evaluate(p, fitness, aux);
    es.tell(fitness);
    note('warm-up', w + 1, performance.now() - g0);
  }
  task.profile = prof;
  let gens = 0, esMs = 0;
  while (gens < 1 || prof[2] < minSeconds * 1e3) {
    const g0 = performance.now();
    let t0 = performance.now();
    p = es.ask();
    esMs += performance.now() - t0;
    task.evaluate(p, fitness, aux);
    t0 = performance.now();
    es.tell(fitness);
    esMs += performance.now() - t0;
    gens++;
    note('measured', gens, performance.now() - g0);
  }
  const s = prof[2] / 1e3;
  const fwd = prof[0] / 1e3, st = prof[1] / 1e3, other = Math.max(0, s - fwd - st);
  return {
    bench: 'rl', env: resolveEnv(env).id, pop, algo, backend: be.name, threads, member_steps: prof[3], generations: gens, seconds: s,
    member_steps_per_s: prof[3] / s, es_s: esMs / 1e3, with_es_member_steps_per_s: prof[3] / (s + esMs / 1e3), forward_s: fwd, env_s: st, other_s: other, forward_share: fwd / s, env_share: st / s, other_share: other / s,
  };
}

/**
 * The population over `workers` worker threads (EvalPool, as the Trainer uses it): wall time of each
 * generation's evaluation, member-steps counted from the members' aux rows (their step counts).
 */
async function measureWorkers(env: string, pop: number, hidden: number[], algo: Algo, kind: 'wasm' | 'native', workers: number, seed: number, minSeconds: number): Promise<Line> {
  const options = taskOptions(env, pop, hidden, seed);
  const be = await makeBackend(kind, 1);
  const task = new RlTask(options, be);
  const params = new ParamSet(task.specs, be);
  task.init(params, seed);
  const pool = await EvalPool.create(workers, {
    task: rlTaskRef(options), backend: kind, strategy: strategyFor(algo, pop, seed),
    paramSizes: task.specs.map((sp) => sizeOf(sp.shape)), stateSize: task.stateSize, auxSize: task.auxSize,
  });
  const es = new EvolutionStrategy(params, be, strategyFor(algo, pop, seed));
  const fitness = new Float64Array(pop);
  const aux = new Float64Array(pop * task.auxSize);
  let esSeconds = 0;
  // The same generations as the one-thread line (ask → rollouts → tell, the policy improving so episodes
  // lengthen alike; results do not depend on the worker count), timing only the pool's rollouts.
  const generation = async () => {
    const a0 = performance.now();
    es.ask(); // this thread's noise, for tell
    const t0 = performance.now();
    await pool.evaluate(params, task.state(), es.generation, fitness, aux);
    const t1 = performance.now();
    es.tell(fitness);
    esSeconds += (t0 - a0 + performance.now() - t1) / 1e3;
    return (t1 - t0) / 1e3;
  };
  try {
    const note = slowGenerationNote(`${resolveEnv(env).id} pop ${pop} ${be.name} ${workers} workers`);
    for (let w = 0, t0 = performance.now(); w < 1 || performance.now() - t0 < 300; w++) {
      const g0 = performance.now();
      await generation();
      note('warm-up', w + 1, performance.now() - g0);
    }
    esSeconds = 0;
    let seconds = 0, steps = 0, gens = 0;
    while (gens < 1 || seconds < minSeconds) {
      const g0 = performance.now();
      seconds += await generation();
      note('measured', gens + 1, performance.now() - g0);
      for (let i = 0; i < pop; i++) steps += aux[i * task.auxSize];
      gens++;
    }
    return {
      bench: 'rl', env: resolveEnv(env).id, pop, algo, backend: be.name, threads: workers, member_steps: steps, generations: gens, seconds,
      member_steps_per_s: steps / seconds, es_s: esSeconds, with_es_member_steps_per_s: steps / (seconds + esSeconds), forward_s: NaN, env_s: NaN, other_s: NaN, forward_share: NaN, env_share: NaN, other_share: NaN,
    };
  } finally {
    await pool.close();
  }
}

export const benchRlCommand: Command = {
  name: 'bench rl',
  summary: 'RL rollout speed: member-steps per second per environment and population, time split into policy / env / other',
  example: 'eggroll bench rl --envs cartpole --pops 256,2048 --json',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    let kind: 'wasm' | 'native' = f.backend === 'wasm' ? 'wasm' : 'native';
    if (kind === 'native') {
      try {
        await createBackend('native', { threads: 1 });
      } catch (e) {
        if (f.backend === 'native') throw e;
        log(`native backend unavailable (${(e as Error).message}); using wasm`);
        kind = 'wasm';
      }
    }
    const hidden = f.hidden.split(',').map(Number);
    const envs = f.envs.split(',').map((s) => s.trim()).filter(Boolean);
    for (const e of envs) {
      // Unknown names fail before any timing, as bad input (exit 2).
      try {
        resolveEnv(e);
      } catch (err) {
        throw new UsageError(`--envs: ${(err as Error).message}`);
      }
    }
    const machine = await machineInfo();
    const lines: Line[] = [];
    const emit = (l: Line) => {
      lines.push(l);
      if (f.json) process.stdout.write(JSON.stringify(l) + '\n');
      else log(`${l.env.padEnd(26)} pop ${String(l.pop).padStart(5)}  ${f.algos.length > 1 ? `${l.algo.padEnd(8)}` : ''}${`${l.backend} t${l.threads}`.padEnd(10)} ${(l.member_steps_per_s / 1e6).toFixed(3)} M member-steps/s`);
    };
    for (const env of envs) {
      for (const pop of f.pops) {
        for (const algo of f.algos) {
          for (const t of f.threads) {
            emit(t === 1 ? measureRollouts(env, pop, hidden, algo, await makeBackend(kind, 1), 1, f.seed, f['min-seconds'])
              : await measureWorkers(env, pop, hidden, algo, kind, t, f.seed, f['min-seconds']));
          }
          if (!f['skip-js']) emit(measureRollouts(env, pop, hidden, algo, jsBackend, 1, f.seed, f['min-seconds']));
        }
      }
    }
    // Summary: for each env and population, one-thread rate, all-cores ÷ one thread, and fast ÷ js.
    const summary: Record<string, unknown> = { bench: 'rl', summary: true, backend: kind, threads: f.threads, machine };
    for (const env of envs) {
      const id = resolveEnv(env).id;
      for (const pop of f.pops) {
        const at = (b: string, t: number, algo: Algo = f.algos[0]) => lines.find((l) => l.env === id && l.pop === pop && l.algo === algo && l.backend === b && l.threads === t);
        const one = at(kind, 1);
        const most = at(kind, Math.max(...f.threads));
        const js = at('js', 1);
        const key = `${id}_${pop}`;
        if (one) summary[`${key}_member_steps_per_s_t1`] = one.member_steps_per_s;
        if (one && most && most !== one) summary[`${key}_all_cores_over_t1`] = most.member_steps_per_s / one.member_steps_per_s;
        if (one && js) summary[`${key}_over_js`] = one.member_steps_per_s / js.member_steps_per_s;
        // Same population, same run: OpenES's time per member-step ÷ EGGROLL's, with ES's ask + tell counted in,
        // and for the policy forward alone (one thread, where it is profiled).
        const egg = at(kind, 1, 'eggroll'), open = at(kind, 1, 'openes');
        if (egg && open) {
          summary[`${key}_openes_over_eggroll_time_per_step`] = egg.with_es_member_steps_per_s / open.with_es_member_steps_per_s;
          summary[`${key}_openes_over_eggroll_policy_time_per_step`] = (open.forward_s / open.member_steps) / (egg.forward_s / egg.member_steps);
          // Everything but the environment step (policy, bookkeeping, ask + tell): what the algorithm itself costs,
          // free of the physics' load-dependent time where the environment dominates.
          const ownTime = (l: Line) => (l.forward_s + l.other_s + l.es_s) / l.member_steps;
          summary[`${key}_openes_over_eggroll_non_env_time_per_step`] = ownTime(open) / ownTime(egg);
        }
      }
    }
    if (f.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else {
      process.stdout.write(table(['env', 'pop', 'algo', 'backend', 'threads', 'M member-steps/s', 'with ES step', 'policy %', 'env %', 'other %'],
        lines.map((l) => [l.env, l.pop, l.algo, l.backend, l.threads, l.member_steps_per_s / 1e6, l.with_es_member_steps_per_s / 1e6, 100 * l.forward_share, 100 * l.env_share, 100 * l.other_share])) + '\n');
      for (const [k, v] of Object.entries(summary)) if (k.includes('_openes_over_eggroll_')) log(`${k}: ${(v as number).toFixed(2)}×`);
    }
  },
};
