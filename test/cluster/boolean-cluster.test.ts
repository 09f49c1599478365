/** The Boolean sweep on the cluster: each grid cell a job; the tables equal the local sweep's. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { hasRedis, startRedis } from '../helpers/redis.js';
import { startWorkerProc } from '../helpers/workers.js';
import { tempDir } from '../helpers/temp.js';

const skip = hasRedis ? false : 'redis-server is not installed (.ci/run installs it with apt-get)';
const SWEEP = ['boolean', 'sweep', '--n', '4', '--targets', 'parity:2,repeat:2', '--ms', '6,10', '--draws', '2', '--learners', 'mh:0,oracle',
  '--mh-steps', '2000', '--workers', '1', '--quiet'];

/** results.jsonl without the wall-clock field. */
function results(dir: string): unknown[] {
  return readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { seconds: _s, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });
}

describe('the Boolean sweep on a Redis cluster', { skip }, () => {
  test('two workers give the same cells as the local sweep', async () => {
    const redis = await startRedis();
    const workers = [startWorkerProc(redis.url), startWorkerProc(redis.url)];
    try {
      const tmp = tempDir('eggroll-sweep-cluster-');
      const local = join(tmp, 'local');
      assert.equal((await runCli([...SWEEP, '--out', local])).code, 0);
      await Promise.all(workers.map((w) => w.waitFor(/worker: serving .*boolean-cell/)));
      const dir = join(tmp, 'cluster');
      const r = await runCli([...SWEEP, '--out', dir, '--redis', redis.url]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(results(dir), results(local));
      assert.equal(results(dir).length, 2 * 2 * 2 * 2);
      const served = await Promise.all(workers.map(async (w) => { await w.stop(); return Number(/served (\d+) job/.exec(w.output())?.[1]); }));
      assert.equal(served[0] + served[1], 16, `every cell once: ${served}`);
    } finally {
      await Promise.all(workers.map((w) => w.kill()));
      await redis.stop();
    }
  });
});
