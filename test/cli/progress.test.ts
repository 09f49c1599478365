/**
 * Progress lines that tell the truth (issue 28 item 4): the rate counts from when the work began, not from the first
 * finished generation; the ETA is the earlier of the budget and --max-seconds; minutes never read "8m60s"; the rate
 * has its unit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress, duration, generationProgress } from '../../src/cli/progress.js';

/** The lines a function writes to stderr. */
function stderrOf(f: () => void): string[] {
  const write = process.stderr.write;
  const lines: string[] = [];
  process.stderr.write = ((s: string) => { lines.push(s); return true; }) as typeof process.stderr.write;
  try { f(); } finally { process.stderr.write = write; }
  return lines;
}

test('duration rounds once: 539.6 s is 9m00s, 3599.6 s is 1h00m', () => {
  assert.equal(duration(539.6), '9m00s');
  assert.equal(duration(59.6), '1m00s');
  assert.equal(duration(3599.6), '1h00m');
  assert.equal(duration(7199), '2h00m');
  assert.equal(duration(5), '5s');
});

test('the first line counts from when the work began; the ETA follows --max-seconds; the rate has a unit', () => {
  // One generation done 10 s after the start, 1,000,000 to go, a 30 s limit: rate 0.1 gen/s, ETA 20s (not 0s, not days).
  const startedAt = performance.now() - 10_000;
  const [line] = stderrOf(() => new Progress({ total: 1_000_000, label: 'x', maxSeconds: 30, unit: 'gen', startedAt }).update(1));
  // The clock moves between the start set here and the update (milliseconds on a loaded machine): about 0.1.
  const rate = Number(/ ([\d.]+) gen\/s/.exec(line)?.[1]);
  assert.ok(Math.abs(rate - 0.1) < 0.002, line);
  assert.match(line, /gen\/s {2}ETA 20s/);
});

test('generationProgress: made before the run, it rates the first generation from then, and a resumed run from where it resumed', async () => {
  const hook = generationProgress('env algo', false);
  await new Promise((r) => setTimeout(r, 200));
  const [first] = stderrOf(() => hook({ generation: 1, total: 100, mean: 0, best: 0 }));
  const rate = Number(/ ([\d.]+) gen\/s/.exec(first)?.[1]);
  assert.ok(rate > 0 && rate < 10, `first rate ${rate} gen/s after 0.2 s`);
  const resumed = generationProgress('env algo', false);
  const [r] = stderrOf(() => resumed({ generation: 51, total: 100, mean: 0, best: 0 }));
  assert.match(r, /env algo \(from generation 50\) 1\/50 /);
});
