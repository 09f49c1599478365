/**
 * The strategy registry: name → plug-in, read by EvolutionStrategy (config.algo), the CLI's --algo, the cluster
 * replica and checkpoint loading (both build an EvolutionStrategy from a saved config) and the playground. A new
 * strategy is one file and one line here, or `registerStrategy` from the user's own module.
 */
import type { StrategyPlugin } from './plugin.js';
import { eggroll } from './eggroll.js';
import { openes } from './openes.js';

const REGISTRY = new Map<string, StrategyPlugin>();
const MODULES = new Map<string, string>();

/**
 * Adds a strategy under its name; a name already taken is an error (two plug-ins would fight over checkpoints).
 * `module` (the registering module's `import.meta.url`) lets worker threads register it too: they import that
 * module before building their replica of the strategy (parallel/trainer.ts), as for custom environments.
 */
export function registerStrategy(plugin: StrategyPlugin, opts: { module?: string } = {}): void {
  if (REGISTRY.has(plugin.name)) throw new Error(`strategy '${plugin.name}' is already registered`);
  REGISTRY.set(plugin.name, plugin as StrategyPlugin);
  if (opts.module !== undefined) MODULES.set(plugin.name, opts.module);
}

/** The module worker threads import to know strategy `name` (undefined for the built-in ones). */
export function strategyModuleFor(name: string): string | undefined {
  return MODULES.get(name);
}

/** Records the module that registered `name` without { module } (the CLI's --import knows which file it was). */
export function adoptStrategyModule(name: string, module: string): void {
  if (REGISTRY.has(name) && !MODULES.has(name) && !BUILTIN.has(name)) MODULES.set(name, module);
}

registerStrategy(eggroll);
registerStrategy(openes);
/** The strategies that ship with eggroll: every thread has them, so no module is recorded for them. */
const BUILTIN = new Set(REGISTRY.keys());

/** The plug-in registered as `name`; RangeError listing the names otherwise. */
export function strategyPlugin(name: string): StrategyPlugin {
  const p = REGISTRY.get(name);
  if (!p) throw new RangeError(`unknown strategy '${name}'; registered: ${strategyNames().join(', ')}`);
  return p;
}

/** Registered strategy names, in registration order (the built-in ones first). */
export function strategyNames(): string[] {
  return [...REGISTRY.keys()];
}

export type { StrategyPlugin, StrategyContext, TensorNoise } from './plugin.js';
export { lowRankDirection, denseDirection, estimateDirection } from './directions.js';
