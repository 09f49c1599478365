/**
 * Custom environments from the command line (issue 28 item 7): `--import FILE` registers them before <env> is read,
 * worker threads import the same file, and a run that needs one says how to give it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { writeEnvModule } from '../helpers/env-module.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { tempDir } from '../helpers/temp.js';
import { spawnCliSync } from '../helpers/spawn-cli.js';

const env = writeEnvModule('src/rl/envs/index.ts', { id: 'TestPoint-v0', alias: 'test-point' });
const tmp = () => tempDir('eggroll-import-');
const RUN = ['--pop', '16', '--gens', '3', '--seed', '4', '--eval-episodes', '2', '--quiet', '--json'];

function params(dir: string): Buffer[] {
  const ck = loadCheckpoint(join(dir, 'checkpoints'));
  return Object.keys(ck.tensors).sort().map((k) => Buffer.from(ck.tensors[k].data.buffer, ck.tensors[k].data.byteOffset, ck.tensors[k].data.byteLength));
}

test('train --import: a custom environment trains on 1 and 2 worker threads with identical parameters; envs lists it', async () => {
  const one = join(tmp(), 'one'), two = join(tmp(), 'two');
  let r = await runCli(['train', 'test-point', '--import', env, ...RUN, '--out', one]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).env, 'TestPoint-v0');
  r = await runCli(['train', 'test-point', '--import', env, ...RUN, '--workers', '2', '--out', two]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(params(one), params(two));
  r = await runCli(['envs', '--import', env, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout.trim()).environments.some((e: { id: string }) => e.id === 'TestPoint-v0'));
  r = await runCli(['eval', one, '--import', env, '--episodes', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()).generation, 3);
});

test('--import bad inputs: a missing file, a module that throws; each one line, exit 2', async () => {
  let r = await runCli(['train', 'test-point', '--import', 'no/such-env.mjs', ...RUN]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--import: no such file 'no\/such-env\.mjs'/);
  const broken = join(tmp(), 'broken.mjs');
  (await import('node:fs')).writeFileSync(broken, 'throw new Error("boom in the user module");\n');
  r = await runCli(['envs', '--import', broken]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--import .*broken\.mjs: the module failed to load: boom in the user module/);
});

test('a custom environment without --import: the unknown-environment line says to --import it (new run and --resume)', () => {
  const dir = join(tmp(), 'resume');
  const cli = (args: string[]) => spawnCliSync(args, { from: 'src' });
  let r = cli(['train', 'test-point', ...RUN]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown environment 'test-point'; allowed: .*\(a custom one: --import the module that registers it\)/);
  r = cli(['train', 'test-point', '--import', env, ...RUN, '--out', dir]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['train', '--resume', dir, '--gens', '4', '--quiet']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /field 'env': unknown environment 'TestPoint-v0'.*--import/);
  r = cli(['train', '--resume', dir, '--gens', '4', '--import', env, '--quiet', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')).generation, 4);
});
