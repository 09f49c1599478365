/**
 * Multi-digit addition, the easier second task: prompt "123+45=", a correct completion "168\n". The
 * answer must be a plain decimal (no leading zeros, no sign) followed by a newline.
 */
import { idStream } from '../random.js';
import type { PhiloxStream } from '../../rng/stream.js';
import { SPLIT_STREAM, answerLine, splitOf, type Problem, type ReasonTask, type Split, type Verdict } from './types.js';

export interface AdditionOptions {
  /** Operands have 1..maxDigits digits. */
  maxDigits: number;
}

export const ADDITION_DEFAULTS: AdditionOptions = { maxDigits: 3 };

export class Addition implements ReasonTask {
  readonly name = 'addition' as const;
  readonly maxNewTokens: number;

  constructor(readonly options: AdditionOptions = ADDITION_DEFAULTS) {
    if (!Number.isInteger(options.maxDigits) || options.maxDigits < 1 || options.maxDigits > 12) throw new RangeError(`addition: maxDigits must be an integer in [1, 12], got ${options.maxDigits}`);
    this.maxNewTokens = options.maxDigits + 2;
  }

  private operand(rng: PhiloxStream): number {
    const d = rng.int(1, this.options.maxDigits);
    return d === 1 ? rng.int(0, 9) : rng.int(10 ** (d - 1), 10 ** d - 1);
  }

  problem(seed: number, split: Split, index: number): Problem {
    for (let attempt = 0; ; attempt++) {
      const rng = idStream(seed, SPLIT_STREAM[split], index, attempt);
      const a = this.operand(rng), b = this.operand(rng);
      const prompt = `${a}+${b}=`;
      if (splitOf(prompt) === split) return { prompt, numbers: [a, b], target: a + b };
    }
  }

  verify(problem: Problem, completion: string): Verdict {
    const { text, terminated } = answerLine(completion);
    const t = text.trim();
    if (!/^(0|[1-9][0-9]*)$/.test(t)) return { formatOk: false, correct: false, reason: `malformed: ${JSON.stringify(text)} is not a plain decimal number` };
    if (!terminated) return { formatOk: false, correct: false, reason: 'no newline ends the answer' };
    const v = Number(t);
    return v === problem.target ? { formatOk: true, correct: true, reason: '' } : { formatOk: true, correct: false, reason: `answer ${v}, expected ${problem.target}` };
  }

  pretrainLine(seed: number, index: number, solvedFraction: number): string {
    const rng = idStream(seed, 0xadd, index);
    const a = this.operand(rng), b = this.operand(rng);
    let c = a + b;
    if (rng.uniform32() >= solvedFraction) {
      // A near miss: one digit changed (never to a leading zero), as a careless adder would write.
      const s = String(c).split('');
      const pos = rng.int(0, s.length - 1);
      let d = rng.int(0, 8);
      if (d >= Number(s[pos])) d++;
      if (pos === 0 && d === 0 && s.length > 1) d = Number(s[pos]) === 1 ? 2 : 1;
      s[pos] = String(d);
      c = Number(s.join(''));
    }
    return `${a}+${b}=${c}\n`;
  }
}
