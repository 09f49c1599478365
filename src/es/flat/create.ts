/**
 * The flat strategies by name: one constructor for `optimize`, FlatEvolution (a model's parameters) and the
 * benchmarks, so a strategy added here is everywhere.
 */
import { Ars, type ArsOptions } from './ars.js';
import { CmaEs } from './cma-es.js';
import { Pgpe, type PgpeOptions } from './pgpe.js';
import { Snes } from './snes.js';
import type { FlatStrategy } from './types.js';

export const FLAT_STRATEGIES = ['cma-es', 'sep-cma-es', 'snes', 'pgpe', 'ars'] as const;
export type FlatStrategyName = typeof FLAT_STRATEGIES[number];

/** Settings of PGPE and ARS beyond the population and seed (optimizer, learning rates, top directions). */
export type StrategySettings = Omit<PgpeOptions, 'popSize' | 'seed'> & Omit<ArsOptions, 'popSize' | 'seed'>;

export interface FlatStrategyOptions {
  /** λ (default: the strategy's own); PGPE and ARS take the next even number. */
  popSize?: number;
  seed?: number;
  /** Integer coordinates (CMA-ES and Sep-CMA-ES keep a margin on them). */
  integer?: readonly number[];
  settings?: StrategySettings;
}

export function createFlatStrategy(name: FlatStrategyName, x0: ArrayLike<number>, sigma0: number, o: FlatStrategyOptions = {}): FlatStrategy {
  const { popSize, seed, integer, settings } = o;
  const even = popSize === undefined ? undefined : popSize + (popSize % 2);
  switch (name) {
    case 'snes': return new Snes(x0, sigma0, { popSize, seed });
    case 'pgpe': return new Pgpe(x0, sigma0, { ...settings, popSize: even, seed });
    case 'ars': return new Ars(x0, sigma0, { ...settings, popSize: even, seed });
    case 'cma-es': case 'sep-cma-es': return new CmaEs(x0, sigma0, { popSize, seed, covariance: name === 'sep-cma-es' ? 'diagonal' : 'full', integer });
    default: throw new RangeError(`unknown flat strategy '${name as string}'; allowed: ${FLAT_STRATEGIES.join(', ')}`);
  }
}
