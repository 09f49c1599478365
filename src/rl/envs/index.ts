/**
 * The environment registry: canonical Gymnasium ids plus short aliases, all mapping to the same
 * definition objects. `makeEnv(name, size)` is the usual entry point for a rollout.
 */
import { BatchEnv } from './batch.js';
import { acrobot } from './acrobot.js';
import { bipedalWalker, bipedalWalkerHardcore, makeBipedalWalker, type BipedalWalkerOptions } from './bipedal-walker.js';
import { cartPole } from './cartpole.js';
import { lunarLander, lunarLanderContinuous, makeLunarLander, type LunarLanderOptions } from './lunar-lander.js';
import { mountainCar, mountainCarContinuous } from './mountain-car.js';
import { pendulum } from './pendulum.js';
import type { ActionSpace, BoxSpace, EnvDefinition } from './types.js';

export { BatchEnv, resetStream, resetUniforms } from './batch.js';
export { actionDim, type ActionSpace, type BoxSpace, type DiscreteSpace, type EnvDefinition, type ResetBounds, type ResetOptions } from './types.js';
export { acrobot, cartPole, lunarLander, lunarLanderContinuous, makeLunarLander, mountainCar, mountainCarContinuous, pendulum, type LunarLanderOptions };
export { bipedalWalker, bipedalWalkerHardcore, makeBipedalWalker, type BipedalWalkerOptions };
export { makeAcrobot, type AcrobotOptions } from './acrobot.js';
export { makeCartPole, type CartPoleOptions } from './cartpole.js';
export { makeMountainCar, makeMountainCarContinuous, type MountainCarOptions } from './mountain-car.js';
export { makePendulum, type PendulumOptions } from './pendulum.js';

/** The built-in environments, in the order `eggroll envs` lists them. */
export const BUILTIN_ENVS: readonly EnvDefinition[] = [cartPole, acrobot, mountainCar, mountainCarContinuous, pendulum, lunarLander, lunarLanderContinuous, bipedalWalker, bipedalWalkerHardcore];

/** Every accepted name (canonical id or alias) → its definition. */
export const ENVIRONMENTS: Record<string, EnvDefinition> = {};

/** Canonical ids in registration order (no aliases). */
const canonical: string[] = [];

/**
 * Adds an environment under its id and aliases. Throws if a name is taken or the definition is
 * inconsistent (so a mistake shows at start-up, not as garbage returns mid-training).
 */
/**
 * Registers an environment under its id and aliases. `module` (the registering module's `import.meta.url`) lets
 * worker threads and `eggroll worker` processes register it too: they import that module before building the task,
 * so it must call registerEnv when imported. Without it the environment works on the calling thread only.
 */
export function registerEnv(def: EnvDefinition, opts: { module?: string } = {}): void {
  const names = [def.id, ...(def.aliases ?? [])];
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(ENVIRONMENTS, name)) throw new Error(`environment name '${name}' is already registered`);
  }
  const obs = def.observationSpace;
  const checks: [boolean, string][] = [
    [Number.isInteger(obs.dim) && obs.dim > 0 && obs.low.length === obs.dim && obs.high.length === obs.dim, 'observationSpace needs dim > 0 and low/high of length dim'],
    [def.actionSpace.kind === 'discrete' ? Number.isInteger(def.actionSpace.n) && def.actionSpace.n > 0 : Number.isInteger(def.actionSpace.dim) && def.actionSpace.dim > 0 && def.actionSpace.low.length === def.actionSpace.dim && def.actionSpace.high.length === def.actionSpace.dim, 'actionSpace needs n > 0, or dim > 0 and low/high of length dim'],
    [Number.isInteger(def.maxSteps) && def.maxSteps > 0, 'maxSteps must be a positive integer'],
    [Number.isInteger(def.stateDim) && def.stateDim > 0, 'stateDim must be a positive integer'],
    [Number.isInteger(def.resetUniforms) && def.resetUniforms >= 0, 'resetUniforms must be a non-negative integer'],
  ];
  for (const [ok, msg] of checks) if (!ok) throw new Error(`environment '${def.id}': ${msg}`);
  for (const name of names) ENVIRONMENTS[name] = def;
  canonical.push(def.id);
  if (opts.module !== undefined) ENV_MODULES.set(def.id, opts.module);
}

const ENV_MODULES = new Map<string, string>();
const BUILTIN_IDS = new Set(BUILTIN_ENVS.map((d) => d.id));

/**
 * The module a worker thread must import to know this environment: undefined for the built-in ones, the
 * registered module for a custom one; throws for a custom one registered without it (workers could not build it).
 */
export function envModuleFor(name: string): string | undefined {
  const id = resolveEnv(name).id;
  if (BUILTIN_IDS.has(id)) return undefined;
  const m = ENV_MODULES.get(id);
  if (m === undefined) throw new Error(`environment '${id}' was registered without { module }, so worker threads cannot build it: register it with registerEnv(def, { module: import.meta.url }) in a module that registers it when imported, or use workers: 1`);
  return m;
}

/**
 * Records the module that registered `id` when it did not pass { module } itself (the CLI's --import knows which
 * file it imported), so worker threads can import it too. A module given at registration wins.
 */
export function adoptEnvModule(id: string, module: string): void {
  if (!BUILTIN_IDS.has(id) && !ENV_MODULES.has(id)) ENV_MODULES.set(id, module);
}

for (const def of BUILTIN_ENVS) registerEnv(def);

/** Canonical ids of every registered environment. */
export function envIds(): string[] {
  return [...canonical];
}

/**
 * The definition for an id or alias. An exact match wins; otherwise a case-insensitive one is
 * accepted ('CARTPOLE', 'pendulum-v1'). Throws a RangeError listing the choices.
 */
export function resolveEnv(name: string): EnvDefinition {
  let def = Object.prototype.hasOwnProperty.call(ENVIRONMENTS, name) ? ENVIRONMENTS[name] : undefined;
  if (!def) {
    const lower = name.toLowerCase();
    const key = Object.keys(ENVIRONMENTS).find((k) => k.toLowerCase() === lower);
    if (key !== undefined) def = ENVIRONMENTS[key];
  }
  if (!def) {
    const choices = canonical.map((id) => {
      const aliases = ENVIRONMENTS[id].aliases ?? [];
      return aliases.length ? `${id} (${aliases.join(', ')})` : id;
    });
    // A custom environment lives in the user's module: the CLI imports it with --import.
    throw new RangeError(`unknown environment '${name}'; allowed: ${choices.join(', ')} (a custom one: --import the module that registers it)`);
  }
  return def;
}

/** A batch of `size` copies of the named environment. */
export function makeEnv(name: string, size: number): BatchEnv {
  return new BatchEnv(resolveEnv(name), size);
}

/** A short text form of a space for listings: 'Discrete(3)' or 'Box(2) [-1.2, 0.6] × [-0.07, 0.07]'. */
export function describeSpace(space: ActionSpace | BoxSpace): string {
  if (space.kind === 'discrete') return `Discrete(${space.n})`;
  const fmt = (v: number) => (Math.abs(v) >= 3.4e38 ? (v > 0 ? 'inf' : '-inf') : String(Number(v.toPrecision(4))));
  return `Box(${space.dim}) ${space.low.map((lo, k) => `[${fmt(lo)}, ${fmt(space.high[k])}]`).join(' × ')}`;
}
