/**
 * final.json / final.dnf describe the network that computes the learnt function (issue 10, item 9):
 * for the constant targets, in both polarities of the output, the stored β, W¹ and W² evaluated as a
 * network reproduce the target on all 2ⁿ inputs, and the reported clause count is the network's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRunArtifacts } from '../../src/boolean/artifacts.js';
import { activeClauses, evalNetAt, l1W1, l1W2, widthFor, type Dfcn } from '../../src/boolean/dfcn.js';
import { evalDnfAt, parseDnf, type Dnf } from '../../src/boolean/dnf.js';
import { ALGOS, makeTarget, makeTask, runOne, type RunConfig } from '../../src/boolean/experiments.js';
import type { LearnResult } from '../../src/boolean/learner.js';
import { oracleResult } from '../../src/boolean/oracle.js';
import { getBit } from '../../src/boolean/truth-table.js';
import { tempDir } from '../helpers/temp.js';

const n = 4;
const H = widthFor(n, 2);

interface FinalJson { dnf: string; beta: 1 | -1; dnf_length: number; clauses: number; H: number; n: number; w1: number[]; w2: number[] }

async function artifacts(r: LearnResult): Promise<{ json: FinalJson; dnfText: string; net: Dfcn }> {
  const dir = tempDir('bool-art-');
  await writeRunArtifacts(dir, r, 'test');
  const json = JSON.parse(readFileSync(join(dir, 'final.json'), 'utf8')) as FinalJson;
  const dnfText = readFileSync(join(dir, 'final.dnf'), 'utf8').trim();
  assert.ok(json.w1 && json.w2, 'final.json holds the network');
  const net: Dfcn = { n: json.n, H: json.H, beta: json.beta, w1: Int8Array.from(json.w1), w2: Uint8Array.from(json.w2) };
  return { json, dnfText, net };
}

/** The stored network, the stored formula and the stored counts all agree with each other. */
function assertConsistent(json: FinalJson, dnfText: string, net: Dfcn, what: string): void {
  const f = parseDnf(dnfText, n);
  for (let v = 0; v < 1 << n; v++) assert.equal(evalDnfAt(f, v), evalNetAt(net, v), `${what}: formula vs network at input ${v}`);
  assert.equal(json.dnf, dnfText, what);
  assert.equal(json.clauses, activeClauses(net), `${what}: clause count is the network's`);
}

test('final.json for constant targets: the stored network computes the constant, in both polarities, and its clause count is its own', async () => {
  const empty = { pos: 0, neg: 0 }; // the constant-true clause
  for (const c of [0, 1] as const) {
    const target = makeTarget(`const:${c}`, n, 5);
    const task = makeTask(target, 12, 5);
    for (const beta of [1, -1] as const) {
      // β[OR] = c: the OR is c for β = +1 and 1 − c for β = −1; an OR that is 1 is the empty clause.
      const or = beta === 1 ? c : 1 - c;
      const f: Dnf = { n, beta, clauses: or ? [empty] : [] };
      const what = `const:${c} written with β = ${beta}`;
      const r = oracleResult(f, H, task);
      assert.equal(r.train_acc, 1, what);
      assert.equal(r.test_acc, 1, what);
      const { json, dnfText, net } = await artifacts(r);
      for (let v = 0; v < 1 << n; v++) assert.equal(evalNetAt(net, v), c, `${what}: stored network at input ${v}`);
      assertConsistent(json, dnfText, net, what);
      assert.equal(json.clauses, 0, what);
      assert.equal(dnfText, String(c), what);
      // The reported counts are the network's: no clause, no weight (‖θ‖₁ = ‖W¹‖₁ + ‖W²‖₁ = 0).
      assert.equal(r.active_clauses, activeClauses(net), what);
      assert.equal(r.l1_theta, l1W1(net) + l1W2(net), what);
    }
  }
});

test('boolean train on const:0 / const:1 (the issue\'s reproduction, every learner): final.json\'s network is what was reported', async () => {
  const base: RunConfig = {
    n, target: 'const:1', m: 12, algo: 'oracle', lambda: 0, kappa: 1000, steps: 300, widthMult: 2, seed: 5, draw: 0,
    logEvery: 100, tieP: 0.5, pairs: 8, rank: 1, density: 0.05, alpha: 0.1, oracleBudget: 200000,
  };
  for (const c of [0, 1] as const) {
    for (const algo of ALGOS) {
      const r = runOne({ ...base, target: `const:${c}`, algo });
      const what = `${algo} on const:${c}`;
      const { json, dnfText, net } = await artifacts(r);
      assertConsistent(json, dnfText, net, what);
      assert.equal(r.active_clauses, activeClauses(net), what);
      const target = makeTarget(`const:${c}`, n, 5);
      let agree = 0;
      for (let v = 0; v < 1 << n; v++) if (evalNetAt(net, v) === getBit(target, v)) agree++;
      // Accuracy over all inputs as reported (train and test partition them) is what the stored network scores.
      assert.equal(agree, Math.round(r.train_acc * 12 + r.test_acc * 4), what);
      if (algo === 'oracle') assert.equal(agree, 1 << n, what);
    }
  }
});
