/**
 * The rollout loop allocates nothing that stays: over many generations of CartPole rollouts (thousands of
 * batched steps, each a policy forward through the fused epilogue, an action step and row bookkeeping),
 * the JavaScript heap after a full GC and the backend's wasm memory do not grow. Also `bench rl` end to end
 * on a tiny configuration (timings are never asserted).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createWasmBackend } from '../../src/backend/wasm.js';
import { ParamSet } from '../../src/nn/params.js';
import { EvolutionStrategy } from '../../src/es/strategy.js';
import { RlTask } from '../../src/rl/task.js';
import { runCli } from '../helpers/cli.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('heap and kernel memory do not grow over a long rollout', () => {
  const be = createWasmBackend({ threads: 1 });
  const pop = 128;
  const task = new RlTask({ env: 'CartPole-v1', hidden: [16, 16], activation: 'tanh', bias: 'full', popSize: pop, episodes: 1, seed: 3, obsNorm: false, actionMode: 'argmax' }, be);
  const params = new ParamSet(task.specs, be);
  task.init(params, 3);
  const es = new EvolutionStrategy(params, be, { algo: 'eggroll', popSize: pop, rank: 1, sigma: 0.1, lr: 0.05, optimizer: { kind: 'adam' }, shaping: { kind: 'centered-rank' }, seed: 3 });
  const fitness = new Float64Array(pop);
  const aux = new Float64Array(0);
  const prof = new Float64Array(4);
  task.profile = prof;
  const gen = () => {
    task.evaluate(es.ask(), fitness, aux);
    es.tell(fitness);
  };
  for (let g = 0; g < 5; g++) gen();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const wasm0 = be.reservedBytes;
  const steps0 = prof[3];
  for (let g = 0; g < 40; g++) gen();
  gc();
  const grew = process.memoryUsage().heapUsed - heap0;
  assert.ok(prof[3] - steps0 > 20_000, `a long rollout (${prof[3] - steps0} member-steps)`);
  assert.ok(grew < 256 * 1024, `heap grew by ${grew} bytes over ${prof[3] - steps0} member-steps`);
  assert.equal(be.reservedBytes, wasm0, 'wasm memory reserved');
});

test('bench rl --json prints one line per (env, pop, backend, threads) and a summary last; bad flags exit 2', async () => {
  // The CLI in-process (test/helpers/cli.ts).
  const run = async (...args: string[]) => { const r = await runCli(args); return { status: r.code, stdout: r.stdout, stderr: r.stderr }; };
  const r = await run('bench', 'rl', '--envs', 'cartpole,pendulum', '--pops', '8', '--threads', '1', '--backend', 'wasm', '--hidden', '4', '--min-seconds', '0.01', '--json');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 5);
  for (const l of lines.slice(0, -1)) {
    assert.equal(l.bench, 'rl');
    assert.ok((l.member_steps_per_s as number) > 0 && (l.member_steps as number) > 0, JSON.stringify(l));
    const shares = (l.forward_share as number) + (l.env_share as number) + (l.other_share as number);
    assert.ok(Math.abs(shares - 1) < 1e-6, 'shares add up');
  }
  assert.deepEqual(lines.slice(0, -1).map((l) => `${l.env} ${l.backend}`), ['CartPole-v1 wasm', 'CartPole-v1 js', 'Pendulum-v1 wasm', 'Pendulum-v1 js']);
  const s = lines[lines.length - 1];
  assert.equal(s.summary, true);
  assert.equal(typeof s['CartPole-v1_8_over_js'], 'number');
  const bad = await run('bench', 'rl', '--pops', 'x');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /pops/);
  // Both algorithms at the same population in one run: a line each, and OpenES ÷ EGGROLL time per member-step.
  const both = await run('bench', 'rl', '--envs', 'cartpole', '--pops', '8', '--threads', '1', '--backend', 'wasm', '--hidden', '4', '--min-seconds', '0.01', '--skip-js', '--algos', 'eggroll,openes', '--json');
  assert.equal(both.status, 0, both.stderr);
  const bl = both.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(bl.slice(0, -1).map((l) => l.algo), ['eggroll', 'openes']);
  for (const l of bl.slice(0, -1)) assert.ok((l.es_s as number) > 0 && (l.with_es_member_steps_per_s as number) < (l.member_steps_per_s as number), JSON.stringify(l));
  const ratio = bl[bl.length - 1]['CartPole-v1_8_openes_over_eggroll_time_per_step'] as number;
  assert.ok(Number.isFinite(ratio) && ratio > 0, `ratio ${ratio}`);
  for (const k of ['policy_time_per_step', 'non_env_time_per_step']) assert.ok((bl[bl.length - 1][`CartPole-v1_8_openes_over_eggroll_${k}`] as number) > 0, k);
  const badAlgo = await run('bench', 'rl', '--algos', 'eggroll,ppo');
  assert.equal(badAlgo.status, 2);
  assert.match(badAlgo.stderr, /algos must be comma-separated: eggroll, openes/);
});

test('bench rl: a line needs one warm-up and one measured generation, not five (issue 28 item 5: a Box2D line took 12 minutes)', async () => {
  // Pendulum episodes are 200 steps at pop 8: a 1 ms limit is reached within the first measured generation.
  const r = await runCli(['bench', 'rl', '--envs', 'pendulum', '--pops', '8', '--threads', '1', '--backend', 'wasm', '--hidden', '4', '--min-seconds', '0.001', '--skip-js', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim().split('\n')[0]) as { generations: number };
  assert.equal(line.generations, 1);
  const help = await runCli(['bench', 'rl', '--help']);
  assert.match(help.stdout, /at least one warm-up and one measured generation whatever the limit/);
});
