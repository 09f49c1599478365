/**
 * The exact parser and evaluator of Countdown answers: integers, + − × ÷ and parentheses, spaces
 * ignored, no unary minus, no leading zeros. Every intermediate value must be an integer (division must
 * be exact; division by zero is invalid) and stay a safe integer. Recursive descent over the usual
 * grammar:  expr := term (('+'|'-') term)* ; term := factor (('*'|'/') factor)* ; factor := INT | '(' expr ')'.
 */

export type ExprResult =
  | { ok: true; value: number; numbers: number[] }
  | { ok: false; syntax: boolean; reason: string };

class Invalid extends Error {
  constructor(readonly syntax: boolean, message: string) {
    super(message);
  }
}

/** Parses and evaluates `text`; `numbers` lists the integer literals in order of appearance. */
export function evaluateExpr(text: string): ExprResult {
  // Tokens first, so that a space separates numbers ("3 5" is two numbers, a syntax error, never 35).
  const s = text.match(/[0-9]+|[^ ]/g) ?? [];
  let i = 0;
  const numbers: number[] = [];
  const peek = (): string | undefined => s[i];
  const factor = (): number => {
    const c = peek();
    if (c === '(') {
      i++;
      const v = expr();
      if (peek() !== ')') throw new Invalid(true, `expected ')' at token ${i}`);
      i++;
      return v;
    }
    if (c === undefined || !/^[0-9]+$/.test(c)) throw new Invalid(true, c === undefined ? 'expression ends early' : `unexpected ${JSON.stringify(c)} at token ${i}`);
    const lit = s[i++];
    if (lit.length > 1 && lit[0] === '0') throw new Invalid(true, `number with a leading zero: ${lit}`);
    if (lit.length > 15) throw new Invalid(true, `number too long: ${lit}`);
    const v = Number(lit);
    numbers.push(v);
    return v;
  };
  const term = (): number => {
    let v = factor();
    while (peek() === '*' || peek() === '/') {
      const op = s[i++];
      const r = factor();
      if (op === '*') v *= r;
      else {
        if (r === 0) throw new Invalid(false, 'division by zero');
        if (v % r !== 0) throw new Invalid(false, `${v}/${r} is not an integer`);
        v /= r;
      }
      if (!Number.isSafeInteger(v)) throw new Invalid(false, 'value out of the safe integer range');
    }
    return v;
  };
  const expr = (): number => {
    let v = term();
    while (peek() === '+' || peek() === '-') {
      const op = s[i++];
      const r = term();
      v = op === '+' ? v + r : v - r;
      if (!Number.isSafeInteger(v)) throw new Invalid(false, 'value out of the safe integer range');
    }
    return v;
  };
  try {
    if (s.length === 0) throw new Invalid(true, 'empty expression');
    const value = expr();
    if (i !== s.length) throw new Invalid(true, `unexpected ${JSON.stringify(s[i])} at token ${i}`);
    // −0 (e.g. 0 * −…) cannot occur without unary minus, but normalise anyway.
    return { ok: true, value: value === 0 ? 0 : value, numbers };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, syntax: e.syntax, reason: e.message };
    throw e;
  }
}
