/**
 * One constructor for whatever `config.algo` names: a registered plug-in (EGGROLL, OpenES, a user's) runs as an
 * EvolutionStrategy; a flat strategy (CMA-ES, Sep-CMA-ES, SNES, PGPE, ARS) as a FlatEvolution. The Trainer, its
 * worker threads and cluster replicas build theirs here, so every path runs every strategy.
 */
import type { Backend } from '../backend/types.js';
import type { ParamSet } from '../nn/params.js';
import { EvolutionStrategy, strategyNames, type StrategyConfig } from './strategy.js';
import { FLAT_ALGOS, FlatEvolution, isFlatAlgo, type FlatEvolutionOptions } from './flat-evolution.js';

/** What a Trainer drives: ask, tell, release, and a state with the generation and the optimiser's moments. */
export type SearchStrategy = EvolutionStrategy | FlatEvolution;

export function createStrategy(params: ParamSet, backend: Backend, config: StrategyConfig, flat: FlatEvolutionOptions = {}): SearchStrategy {
  return isFlatAlgo(config.algo) ? new FlatEvolution(params, backend, config, flat) : new EvolutionStrategy(params, backend, config);
}

/** Every name `algo` may take: the registered plug-ins, then the flat strategies. */
export function algoNames(): string[] {
  return [...strategyNames(), ...FLAT_ALGOS];
}
