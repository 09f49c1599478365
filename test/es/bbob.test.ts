/**
 * The BBOB functions (es/flat/bbob.ts), the ERT measurement (bbob-run.ts), the record logger (io/record-log.ts),
 * and the two commands built on them: `eggroll optimize` and `eggroll bench bbob`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BBOB_FUNCTIONS, bbobProblem, tosz } from '../../src/es/flat/bbob.js';
import { bbobCell, bbobStart } from '../../src/es/flat/bbob-run.js';
import { recordLogger } from '../../src/io/record-log.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

test('every function is 0 at its x_opt and positive around it, in d = 2, 5 and 20; instances differ; the same instance is the same function', () => {
  for (const id of BBOB_FUNCTIONS) {
    for (const d of [2, 5, 20]) {
      const p = bbobProblem(id, d, 3);
      assert.ok(Math.abs(p.f(p.xOpt)) < 1e-12, `f${id} d=${d}: f(x_opt) = ${p.f(p.xOpt)}`);
      for (const dx of [0.05, -0.2]) {
        const x = Float64Array.from(p.xOpt, (v, i) => v + (i % 2 ? dx : -dx));
        assert.ok(p.f(x) > 1e-10, `f${id} d=${d}: f(x_opt + ${dx}) = ${p.f(x)}`);
      }
      for (const v of p.xOpt) assert.ok(Math.abs(v) <= 5, `f${id}: x_opt in the domain`);
    }
    const a = bbobProblem(id, 5, 1), b = bbobProblem(id, 5, 2), a2 = bbobProblem(id, 5, 1);
    const x = Float64Array.from({ length: 5 }, (_, i) => i - 2);
    assert.equal(a.f(x), a2.f(x));
    assert.notEqual(a.f(x), b.f(x), `f${id}: instances 1 and 2 are the same function`);
  }
});

test('definitions: T_osz fixes 0 and ±1 and keeps signs; f1 is ‖x − x_opt‖²; f2\'s conditioning is 10⁶; f20\'s optimum is Schwefel\'s 420.9687 per coordinate', () => {
  assert.equal(tosz(0), 0);
  assert.ok(Math.abs(tosz(1) - 1) < 1e-15 && Math.abs(tosz(-1) + 1) < 1e-15);
  assert.ok(tosz(3) > 0 && tosz(-3) < 0);
  const p1 = bbobProblem(1, 4, 1);
  const x = Float64Array.from(p1.xOpt, (v, i) => v + i);
  assert.ok(Math.abs(p1.f(x) - (0 + 1 + 4 + 9)) < 1e-12);
  // f2 along the first and the last axis: the same step costs 10⁶ times more on the last (T_osz(0.5) both times).
  const p2 = bbobProblem(2, 6, 1);
  const along = (i: number) => p2.f(Float64Array.from(p2.xOpt, (v, j) => (j === i ? v + 0.5 : v)));
  assert.ok(Math.abs(along(5) / along(0) - 1e6) < 1e-3);
  const p20 = bbobProblem(20, 3, 1);
  for (const v of p20.xOpt) assert.ok(Math.abs(Math.abs(v) - 4.2096874633 / 2) < 1e-12);
});

test('x0 of an instance is in [−4, 4]^d and fixed by its seed', () => {
  const a = bbobStart(7, 10);
  assert.deepEqual(a, bbobStart(7, 10));
  assert.ok(a.every((v) => v >= -4 && v < 4));
  assert.notDeepEqual(a, bbobStart(8, 10));
});

test('ERT is the evaluations of all runs over the successes (∞ with none); CMA-ES solves f1 and f8 in d = 2 on 3 instances', async () => {
  const r = await bbobCell({ fn: 8, d: 2, algo: 'cma-es', seeds: 3 });
  assert.equal(r.successes, 3);
  assert.equal(r.ert, r.runs.reduce((s, x) => s + x.evals, 0) / 3);
  assert.ok(r.runs.every((x) => x.f <= 1e-8 && x.evals < 2e4));
  const fail = await bbobCell({ fn: 15, d: 5, algo: 'ars', seeds: 2, budget: 2000 });
  assert.equal(fail.successes, 0);
  assert.equal(fail.ert, Infinity);
  assert.ok(fail.runs.every((x) => x.evals >= 2000 && x.evals < 2000 + 64));
});

test('recordLogger: CSV with a header from the first record and quoting; JSON Lines otherwise', () => {
  const dir = tempDir('eggroll-reclog-');
  const csv = recordLogger(join(dir, 'sub', 'g.csv'));
  csv({ a: 1, b: 'x,"y"', c: 2.5 });
  csv({ a: 2, b: 'z', extra: 9 });
  assert.equal(readFileSync(join(dir, 'sub', 'g.csv'), 'utf8'), 'a,b,c\n1,"x,""y""",2.5\n2,z,\n');
  const jl = recordLogger(join(dir, 'g.log'));
  jl({ a: 1 });
  jl({ a: 2, b: [1, 2] });
  assert.deepEqual(readFileSync(join(dir, 'g.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)), [{ a: 1 }, { a: 2, b: [1, 2] }]);
});

test('eggroll optimize: Rosenbrock d = 5 to 1e-8 with a CSV log of its generations; a bad function name is one line, exit 2', async () => {
  const dir = tempDir('eggroll-optimize-');
  const r = await runCli(['optimize', '--function', 'rosenbrock', '--dim', '5', '--log', join(dir, 'g.csv'), '--json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(s.function, 'f8');
  assert.equal(s.solved, true);
  assert.ok(s.f <= 1e-8 && s.distance_to_optimum < 1e-3);
  const lines = readFileSync(join(dir, 'g.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'generation,evals,restart,popSize,best,mean,std,sigma,nonFinite,seconds');
  assert.equal(lines.length - 1, s.generations);
  const bad = await runCli(['optimize', '--function', 'f3']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--function: 'f3' is not one of f1 sphere/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});

test('eggroll bench bbob: a table per dimension and JSON records with ERT and success rates; a bad strategy is one line, exit 2', async () => {
  const dir = tempDir('eggroll-bbob-');
  const r = await runCli(['bench', 'bbob', '--functions', 'f1,sphere', '--dims', '2', '--algos', 'cma-es,snes', '--seeds', '2', '--out', join(dir, 'b.json'), '--json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(s.records.length, 4);
  for (const rec of s.records) {
    assert.equal(rec.successes, 2);
    assert.ok(rec.ert > 0 && rec.ert < 2e4);
  }
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')).records, s.records);
  assert.match(r.stderr, /d = 2: ERT/);
  const bad = await runCli(['bench', 'bbob', '--algos', 'cma-es,bogus']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--algos: 'bogus' is not one of cma-es, sep-cma-es, snes, pgpe, ars/);
});
