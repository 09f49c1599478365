/**
 * Countdown: given 3–4 numbers and a target, write an arithmetic expression that uses each given number
 * at most once (a number listed twice may be used twice), + − × ÷ and parentheses, integer arithmetic
 * only, whose value is the target. Prompt "3 5 7>22=", a correct completion "3*5+7\n".
 * Every problem is built from a random expression over the numbers, so each one has a solution.
 */
import { idStream } from '../random.js';
import type { PhiloxStream } from '../../rng/stream.js';
import { evaluateExpr } from './expr.js';
import { SPLIT_STREAM, answerLine, splitOf, type Problem, type ReasonTask, type Split, type Verdict } from './types.js';

export interface CountdownOptions {
  minNumbers: number;
  maxNumbers: number;
  /** Given numbers are in [1, maxNumber]. */
  maxNumber: number;
  /** Targets are in [1, maxTarget]. */
  maxTarget: number;
}

export const COUNTDOWN_DEFAULTS: CountdownOptions = { minNumbers: 3, maxNumbers: 4, maxNumber: 12, maxTarget: 60 };

interface Node { value: number; text: string; prec: number }

const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

/** `a op b` with the fewest parentheses that keep the meaning (left-associative, × ÷ over + −). */
function combine(a: Node, op: string, b: Node): Node | undefined {
  let value: number;
  if (op === '+') value = a.value + b.value;
  else if (op === '-') value = a.value - b.value;
  else if (op === '*') value = a.value * b.value;
  else {
    if (b.value === 0 || a.value % b.value !== 0) return undefined;
    value = a.value / b.value;
  }
  // Keep intermediate values positive and small: the answers a person (or a small model) would write.
  if (value <= 0 || value > 1000) return undefined;
  const p = PREC[op];
  const left = a.prec < p ? `(${a.text})` : a.text;
  const right = b.prec < p || (b.prec === p && (op === '-' || op === '/')) ? `(${b.text})` : b.text;
  return { value, text: `${left}${op}${right}`, prec: p };
}

/** A random expression over a random subset (≥ 2) of `numbers`, or undefined when a draw fails its checks. */
function randomExpression(rng: PhiloxStream, numbers: number[]): Node | undefined {
  const order = [...numbers];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  // Usually every number, sometimes fewer (the rules say "at most once").
  const k = rng.uniform32() < 0.7 ? order.length : rng.int(2, order.length);
  const items: Node[] = order.slice(0, k).map((v) => ({ value: v, text: String(v), prec: 3 }));
  while (items.length > 1) {
    const i = rng.int(0, items.length - 1);
    const a = items.splice(i, 1)[0];
    const j = rng.int(0, items.length - 1);
    const b = items.splice(j, 1)[0];
    const c = combine(a, '+-*/'[rng.int(0, 3)], b);
    if (!c) return undefined;
    items.push(c);
  }
  return items[0];
}

export class Countdown implements ReasonTask {
  readonly name = 'countdown' as const;
  readonly maxNewTokens: number;

  constructor(readonly options: CountdownOptions = COUNTDOWN_DEFAULTS) {
    const o = options;
    if (!(o.minNumbers >= 2 && o.maxNumbers >= o.minNumbers && o.maxNumbers <= 6)) throw new RangeError(`countdown: numbers per problem must satisfy 2 ≤ min ≤ max ≤ 6, got ${o.minNumbers}..${o.maxNumbers}`);
    if (!(o.maxNumber >= 2 && o.maxTarget >= 2)) throw new RangeError('countdown: maxNumber and maxTarget must be ≥ 2');
    // Digits, one operator between numbers, a few parentheses, the newline.
    const digits = String(o.maxNumber).length * o.maxNumbers;
    this.maxNewTokens = digits + (o.maxNumbers - 1) + 2 * (o.maxNumbers - 1) + 1;
  }

  /** Numbers and a solution expression; a pure function of the stream. */
  private draw(rng: PhiloxStream): { numbers: number[]; solution: Node } {
    const o = this.options;
    for (;;) {
      const n = rng.int(o.minNumbers, o.maxNumbers);
      const numbers = Array.from({ length: n }, () => rng.int(1, o.maxNumber));
      const e = randomExpression(rng, numbers);
      if (e && e.value >= 1 && e.value <= o.maxTarget) return { numbers, solution: e };
    }
  }

  static prompt(numbers: number[], target: number): string {
    return `${numbers.join(' ')}>${target}=`;
  }

  problem(seed: number, split: Split, index: number): Problem {
    for (let attempt = 0; ; attempt++) {
      const { numbers, solution } = this.draw(idStream(seed, SPLIT_STREAM[split], index, attempt));
      const prompt = Countdown.prompt(numbers, solution.value);
      if (splitOf(prompt) === split) return { prompt, numbers, target: solution.value };
    }
  }

  verify(problem: Problem, completion: string): Verdict {
    const { text, terminated } = answerLine(completion);
    const r = evaluateExpr(text);
    if (!r.ok && r.syntax) return { formatOk: false, correct: false, reason: `malformed: ${r.reason}` };
    if (!terminated) return { formatOk: false, correct: false, reason: 'no newline ends the answer' };
    if (!r.ok) return { formatOk: true, correct: false, reason: r.reason };
    const left = new Map<number, number>();
    for (const v of problem.numbers) left.set(v, (left.get(v) ?? 0) + 1);
    for (const v of r.numbers) {
      const k = left.get(v) ?? 0;
      if (k === 0) return { formatOk: true, correct: false, reason: problem.numbers.includes(v) ? `${v} used more often than given` : `${v} is not one of the numbers` };
      left.set(v, k - 1);
    }
    if (r.value !== problem.target) return { formatOk: true, correct: false, reason: `value ${r.value}, target ${problem.target}` };
    return { formatOk: true, correct: true, reason: '' };
  }

  pretrainLine(seed: number, index: number, solvedFraction: number): string {
    const rng = idStream(seed, 0x9e7, index);
    const { numbers, solution } = this.draw(rng);
    let target = solution.value;
    if (rng.uniform32() >= solvedFraction) {
      // Another expression over the same numbers: well formed, uses the numbers, misses the prompt's target.
      for (let k = 0; k < 50 && target === solution.value; k++) {
        const other = randomExpression(rng, numbers);
        if (other && other.value <= this.options.maxTarget) target = other.value;
      }
      if (target === solution.value) target = solution.value === this.options.maxTarget ? 1 : solution.value + 1;
    }
    return `${Countdown.prompt(numbers, target)}${solution.text}\n`;
  }
}
