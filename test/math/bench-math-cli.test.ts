/**
 * `eggroll bench math` end to end on a tiny pass: the last stdout line is one JSON object with a record per
 * function (ours and the engine's ns per call, their ratio); a bad flag exits 2. Timings are not asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

test('bench math --json: one summary object, a record per case', async () => {
  const r = await runCli(['bench', 'math', '--n', '1000', '--min-seconds', '0.01', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { bench: string; records: { case: string; ours_ns: number; math_ns: number; ratio: number }[] };
  assert.equal(summary.bench, 'math');
  assert.equal(summary.records.length, 13);
  for (const rec of summary.records) assert.ok(rec.ours_ns > 0 && rec.math_ns > 0 && rec.ratio > 0, JSON.stringify(rec));
  assert.ok(summary.records.some((rec) => rec.case.startsWith('sin')));
});

test('bench math rejects a bad --n with exit 2', async () => {
  const r = await runCli(['bench', 'math', '--n', '5']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--n/);
});
