/**
 * Policy files (src/rl/policy-file.ts): `eggroll train` checkpoints carry their config, so `eggroll eval
 * FILE` evaluates one alone, with the same result as the run directory; an export (encodePolicyFile)
 * round-trips; damaged or foreign files exit 2 with one line naming the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { decodePolicyFile, encodePolicyFile, PolicyFileError } from '../../src/rl/policy-file.js';
import { loadBackend } from '../../src/backend/index.js';
import { LocalTrainer } from '../../src/es/local-trainer.js';
import { createTask } from '../../src/rl/task.js';
import { strategyFor, taskOptionsFor } from '../../src/rl/config.js';
import { resolveRlConfig } from '../../src/rl/config.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

test('eval of a checkpoint file equals eval of its run directory; an export round-trips and evaluates', async () => {
  const dir = tempDir('policy-');
  const run = join(dir, 'run');
  const t = await runCli(['train', 'cartpole', '--pop', '32', '--gens', '3', '--hidden', '8', '--seed', '4', '--eval-episodes', '2', '--backend', 'wasm', '--quiet', '--out', run]);
  assert.equal(t.code, 0, t.stderr);
  const ck = join(run, 'checkpoints', 'gen-0000003.safetensors');
  const meta = decodeSafetensors(readFileSync(ck)).metadata;
  assert.equal(JSON.parse(meta.config).hidden[0], 8, 'the checkpoint carries its config');
  const last = (s: string) => JSON.parse(s.trim().split('\n').at(-1)!);
  const fromDir = await runCli(['eval', run, '--episodes', '7', '--backend', 'wasm', '--json']);
  const fromFile = await runCli(['eval', ck, '--episodes', '7', '--backend', 'wasm', '--json']);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.equal(last(fromFile.stdout).eval_mean_return, last(fromDir.stdout).eval_mean_return);
  assert.equal(last(fromFile.stdout).generation, 3);

  // An export (what the playground downloads) of a LocalTrainer's policy: eval reads it, same returns as in-process.
  const config = { ...resolveRlConfig('cartpole', { pop: 16, gens: 2, hidden: [8], seed: 2, backend: 'wasm' }), obsNorm: true };
  const backend = await loadBackend('wasm');
  const task = createTask(taskOptionsFor(config), backend);
  const trainer = new LocalTrainer(task, backend, strategyFor(config));
  trainer.step();
  trainer.step();
  const file = join(dir, 'export.safetensors');
  writeFileSync(file, encodePolicyFile(config, trainer.params, task.state(), trainer.generation));
  const want = task.evaluatePolicy(trainer.params, 5, 11);
  const r = await runCli(['eval', file, '--episodes', '5', '--seed', '11', '--backend', 'wasm', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(last(r.stdout).eval_mean_return, want.reduce((a, b) => a + b, 0) / 5);
  const back = decodePolicyFile(readFileSync(file));
  assert.equal(back.generation, 2);
  assert.deepEqual(Array.from(back.tensors['task/state'].data), Array.from(task.state()));
});

test('bad policy files: exit 2, one line naming the file', async () => {
  const dir = tempDir('policy-bad-');
  const good = { env: 'CartPole-v1', pop: 16, episodes: 1, seed: 0, hidden: [8], activation: 'tanh', bias: 'full', obsNorm: false, action: 'argmax' };
  const write = (name: string, bytes: Uint8Array | string) => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
  const st = (meta: Record<string, string>) => encodeSafetensors({ 'param/x': { dtype: 'F32', shape: [1], data: new Float32Array(1) } }, meta);
  const full = { ...resolveRlConfig('cartpole', { pop: 16, hidden: [8], seed: 0, backend: 'wasm' }) };
  const cases: [string, RegExp][] = [
    [write('junk.safetensors', 'not a safetensors file at all'), /junk\.safetensors: is not a valid safetensors file/],
    [write('foreign.safetensors', st({ format: 'pt' })), /is not an eggroll policy or checkpoint/],
    [write('noconfig.safetensors', st({ format: 'eggroll-checkpoint' })), /carries no run config/],
    [write('badjson.safetensors', st({ format: 'eggroll-policy', config: '{' })), /metadata 'config' that is not valid JSON/],
    [write('badenv.safetensors', st({ format: 'eggroll-policy', config: JSON.stringify({ ...good, env: 'Nope-v0' }) })), /config field 'env' not usable/],
    [write('badhidden.safetensors', st({ format: 'eggroll-policy', config: JSON.stringify({ ...good, hidden: [0] }) })), /config field 'hidden'/],
    [write('schema.safetensors', st({ format: 'eggroll-policy', config: JSON.stringify({ ...full, sigma: -1 }) })), /config field 'sigma' that is invalid/],
    [write('tensors.safetensors', st({ format: 'eggroll-policy', config: JSON.stringify(full) })), /has no tensor 'param\//],
  ];
  for (const [file, want] of cases) {
    const r = await runCli(['eval', file, '--backend', 'wasm']);
    assert.equal(r.code, 2, `${file}: ${r.code} ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], want);
  }
  assert.throws(() => decodePolicyFile(new Uint8Array(3)), PolicyFileError);
});
