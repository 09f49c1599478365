/**
 * The integer language model on the cluster (real redis-server, real worker processes): weights and
 * recurrent states bit-identical to the local run for 1, 2 and 4 workers.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { hasRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { startWorkerProc, type WorkerProc } from '../helpers/workers.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { readJsonl } from '../../src/io/metrics.js';
import { tempDir } from '../helpers/temp.js';

const skip = hasRedis ? false : 'redis-server is not installed (.ci/run installs it with apt-get)';
const tmp = () => tempDir('eggroll-lm-cluster-');
const LM = ['lm', 'train', '--layers', '1', '--width', '16', '--pop', '64', '--group-size', '4', '--tokens', '16', '--steps', '4',
  '--eval-every', '4', '--eval-bytes', '256', '--ckpt-every', '2', '--seed', '9', '--workers', '1', '--quiet', '--json'];

function tensors(dir: string): Map<string, Buffer> {
  const ck = loadCheckpoint(join(dir, 'checkpoints'));
  return new Map(Object.entries(ck.tensors).map(([k, t]) => [k, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)]));
}

describe('the language model on a Redis cluster', { skip, concurrency: false }, () => {
  let redis: TestRedis;
  const procs: WorkerProc[] = [];
  before(async () => { redis = await startRedis(); });
  after(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await redis?.stop();
  });

  test('1, 2 and 4 workers give weights and states bit-identical to the local run', async () => {
    const local = join(tmp(), 'local');
    const r0 = await runCli([...LM, '--out', local]);
    assert.equal(r0.code, 0, r0.stderr);
    const want = tensors(local);
    for (const add of [1, 1, 2]) {
      const started = Array.from({ length: add }, () => startWorkerProc(redis.url));
      procs.push(...started);
      await Promise.all(started.map((w) => w.waitFor(/worker: serving .*lm/)));
      const dir = join(tmp(), `cluster-${procs.length}`);
      const r = await runCli([...LM, '--out', dir, '--redis', redis.url]);
      assert.equal(r.code, 0, r.stderr);
      const got = tensors(dir);
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
      for (const [k, v] of want) assert.ok(v.equals(got.get(k)!), `${k} differs with ${procs.length} workers`);
      const rows = readJsonl(join(dir, 'metrics.jsonl'));
      assert.equal(rows.at(-1)!.workers, procs.length);
      // Per step: jobs carry their members' windows and states; the record is one int32 per member.
      assert.ok(Number(rows.at(-1)!.bytes_sent) < 64 * 16 * 2 + 64 * 4 + 8000, `bytes sent ${rows.at(-1)!.bytes_sent}`);
    }
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });
});
