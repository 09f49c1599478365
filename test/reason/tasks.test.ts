import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Countdown, Addition, evaluateExpr, rewardOf, splitOf, type Problem } from '../../src/reason/tasks/index.js';
import { encode, decode, VOCAB } from '../../src/reason/vocab.js';

const cd = new Countdown();
const P: Problem = { prompt: '3 5 7>22=', numbers: [3, 5, 7], target: 22 };
const v = (completion: string, p = P) => cd.verify(p, completion);

test('expr: precedence, parentheses, spaces, exact division', () => {
  assert.deepEqual(evaluateExpr('3*5+7'), { ok: true, value: 22, numbers: [3, 5, 7] });
  assert.deepEqual(evaluateExpr(' ( 3 + 5 ) * 7 '), { ok: true, value: 56, numbers: [3, 5, 7] });
  assert.equal((evaluateExpr('12/4/3') as { value: number }).value, 1); // left-associative
  assert.equal((evaluateExpr('10-3-2') as { value: number }).value, 5);
  assert.equal((evaluateExpr('2-5') as { value: number }).value, -3); // negative intermediate values are fine
  const r = evaluateExpr('7/2');
  assert.ok(!r.ok && !r.syntax && /not an integer/.test(r.reason));
  const z = evaluateExpr('3/(5-5)');
  assert.ok(!z.ok && !z.syntax && /division by zero/.test(z.reason));
});

test('expr: malformed text is a syntax error', () => {
  for (const s of ['', '   ', '3+', '+3', '-3+5', '(3+5', '3+5)', '3 5', '3**5', '03+5', '3+a', '()', '3(5)', '3=5']) {
    const r = evaluateExpr(s);
    assert.ok(!r.ok && r.syntax, `${JSON.stringify(s)} should be malformed, got ${JSON.stringify(r)}`);
  }
});

test('countdown verifier: valid answers, in any order, with a subset of the numbers', () => {
  assert.deepEqual(v('3*5+7\n'), { formatOk: true, correct: true, reason: '' });
  assert.equal(v('7+5*3\n').correct, true);
  assert.equal(v(' 7 + 3 * 5 \n').correct, true); // whitespace around tokens
  assert.equal(v('7+5*3\ngarbage after the line').correct, true); // only the first line is the answer
  assert.equal(cd.verify({ prompt: '4 6 9>24=', numbers: [4, 6, 9], target: 24 }, '4*6\n').correct, true); // 9 unused
  assert.equal(cd.verify({ prompt: '8 2 3>12=', numbers: [8, 2, 3], target: 12 }, '8/2*3\n').correct, true); // exact division
});

test('countdown verifier: invalid answers and why', () => {
  const bad: [string, RegExp, boolean][] = [
    ['3*5+5\n', /5 used more often/, true], // reuse of a number
    ['3*5+8\n', /8 is not one of the numbers/, true], // a number not given
    ['3*5+7+3\n', /3 used more often/, true], // an extra number
    ['3*5\n', /value 15, target 22/, true], // wrong value
    ['7/3*5+3\n', /not an integer/, true], // non-integer division
    ['7/(5-5)+3\n', /division by zero/, true],
    ['3*5+7', /no newline/, false], // not terminated
    ['3*5+\n', /malformed/, false],
    ['\n', /malformed/, false],
    ['35+7\n', /35 is not one of the numbers/, true], // concatenating digits is not allowed
    ['3 5+7\n', /malformed/, false],
  ];
  for (const [c, why, formatOk] of bad) {
    const r = v(c);
    assert.equal(r.correct, false, JSON.stringify(c));
    assert.equal(r.formatOk, formatOk, `${JSON.stringify(c)}: ${r.reason}`);
    assert.match(r.reason, why, JSON.stringify(c));
  }
});

test('countdown verifier: a number given twice may be used twice, not three times', () => {
  const p: Problem = { prompt: '5 5 2>12=', numbers: [5, 5, 2], target: 12 };
  assert.equal(cd.verify(p, '5+5+2\n').correct, true);
  assert.match(cd.verify(p, '5+5+5-3\n').reason, /5 used more often|3 is not/);
});

test('rewards: 1 correct, the format reward for a well-formed wrong answer, 0 otherwise', () => {
  assert.equal(rewardOf(v('3*5+7\n'), 0.1), 1);
  assert.equal(rewardOf(v('3*5\n'), 0.1), 0.1);
  assert.equal(rewardOf(v('3*5+\n'), 0.1), 0);
  assert.equal(rewardOf(v('3*5\n'), 0), 0);
});

test('countdown problems: seeded, solvable, in their split, disjoint splits', () => {
  const a = cd.problem(1, 'train', 5), b = cd.problem(1, 'train', 5);
  assert.deepEqual(a, b);
  const train = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const p = cd.problem(1, 'train', i);
    assert.ok(p.numbers.length >= 3 && p.numbers.length <= 4);
    assert.ok(p.target >= 1 && p.target <= 60);
    assert.equal(splitOf(p.prompt), 'train');
    assert.doesNotThrow(() => encode(p.prompt));
    train.add(p.prompt);
  }
  assert.ok(train.size > 250, 'problems vary');
  for (let i = 0; i < 100; i++) assert.ok(!train.has(cd.problem(1, 'heldout', i).prompt));
});

test('countdown pretraining lines: well formed, right about as often as asked', () => {
  let right = 0;
  const n = 400;
  for (let i = 0; i < n; i++) {
    const line = cd.pretrainLine(3, i, 0.3);
    const eq = line.indexOf('=');
    const [nums, target] = line.slice(0, eq).split('>');
    const p: Problem = { prompt: line.slice(0, eq + 1), numbers: nums.split(' ').map(Number), target: Number(target) };
    const r = cd.verify(p, line.slice(eq + 1));
    assert.ok(r.formatOk, `${line}: ${r.reason}`);
    assert.match(r.reason, /^$|^value/, line); // only ever wrong by its value
    if (r.correct) right++;
  }
  assert.ok(right / n > 0.22 && right / n < 0.38, `solved fraction ${right / n}`);
});

test('addition: verifier and problems', () => {
  const add = new Addition();
  const p: Problem = { prompt: '123+45=', numbers: [123, 45], target: 168 };
  assert.equal(add.verify(p, '168\n').correct, true);
  assert.equal(add.verify(p, ' 168 \n').correct, true);
  assert.deepEqual(add.verify(p, '169\n'), { formatOk: true, correct: false, reason: 'answer 169, expected 168' });
  for (const c of ['0168\n', '16 8\n', '+168\n', '\n', '1+67\n']) assert.equal(add.verify(p, c).formatOk, false, c);
  assert.equal(add.verify(p, '168').formatOk, false);
  assert.equal(add.verify({ prompt: '0+0=', numbers: [0, 0], target: 0 }, '0\n').correct, true);
  const q = add.problem(7, 'heldout', 3);
  assert.deepEqual(q, add.problem(7, 'heldout', 3));
  assert.equal(q.target, q.numbers[0] + q.numbers[1]);
  assert.equal(q.prompt, `${q.numbers[0]}+${q.numbers[1]}=`);
  let right = 0;
  for (let i = 0; i < 300; i++) {
    const line = add.pretrainLine(1, i, 0.5);
    const [lhs, rhs] = line.split('=');
    const [a, b] = lhs.split('+').map(Number);
    const r = add.verify({ prompt: lhs + '=', numbers: [a, b], target: a + b }, rhs);
    assert.ok(r.formatOk, line);
    if (r.correct) right++;
  }
  assert.ok(right > 110 && right < 190, `solved ${right}/300`);
});

test('vocabulary round trip; unknown characters are refused', () => {
  assert.equal(decode(encode('3 5 7>22=3*5+7\n')), '3 5 7>22=3*5+7\n');
  assert.equal(VOCAB.length, 20);
  assert.throws(() => encode('x'), /not in the vocabulary/);
});
