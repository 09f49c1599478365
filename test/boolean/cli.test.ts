import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
/** The CLI in-process (test/helpers/cli.ts); `status` as spawnSync names it. */
const cli = async (args: string[]) => { const r = await runCli(args); return { status: r.code, stdout: r.stdout, stderr: r.stderr }; };

test('bad input: one line on stderr naming what is wrong and what is allowed, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['boolean', 'train', '--n', '4', '--m', '8', '--target', 'table:0110011'], /--target: .*length 7 but --n is 4 \(need length 16 = 2\^4\)/],
    [['boolean', 'train', '--n', '20'], /--n: must be an integer in \[1, 14\]/],
    [['boolean', 'train', '--target', 'wave:3'], /--target: unknown target 'wave:3'; allowed: parity:k/],
    [['boolean', 'train', '--n', '4', '--m', '16'], /--m: m = 16 must be < 2\^n = 16 .*allowed: 1\.\.15/],
    [['boolean', 'prior', '--n', '6'], /--n: must be an integer in \[1, 5\]/],
    [['boolean', 'sweep', '--learners', 'sgd'], /--learners: unknown learner 'sgd'/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], re);
  }
});

test('boolean train --json: last stdout line is the summary; the run dir holds config, metrics, DNF and plots', async () => {
  const dir = join(tempDir('bool-'), 'run');
  const r = await cli(['boolean', 'train', '--n', '5', '--target', 'parity:2', '--m', '20', '--steps', '20000', '--seed', '2', '--out', dir, '--json', '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const s = JSON.parse(lines[lines.length - 1]);
  for (const k of ['target', 'n', 'm', 'algo', 'seed', 'train_acc', 'test_acc', 'l1_norm', 'dnf']) assert.ok(k in s, k);
  for (const f of ['config.json', 'metrics.jsonl', 'final.dnf', 'final.json', 'plots/w1.svg', 'plots/w1.png', 'plots/dynamics.svg']) assert.ok(existsSync(join(dir, f)), f);
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(metrics[metrics.length - 1].train_acc, s.train_acc);
  assert.equal(readFileSync(join(dir, 'final.dnf'), 'utf8').trim(), s.dnf);
  const help = await cli(['boolean', 'train', '--help']);
  assert.match(help.stdout, /Example: eggroll boolean train/);
});

test('boolean prior-scaling (was scripts/boolean-prior-scaling.ts): one table across the runs\' n, ln P / M from each run\'s classes', async () => {
  const root = tempDir('bool-scaling-');
  const runs = [3, 2].map((n) => join(root, `prior-n${n}`));
  for (const [i, n] of [3, 2].entries()) {
    const r = await cli(['boolean', 'prior', '--n', String(n), '--samples', '20000', '--seed', '1', '--out', runs[i], '--quiet', '--json']);
    assert.equal(r.status, 0, r.stderr);
  }
  const r = await cli(['boolean', 'prior-scaling', ...runs, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { runs: { n: number; H: number; classes: { cls: string; measured: number }[] }[]; table: string };
  assert.deepEqual(out.runs.map((x) => x.n), [2, 3], 'sorted by n');
  const rows = out.table.trim().split('\n');
  assert.match(rows[0], /^\| class \| n=2 \(M=2, 2e\+4 draws\) \| n=3 \(M=4, 2e\+4 draws\) \|$/);
  assert.equal(rows.length, 2 + 5 * 3, 'three rows per class');
  const c0 = out.runs.map((x) => x.classes.find((c) => c.cls === 'constant 0')!);
  const lnRow = rows.find((l) => l.startsWith('| constant 0: ln P / M'))!;
  assert.equal(lnRow, `| constant 0: ln P / M | ${c0.map((c, i) => (Math.log(c.measured) / out.runs[i].H).toFixed(3)).join(' | ')} |`);
  const bad = await cli(['boolean', 'prior-scaling', join(root, 'no-such-run')]);
  assert.equal(bad.status, 2, bad.stderr);
});
