/**
 * Gymnasium's parsing of reset `options` (gymnasium/envs/classic_control/utils.py), shared by the
 * classic-control environments: `maybe_parse_reset_bounds` (a scalar `low`/`high` pair applied to every
 * reset variable) and `verify_number_and_cast`. Unlike Gymnasium, unknown keys are refused rather than
 * ignored, so a misspelt option cannot silently change nothing.
 */
import type { ResetBounds, ResetOptions } from './types.js';

/** The option as a finite number, or a RangeError naming it (Gymnasium's verify_number_and_cast). */
export function optionNumber(options: ResetOptions, key: string, fallback: number, env: string): number {
  if (!Object.prototype.hasOwnProperty.call(options, key) || options[key] === undefined) return fallback;
  const v = options[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${env}: reset option '${key}' must be a finite number, got ${String(v)}`);
  return v;
}

/** Refuses keys outside `allowed`, naming the allowed ones. */
export function checkOptionKeys(options: ResetOptions, allowed: readonly string[], env: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new RangeError(`${env}: unknown reset option '${key}'; allowed: ${allowed.join(', ')}`);
  }
}

/**
 * `maybe_parse_reset_bounds(options, low, high)`: options.low / options.high (scalars) override the
 * defaults for all `count` reset variables; low > high is an error.
 */
export function parseLowHigh(options: ResetOptions, defaultLow: number, defaultHigh: number, count: number, env: string): ResetBounds {
  checkOptionKeys(options, ['low', 'high'], env);
  const low = optionNumber(options, 'low', defaultLow, env);
  const high = optionNumber(options, 'high', defaultHigh, env);
  if (low > high) throw new RangeError(`${env}: reset option low (${low}) must not exceed high (${high})`);
  return { low: new Array<number>(count).fill(low), high: new Array<number>(count).fill(high) };
}
