/**
 * `eggroll bench playground` (was scripts/playground-longtasks.ts) in Debian's Chromium: one short run (2
 * generations) gives its JSON line and the summary; a missing browser is one clear line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (apt-get install chromium; .ci/run does)`;

test('bench playground --json: a run line (long tasks, the page\'s own longest work) and a summary line', { skip, timeout: 120_000 }, async () => {
  const r = await runCli(['bench', 'playground', '--runs', '1', '--gens', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const [run, summary] = r.stdout.trim().split('\n').slice(-2).map((l) => JSON.parse(l));
  assert.ok(Number.isFinite(run.best_mean) && run.total_s > 0 && run.max_own_work_ms >= 0, JSON.stringify(run));
  assert.equal(run.long_tasks, run.long_tasks_ms.length);
  assert.equal(summary.bench, 'playground');
  assert.equal(summary.runs, 1);
  const bad = await runCli(['bench', 'playground', '--chromium', '/no/such/browser']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--chromium: no browser at \/no\/such\/browser/);
});
