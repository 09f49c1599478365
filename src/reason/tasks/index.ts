/** The reasoning tasks by name. */
import { Addition, ADDITION_DEFAULTS } from './addition.js';
import { Countdown, COUNTDOWN_DEFAULTS } from './countdown.js';
import type { ReasonTask, TaskName } from './types.js';

export * from './types.js';
export { Countdown, COUNTDOWN_DEFAULTS } from './countdown.js';
export { Addition, ADDITION_DEFAULTS } from './addition.js';
export { evaluateExpr } from './expr.js';

export function makeTask(name: TaskName): ReasonTask {
  return name === 'countdown' ? new Countdown(COUNTDOWN_DEFAULTS) : new Addition(ADDITION_DEFAULTS);
}
