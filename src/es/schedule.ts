/** Learning-rate and σ schedules: pure functions of the generation number. */
import { pow } from '../math/index.js';
export type Schedule =
  | { kind: 'constant'; value: number }
  | { kind: 'exp'; value: number; decay: number; min?: number }
  | { kind: 'linear'; from: number; to: number; steps: number };

/** `value` multiplied by `decay` every generation, or the plain number when `decay` is 1 (no decay). */
export function decaying(value: number, decay: number): Schedule | number {
  return decay < 1 ? { kind: 'exp', value, decay } : value;
}

export function scheduleValue(s: Schedule | number, t: number): number {
  if (typeof s === 'number') return s;
  switch (s.kind) {
    case 'constant': return s.value;
    case 'exp': return Math.max(s.min ?? 0, s.value * pow(s.decay, t));
    case 'linear': return t >= s.steps ? s.to : s.from + ((s.to - s.from) * t) / s.steps;
  }
}

export function validateSchedule(name: string, s: Schedule | number): void {
  const v0 = scheduleValue(s, 0);
  if (!(Number.isFinite(v0) && v0 > 0)) throw new RangeError(`${name} must start at a finite value > 0, got ${v0}`);
  if (typeof s === 'object' && s.kind === 'exp' && !(s.decay > 0 && s.decay <= 1)) throw new RangeError(`${name}.decay must be in (0, 1], got ${s.decay}`);
  if (typeof s === 'object' && s.kind === 'linear' && !(s.steps > 0 && s.to >= 0)) throw new RangeError(`${name}: linear schedule needs steps > 0 and to ≥ 0`);
}
