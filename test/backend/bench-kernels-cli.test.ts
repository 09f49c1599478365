/**
 * The `bench gemm` / `bench int8` commands end to end on tiny sizes: one JSON line per case, the last
 * line a summary, bad flags exit 2. (Timings themselves are never asserted: this is not a timed test.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

/** The CLI in-process (test/helpers/cli.ts); `status` as spawnSync names it. */
const run = async (...args: string[]) => { const r = await runCli(args); return { status: r.code, stdout: r.stdout, stderr: r.stderr }; };

test('bench gemm --json prints one parsable line per case and a summary last', async () => {
  const r = await run('bench', 'gemm', '--shapes', 'squares', '--sizes', '8,13', '--threads', '1,2', '--backends', 'js,wasm', '--min-seconds', '0.01', '--json');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const cases = lines.slice(0, -1);
  // js (1 thread) + wasm at 1 and 2 threads, for each of the two sizes.
  assert.equal(cases.length, 6);
  for (const c of cases) {
    assert.equal(c.bench, 'gemm');
    assert.ok((c.g_median as number) > 0 && (c.runs as number) >= 5, JSON.stringify(c));
  }
  assert.deepEqual(cases.map((c) => `${c.backend} t${c.threads}`).sort(), ['js t1', 'js t1', 'wasm t1', 'wasm t1', 'wasm t2', 'wasm t2']);
  const summary = lines[lines.length - 1];
  assert.equal(summary.summary, true);
  assert.equal(typeof summary.wasm_gflops_13_t1, 'number');
});

test('bench int8 --json reports igemm next to f32 and their ratio', async () => {
  const r = await run('bench', 'int8', '--sizes', '16', '--threads', '1', '--backends', 'wasm', '--min-seconds', '0.01', '--json');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.slice(0, -1).map((c) => c.case), ['igemm 16³', 'sgemm NT 16³ (f32 for comparison)']);
  assert.equal(typeof lines[lines.length - 1].int8_over_f32_16_t1, 'number');
});

test('bench gemm rejects bad flags with exit 2 and one line', async () => {
  const r = await run('bench', 'gemm', '--sizes', '64,x');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--sizes: must be a comma-separated list/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
