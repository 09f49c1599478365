/**
 * RL on the cluster with a real redis-server and real `eggroll worker` processes: parameters (and
 * optimiser moments) bit-identical to the local run for 1, 2 and 4 workers, after a worker is SIGKILLed
 * mid-job, with a worker that joins late, and bad inputs that each get one clear line.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { runCli } from '../helpers/cli.js';
import { writeEnvModule } from '../helpers/env-module.js';
import { hasRedis, startRedis, freePort, type TestRedis } from '../helpers/redis.js';
import { startWorkerProc, type WorkerProc } from '../helpers/workers.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { readJsonl } from '../../src/io/metrics.js';
import { runRl, type RlRunConfig } from '../../src/rl/run.js';
import { resolveRlConfig } from '../../src/rl/config.js';
import { PROTOCOL_VERSION, QUEUE_NAME, QUEUE_PREFIX, keys, newRunId } from '../../src/parallel/cluster/protocol.js';
import { tempDir } from '../helpers/temp.js';
import { spawnCli } from '../helpers/spawn-cli.js';

const skip = hasRedis ? false : 'redis-server is not installed (.ci/run installs it with apt-get)';
const tmp = () => tempDir('eggroll-cluster-');

/** Every tensor of the run's latest checkpoint (parameters, optimiser moments, task state), as bytes. */
function finalState(dir: string): Map<string, Buffer> {
  const ck = loadCheckpoint(join(dir, 'checkpoints'));
  const out = new Map<string, Buffer>();
  for (const [k, t] of Object.entries(ck.tensors)) out.set(k, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  out.set('generation', Buffer.from(String(ck.generation)));
  return out;
}

function assertSameState(a: string, b: string): void {
  const x = finalState(a), y = finalState(b);
  assert.deepEqual([...x.keys()].sort(), [...y.keys()].sort());
  for (const [k, v] of x) assert.ok(v.equals(y.get(k)!), `tensor ${k} differs between ${a} and ${b}`);
}

const CARTPOLE = ['train', 'cartpole', '--pop', '256', '--gens', '10', '--seed', '5', '--eval-episodes', '2', '--checkpoint-every', '5', '--quiet', '--json'];

describe('RL on a Redis cluster', { skip, concurrency: false }, () => {
  let redis: TestRedis;
  const procs: WorkerProc[] = [];
  let local: string;
  const startWorkers = async (n: number, extra: string[] = []) => {
    const started = Array.from({ length: n }, () => startWorkerProc(redis.url, extra));
    procs.push(...started);
    await Promise.all(started.map((w) => w.waitFor(/worker: serving/)));
    return started;
  };

  before(async () => {
    redis = await startRedis();
    local = join(tmp(), 'local');
    const r = await runCli([...CARTPOLE, '--out', local]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await redis?.stop();
  });

  test('1, 2 and 4 workers give parameters bit-identical to the local run', async () => {
    // 1 process, 2 processes, then a third with --concurrency 2 (two worker threads): 4 workers.
    let live = 0;
    for (const [add, threads] of [[1, 1], [1, 1], [1, 2]]) {
      await startWorkers(add, threads > 1 ? ['--concurrency', String(threads)] : []);
      live += add * threads;
      const dir = join(tmp(), `cluster-${live}`);
      const r = await runCli([...CARTPOLE, '--out', dir, '--redis', redis.url]);
      assert.equal(r.code, 0, r.stderr);
      assertSameState(local, dir);
      const rows = readJsonl(join(dir, 'metrics.jsonl'));
      assert.equal(rows.length, 10);
      assert.equal(rows.at(-1)!.workers, live, `metrics count ${live} live workers`);
      assert.equal(rows.at(-1)!.jobs_retried, 0);
      // Only seeds and scalars: the jobs and the generation's record, far less than the 4.6k-parameter model per worker.
      assert.ok(Number(rows.at(-1)!.bytes_sent) < 256 * 8 + 4000, `bytes sent per generation ${rows.at(-1)!.bytes_sent}`);
      assert.equal(Number(rows.at(-1)!.bytes_received), 256 * 8, 'one float64 fitness per member comes back');
    }
    assert.ok(procs.every((p) => !/caught up/.test(p.output())), 'workers that were there from generation 0 follow the records, no snapshot');
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  test('a worker SIGKILLed mid-job: its job is retried by another, the result is still bit-identical', async () => {
    const args = ['train', 'pendulum', '--pop', '128', '--episodes', '60', '--gens', '4', '--seed', '2', '--eval-episodes', '1', '--quiet', '--json'];
    const ref = join(tmp(), 'pendulum-local');
    assert.equal((await runCli([...args, '--out', ref])).code, 0);
    // The victim is alone when generation 1 is queued, so it holds that generation's jobs (two per
    // generation, half the population each: a few hundred ms), and the kill lands mid-job. The second
    // worker starts after the kill and finds the job through BullMQ's stalled check.
    const [victim] = await startWorkers(1, ['--trace']);
    const dir = join(tmp(), 'pendulum-cluster');
    const config = resolveRlConfig('pendulum', { pop: 128, episodes: 60, gens: 4, seed: 2, evalEpisodes: 1, backend: 'auto', workers: 1 });
    const run = runRl(config, dir, false, { redis: redis.url, clusterJobs: 2 });
    await victim.waitFor(/gen 1 members/, 120_000);
    await victim.kill();
    await startWorkers(1);
    await run;
    assertSameState(ref, dir);
    const retried = readJsonl(join(dir, 'metrics.jsonl')).reduce((s, row) => s + Number(row.jobs_retried), 0);
    assert.ok(retried >= 1, `the killed worker's job is counted as retried (got ${retried})`);
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  test('a worker SIGKILLed mid-job beside a live one: within seconds the coordinator says it is gone and hands its job on, long before its 60 s lock expires (issue 28 item 6)', async () => {
    const args = ['train', 'pendulum', '--pop', '64', '--episodes', '200', '--gens', '3', '--seed', '3', '--eval-episodes', '1', '--quiet', '--json'];
    const ref = join(tmp(), 'gone-local');
    assert.equal((await runCli([...args, '--out', ref])).code, 0);
    // A 60 s lock: BullMQ alone would hand the job on only after it (and its stalled check).
    const workers = await startWorkers(2, ['--trace', '--lock-seconds', '60']);
    const dir = join(tmp(), 'gone-cluster');
    const config = resolveRlConfig('pendulum', { pop: 64, episodes: 200, gens: 3, seed: 3, evalEpisodes: 1, backend: 'auto', workers: 1 });
    const lines: string[] = [];
    const run = runRl(config, dir, false, { redis: redis.url, clusterJobs: 2, log: (l) => lines.push(l) });
    const victim = await Promise.race(workers.map((w) => w.waitFor(/gen 1 members/, 120_000).then(() => w)));
    const killedAt = Date.now();
    await victim.kill();
    await run;
    const took = Date.now() - killedAt;
    assert.ok(took < 25_000, `the run finished ${took} ms after the kill`);
    assertSameState(ref, dir);
    assert.ok(lines.some((l) => /worker \S+ is gone \(stopped, or no heartbeat for 3 s\); 1 live worker serve 'rl'/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /generation 1: members \d+-\d+ were with worker \S+, which is gone: handed to another worker/.test(l)), lines.join('\n'));
    const rows = readJsonl(join(dir, 'metrics.jsonl'));
    assert.equal(rows.at(-1)!.workers, 1, 'the live-worker count follows');
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  test('a custom environment on the cluster: eggroll worker --import FILE (two threads) gives the local run\'s parameters (issue 28 item 7)', async () => {
    const env = writeEnvModule('src/rl/envs/index.ts', { id: 'ClusterPoint-v0', alias: 'cluster-point' });
    const args = ['train', 'cluster-point', '--import', env, '--pop', '32', '--gens', '4', '--seed', '8', '--eval-episodes', '2', '--quiet', '--json'];
    const ref = join(tmp(), 'custom-local');
    assert.equal((await runCli([...args, '--out', ref])).code, 0);
    await startWorkers(1, ['--import', env, '--concurrency', '2']);
    const dir = join(tmp(), 'custom-cluster');
    const r = await runCli([...args, '--out', dir, '--redis', redis.url]);
    assert.equal(r.code, 0, r.stderr);
    assertSameState(ref, dir);
    assert.equal(readJsonl(join(dir, 'metrics.jsonl')).at(-1)!.workers, 2);
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  test('a worker started after generation 5 catches up from the snapshot and contributes', async () => {
    await startWorkers(1);
    const dir = join(tmp(), 'late');
    const flags = { pop: 256, gens: 10, seed: 5, evalEpisodes: 2, checkpointEvery: 5, backend: 'auto' as const, workers: 1 };
    const config: RlRunConfig = resolveRlConfig('cartpole', flags);
    let late: WorkerProc | undefined;
    const lateReady: Promise<unknown>[] = [];
    await runRl(config, dir, false, {
      redis: redis.url,
      clusterRecordsKept: 2,
      onGeneration: (p) => {
        if (p.generation === 5) {
          late = startWorkerProc(redis.url);
          procs.push(late);
          lateReady.push(late.waitFor(/worker: serving/));
        }
      },
      // Keep generations coming slowly enough for the late worker to start and take jobs.
      shouldStop: () => undefined,
    });
    await Promise.all(lateReady);
    assertSameState(local, dir);
    // The run may finish before the late worker takes a job; then run more generations on the same run dir.
    if (!/caught up from the coordinator's snapshot/.test(late!.output())) {
      const more = await runCli(['train', '--resume', dir, '--gens', '30', '--redis', redis.url, '--quiet']);
      assert.equal(more.code, 0, more.stderr);
    }
    await late!.waitFor(/caught up from the coordinator's snapshot/, 30_000);
    await late!.stop();
    assert.match(late!.output(), /served [1-9]\d* job/);
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  test('the coordinator SIGKILLed mid-run: --resume with the workers still attached reaches the same parameters', async () => {
    await startWorkers(2);
    const dir = join(tmp(), 'coordinator-killed');
    const coordinator = spawnCli([...CARTPOLE, '--checkpoint-every', '2', '--out', dir, '--redis', redis.url], { stdio: 'ignore' });
    const t0 = Date.now();
    while (!existsSync(join(dir, 'metrics.jsonl')) || readJsonl(join(dir, 'metrics.jsonl')).length < 5) {
      assert.ok(Date.now() - t0 < 60_000, 'the coordinator reached generation 5 within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    coordinator.kill('SIGKILL');
    await new Promise((r) => coordinator.once('exit', r));
    const r = await runCli(['train', '--resume', dir, '--redis', redis.url, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assertSameState(local, dir);
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  test('a flat strategy on the cluster (Sep-CMA-ES, PGPE): two workers reach the local run\'s parameters and strategy state (issue 31)', async () => {
    await startWorkers(2);
    for (const algo of ['sep-cma-es', 'pgpe']) {
      const args = ['train', 'cartpole', '--algo', algo, '--pop', '32', '--gens', '4', '--seed', '3', '--eval-episodes', '2', '--quiet', '--json'];
      const here = join(tmp(), `${algo}-local`), there = join(tmp(), `${algo}-cluster`);
      assert.equal((await runCli([...args, '--out', here])).code, 0);
      const r = await runCli([...args, '--out', there, '--redis', redis.url]);
      assert.equal(r.code, 0, r.stderr);
      assertSameState(here, there);
      assert.ok([...finalState(there).keys()].some((k) => k.startsWith('flat/')), 'the strategy state is in the checkpoint');
    }
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  test('Ctrl-C with no worker attached ends the run at once: exit 130, a checkpoint, the resume line (issue 28 item 6)', async () => {
    const dir = join(tmp(), 'sigint-no-worker');
    const coordinator = spawnCli([...CARTPOLE, '--out', dir, '--redis', redis.url], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '', sentAt = 0;
    coordinator.stderr!.on('data', (d) => {
      stderr += d;
      if (!sentAt && /no worker on .* yet/.test(stderr)) { sentAt = Date.now(); setTimeout(() => coordinator.kill('SIGINT'), 1500); }
    });
    const guard = setTimeout(() => coordinator.kill('SIGKILL'), 60_000); // a run that ignores Ctrl-C fails, never hangs the suite
    const code = await new Promise<number | null>((res) => coordinator.once('exit', (c) => res(c)));
    clearTimeout(guard);
    assert.equal(code, 130, stderr);
    assert.ok(Date.now() - sentAt < 15_000, `ended ${Date.now() - sentAt} ms after the no-worker line`);
    assert.match(stderr, /resume with: eggroll train --resume/);
    assert.doesNotMatch(stderr, /jobs still waiting/);
    assert.equal(loadCheckpoint(join(dir, 'checkpoints')).generation, 0);
  });

  test('bad inputs get one clear line each and corrupt nothing', async () => {
    const dead = await freePort();
    let r = await runCli([...CARTPOLE, '--out', join(tmp(), 'x'), '--redis', `redis://127.0.0.1:${dead}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: connection refused/);
    assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('eggroll')).length, 1);
    r = await runCli([...CARTPOLE, '--out', join(tmp(), 'y'), '--redis', 'http://127.0.0.1:6379']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--redis must start with redis:\/\/ or rediss:\/\//);
    r = await runCli(['worker']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--redis is required/);

    // Jobs nobody should run: an unknown run, another protocol version, not an eggroll job at all.
    const [w] = await startWorkers(1);
    const queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection: queueConnection, prefix: QUEUE_PREFIX });
    const unknown = newRunId();
    await queue.add('rl', { v: PROTOCOL_VERSION, run: unknown, kind: 'rl', gen: 0, start: 0, end: 2, hash: '' }, { jobId: 'unknown-run' });
    await queue.add('rl', { v: 'x', run: 'nope' }, { jobId: 'garbage' });
    const client = new Redis(redis.url);
    const other = newRunId();
    await client.set(keys.meta(other), JSON.stringify({ v: PROTOCOL_VERSION, kind: 'rl', backend: 'native', config: { env: 'CartPole-v1', pop: -3 }, created: '' }));
    await queue.add('rl', { v: PROTOCOL_VERSION, run: other, kind: 'rl', gen: 0, start: 0, end: 2, hash: '' }, { jobId: 'bad-config', attempts: 1 });
    await w.waitFor(/unknown run [0-9a-f]{8}… \(finished, expired or never created\); dropped/);
    await w.waitFor(/not an eggroll job/);
    await w.waitFor(/config fails validation|computes on/);
    // A worker of another eggroll version announces itself: the coordinator says it will not serve the run.
    await client.set(keys.worker('other-version'), JSON.stringify({ v: PROTOCOL_VERSION + 1, host: 'elsewhere', pid: 1, backend: 'native', kinds: ['rl'] }), 'EX', 60);
    await queue.close();
    queueConnection.disconnect();
    // The worker still serves a real run, bit-identically.
    const dir = join(tmp(), 'after-bad');
    r = await runCli([...CARTPOLE, '--out', dir, '--redis', redis.url]);
    assert.equal(r.code, 0, r.stderr);
    assertSameState(local, dir);
    assert.match(r.stderr, new RegExp(`elsewhere:1 \\(v${PROTOCOL_VERSION + 1}\\) speaks cluster protocol v${PROTOCOL_VERSION + 1} but this run uses v${PROTOCOL_VERSION}`));
    await client.del(keys.worker('other-version'));
    client.disconnect();
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  test('a password-protected Redis: the right password works, a wrong or missing one is one clear line', async () => {
    const secured = await startRedis({ password: 's3cret' });
    try {
      const wrong = secured.url.replace('s3cret', 'wrong');
      let r = await runCli([...CARTPOLE, '--out', join(tmp(), 'pw1'), '--redis', wrong]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /refused the password/);
      assert.doesNotMatch(r.stderr, /wrong/, 'the password is not printed');
      r = await runCli([...CARTPOLE, '--out', join(tmp(), 'pw2'), '--redis', `redis://127.0.0.1:${secured.port}`]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /needs a password \(NOAUTH\)/);
      const w = startWorkerProc(secured.url);
      procs.push(w);
      await w.waitFor(/worker: serving/);
      const dir = join(tmp(), 'pw-ok');
      r = await runCli([...CARTPOLE, '--out', dir, '--redis', secured.url]);
      assert.equal(r.code, 0, r.stderr);
      assertSameState(local, dir);
      await w.stop();
    } finally {
      await secured.stop();
    }
  });
});

describe('RL on a Redis cluster when Redis restarts mid-run', { skip }, () => {
  test('with persistence on, the run continues (or stops with one line and --resume completes it) with identical parameters', async () => {
    const redis = await startRedis({ persist: true });
    const procs: WorkerProc[] = [];
    try {
      const local = join(tmp(), 'local');
      assert.equal((await runCli([...CARTPOLE, '--out', local])).code, 0);
      procs.push(startWorkerProc(redis.url), startWorkerProc(redis.url));
      await Promise.all(procs.map((p) => p.waitFor(/worker: serving/)));
      const dir = join(tmp(), 'restart');
      const config = resolveRlConfig('cartpole', { pop: 256, gens: 10, seed: 5, evalEpisodes: 2, checkpointEvery: 5, backend: 'auto', workers: 1 });
      let restarted: Promise<void> | undefined;
      let failed: Error | undefined;
      try {
        await runRl(config, dir, false, {
          redis: redis.url,
          onGeneration: (p) => {
            if (p.generation === 3 && !restarted) restarted = redis.kill().then(() => redis.restart());
          },
        });
      } catch (e) {
        failed = e as Error;
      }
      await restarted;
      if (failed) {
        assert.match(failed.message, /Redis/);
        assert.equal(failed.message.split('\n').length, 1, 'one line');
        const r = await runCli(['train', '--resume', dir, '--redis', redis.url, '--quiet']);
        assert.equal(r.code, 0, r.stderr);
      }
      assertSameState(local, dir);
    } finally {
      await Promise.all(procs.map((p) => p.kill()));
      await redis.stop();
    }
  });
});
