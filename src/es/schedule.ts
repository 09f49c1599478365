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
  const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));
  if (typeof s === 'number') {
    if (!positive(s)) throw new RangeError(`${name} must start at a finite value > 0, got ${s}`);
    return;
  }
  if (s === null || typeof s !== 'object') throw new RangeError(`${name} must be a number or a schedule { kind: 'constant' | 'exp' | 'linear', … }, got ${show(s)}`);
  // Name the field that is wrong, not the schedule's value at generation 0 ("got undefined").
  switch ((s as { kind?: unknown }).kind) {
    case 'constant': {
      const c = s as Extract<Schedule, { kind: 'constant' }>;
      if (!positive(c.value)) throw new RangeError(`${name}.value must be a finite number > 0, got ${show(c.value)}`);
      return;
    }
    case 'exp': {
      const e = s as Extract<Schedule, { kind: 'exp' }>;
      if (!positive(e.value)) throw new RangeError(`${name}.value must be a finite number > 0, got ${show(e.value)}`);
      if (!(typeof e.decay === 'number' && e.decay > 0 && e.decay <= 1)) throw new RangeError(`${name}.decay must be in (0, 1], got ${show(e.decay)}`);
      if (e.min !== undefined && !(typeof e.min === 'number' && e.min >= 0)) throw new RangeError(`${name}.min must be a number ≥ 0, got ${show(e.min)}`);
      return;
    }
    case 'linear': {
      const l = s as Extract<Schedule, { kind: 'linear' }>;
      if (!positive(l.from)) throw new RangeError(`${name}.from must be a finite number > 0, got ${show(l.from)}`);
      if (!(typeof l.to === 'number' && Number.isFinite(l.to) && l.to >= 0)) throw new RangeError(`${name}.to must be a finite number ≥ 0, got ${show(l.to)}`);
      if (!(typeof l.steps === 'number' && l.steps > 0)) throw new RangeError(`${name}.steps must be a number > 0, got ${show(l.steps)}`);
      return;
    }
    default:
      throw new RangeError(`${name}.kind must be 'constant', 'exp' or 'linear', got ${show((s as { kind?: unknown }).kind)}`);
  }
}
