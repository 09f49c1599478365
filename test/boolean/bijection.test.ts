import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dnfKey, evalDnf, evalDnfAt, formatDnf, parseDnf, randomDnf } from '../../src/boolean/dnf.js';
import { canonicalNet, evalNet, evalNetAt, fromDnf, netKey, randomNet, toDnf, activeLiterals, l1W1 } from '../../src/boolean/dfcn.js';
import { seqRng } from '../../src/boolean/rng.js';
import { getBit } from '../../src/boolean/truth-table.js';

test('network → DNF: the bit-parallel evaluation, the ReLU arithmetic and the DNF agree on every input (3000 random networks)', () => {
  const rng = seqRng(1, 100);
  for (let t = 0; t < 3000; t++) {
    const n = 1 + (t % 8);
    const H = 1 + rng.below(2 ** n);
    const net = randomNet(n, H, rng, t % 2 ? 'uniform' : 'prior');
    if (t % 5 === 0) for (let i = 0; i < H; i += 3) net.w1.fill(0, i * n, (i + 1) * n); // plenty of masked zero rows
    const fast = evalNet(net);
    const dnf = toDnf(net);
    const viaDnf = evalDnf(dnf);
    for (let v = 0; v < 2 ** n; v++) {
      const ref = evalNetAt(net, v);
      assert.equal(getBit(fast, v), ref, `net ${t} input ${v}`);
      assert.equal(getBit(viaDnf, v), ref);
      assert.equal(evalDnfAt(dnf, v), ref);
    }
    // ‖W¹‖₁ of active rows is the DNF length (eq. 10).
    assert.equal(activeLiterals(net), dnf.clauses.reduce((a, c) => a + popcount(c.pos) + popcount(c.neg), 0));
    // Round trip net → DNF → net is the canonical network up to row order.
    assert.equal(netKey(fromDnf(dnf, H)), netKey(canonicalNet(net)));
  }
});

test('DNF → network → DNF is the identity up to clause order, and evaluations agree (3000 random formulas)', () => {
  const rng = seqRng(2, 100);
  for (let t = 0; t < 3000; t++) {
    const n = 1 + (t % 9);
    const k = rng.below(2 ** (n - 1) + 1);
    const dnf = randomDnf(n, k, rng);
    const H = k + rng.below(4);
    const net = fromDnf(dnf, H);
    assert.equal(dnfKey(toDnf(net)), dnfKey(dnf));
    assert.equal(l1W1(net), activeLiterals(net));
    const a = evalDnf(dnf), b = evalNet(net);
    assert.deepEqual(Array.from(a.words), Array.from(b.words));
    for (let v = 0; v < 2 ** n; v += 1 + (v % 3)) assert.equal(getBit(a, v), evalNetAt(net, v));
  }
});

test('an empty clause (constant true) maps to the empty DNF with the opposite β', () => {
  const d = { n: 3, beta: 1 as const, clauses: [{ pos: 1, neg: 0 }, { pos: 0, neg: 0 }] };
  const net = fromDnf(d, 4);
  assert.equal(toBitString(evalNet(net)), '11111111');
  assert.equal(formatDnf(toDnf(net)), '1');
});

test('parse and format round-trip; bad formulas name the problem', () => {
  const rng = seqRng(4, 100);
  for (let t = 0; t < 500; t++) {
    const n = 1 + (t % 8);
    const d = randomDnf(n, rng.below(6), rng);
    const s = formatDnf(d);
    assert.equal(dnfKey(parseDnf(s, n)), dnfKey(d.clauses.length ? d : { ...d, beta: d.beta }), s);
  }
  assert.equal(formatDnf(parseDnf('x1 & ~x3 | x2', 3)), 'x1 & !x3 | x2');
  assert.equal(toBitString(evalDnf(parseDnf('!(x1 | x2)', 2))), '1000');
  assert.throws(() => parseDnf('x1 & x4', 3), /x4 out of range: variables are x1..x3/);
  assert.throws(() => parseDnf('x1 & y2', 3), /cannot parse literal 'y2'/);
  assert.throws(() => parseDnf('x1 & !x1', 3), /appears twice/);
  assert.throws(() => fromDnf(randomDnf(3, 5, rng), 4), /only H = 4 rows/);
});

function popcount(x: number): number { let c = 0; while (x) { c += x & 1; x >>>= 1; } return c; }
import { toBitString } from '../../src/boolean/truth-table.js';
