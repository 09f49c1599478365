/**
 * rediss:// (TLS) end to end: a redis-server serving TLS only, a certificate from a throw-away CA made with
 * openssl; the coordinator and the worker trust it through NODE_EXTRA_CA_CERTS (Node's own setting), and
 * the run is bit-identical to the local one. Without the CA: one clear line.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { hasRedis, startRedis } from '../helpers/redis.js';
import { startWorkerProc } from '../helpers/workers.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { tempDir } from '../helpers/temp.js';
import { spawnCli } from '../helpers/spawn-cli.js';

const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const skip = !hasRedis ? 'redis-server is not installed (.ci/run installs it with apt-get)' : !hasOpenssl ? 'openssl is not installed' : false;

function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=eggroll-test-ca']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'ext.cnf']);
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}

const ARGS = ['train', 'cartpole', '--pop', '128', '--gens', '4', '--seed', '4', '--eval-episodes', '1', '--quiet', '--json'];

describe('a Redis cluster over TLS (rediss://)', { skip }, () => {
  test('trusted through NODE_EXTRA_CA_CERTS the run is bit-identical; untrusted it is one clear line', async () => {
    const dir = tempDir('eggroll-tls-');
    const tls = makeCerts(dir);
    const redis = await startRedis({ tls });
    assert.match(redis.url, /^rediss:\/\//);
    const env = { NODE_EXTRA_CA_CERTS: tls.ca };
    const worker = startWorkerProc(redis.url, [], env);
    try {
      const untrusted = await runCli([...ARGS, '--out', join(dir, 'untrusted'), '--redis', redis.url]);
      assert.equal(untrusted.code, 1);
      assert.match(untrusted.stderr, /TLS certificate is not trusted.*NODE_EXTRA_CA_CERTS/);
      await worker.waitFor(/worker: serving/);
      const local = join(dir, 'local');
      assert.equal((await runCli([...ARGS, '--out', local])).code, 0);
      const out = join(dir, 'tls');
      const child = spawnCli([...ARGS, '--out', out, '--redis', redis.url], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (c) => { err += c; });
      const code = await new Promise<number | null>((res) => child.once('exit', res));
      assert.equal(code, 0, err);
      const a = loadCheckpoint(join(local, 'checkpoints')).tensors, b = loadCheckpoint(join(out, 'checkpoints')).tensors;
      const bytes = (t: { data: ArrayBufferView }) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
      for (const k of Object.keys(a)) assert.ok(bytes(a[k]).equals(bytes(b[k])), `${k} differs`);
    } finally {
      await worker.kill();
      await redis.stop();
    }
  });
});
