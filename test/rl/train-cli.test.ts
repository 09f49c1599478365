import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { runRl } from '../../src/rl/run.js';
import { resolveRlConfig } from '../../src/rl/config.js';

import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { spawnCli } from '../helpers/spawn-cli.js';
/** The CLI in-process (test/helpers/cli.ts); `status` as spawnSync names it. */
const cli = async (args: string[]) => { const r = await runCli(args); return { status: r.code, stdout: r.stdout, stderr: r.stderr }; };

test('bad flags and config files exit with code 2 and one clear line', async () => {
  const dir = tempDir('cfg-');
  writeFileSync(join(dir, 'bad-key.json'), JSON.stringify({ population: 10 }));
  writeFileSync(join(dir, 'bad-json.json'), '{ pop: ');
  writeFileSync(join(dir, 'bad-value.json'), JSON.stringify({ sigma: -1 }));
  const cases: [string[], RegExp][] = [
    [['train', 'cartpole', '--pop', '7'], /--pop must be even/],
    [['train', 'cartpole', '--algo', 'cma'], /--algo: must be one of eggroll, openes/],
    [['train', 'cartpol'], /unknown environment 'cartpol'; allowed:/],
    [['train', 'cartpole', '--sigma', '0'], /--sigma: must be a finite number > 0/],
    [['train', 'cartpole', '--frobnicate'], /unknown flag --frobnicate \(allowed: --algo /],
    [['train', 'cartpole', '--rank', '99'], /--rank must be in \[1, 64\]/],
    [['train', 'cartpole', '--config', join(dir, 'bad-key.json')], /unknown key 'population'; allowed keys:/],
    [['train', 'cartpole', '--config', join(dir, 'bad-json.json')], /is not valid JSON/],
    [['train', 'cartpole', '--config', join(dir, 'bad-value.json')], /--sigma: must be a finite number > 0/],
    [['eval', join(dir, 'nothing-here')], /not a run directory/],
  ];
  for (const [args, want] of cases) {
    const r = await cli(args);
    assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], want);
  }
});

test('every command prints --help with an example', async () => {
  const r = await cli(['--help']);
  assert.equal(r.status, 0);
  const names = [...r.stdout.matchAll(/^  (\S+(?: (?!\s)\S+)?)\s{2,}/gm)].map((m) => m[1]);
  assert.ok(names.includes('train') && names.includes('demo'), r.stdout);
  for (const name of names) {
    const h = await cli([...name.split(' '), '--help']);
    assert.equal(h.status, 0, `${name} --help`);
    assert.match(h.stdout, /Example: eggroll /, `${name} --help has an example`);
  }
});

test('a short CartPole run learns', async () => {
  const dir = tempDir('cp-');
  const cfg = resolveRlConfig('cartpole', { pop: 64, gens: 12, hidden: [16], seed: 3, backend: 'auto', evalEpisodes: 20 });
  const s = await runRl(cfg, dir, false, {});
  const rows = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 12);
  assert.ok(s.final_mean_return > 3 * rows[0].mean_return && s.final_mean_return > 100, `mean return ${rows[0].mean_return} → ${s.final_mean_return}`);
  for (const f of ['config.json', 'summary.json', 'plots/learning-curve.svg', 'plots/learning-curve.png', 'checkpoints/latest.json']) assert.ok(existsSync(join(dir, f)), f);
});

test('a run killed mid-way and resumed reaches the same parameters as an uninterrupted one', async () => {
  const base = tempDir('resume-');
  const args = (out: string) => ['train', 'cartpole', '--pop', '32', '--gens', '8', '--hidden', '16', '--seed', '9', '--checkpoint-every', '1', '--eval-episodes', '5', '--backend', 'js', '--quiet', '--out', out];
  const straight = await cli(args(join(base, 'a')));
  assert.equal(straight.status, 0, straight.stderr);
  // Start the same run, kill it once a mid-run checkpoint exists, then resume it.
  const killed = join(base, 'b');
  const child = spawnCli(args(killed), { stdio: 'ignore' });
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      const latest = join(killed, 'checkpoints', 'latest.json');
      if (existsSync(latest) && JSON.parse(readFileSync(latest, 'utf8')).generation >= 3) { clearInterval(t); child.kill('SIGKILL'); resolve(); }
    }, 5);
  });
  await new Promise((r) => child.on('exit', r));
  const gen = JSON.parse(readFileSync(join(killed, 'checkpoints', 'latest.json'), 'utf8')).generation;
  assert.ok(gen < 8, `killed before the end (at ${gen})`);
  const resumed = await cli(['train', '--resume', killed, '--quiet']);
  assert.equal(resumed.status, 0, resumed.stderr);
  const load = (d: string) => decodeSafetensors(readFileSync(join(d, 'checkpoints', 'gen-0000008.safetensors'))).tensors;
  const a = load(join(base, 'a')), b = load(killed);
  for (const k of Object.keys(a)) assert.deepEqual(Buffer.from((b[k].data as Float32Array).buffer), Buffer.from((a[k].data as Float32Array).buffer), k);
  const ma = readFileSync(join(base, 'a', 'metrics.jsonl'), 'utf8').split('\n').map((l) => l.replace(/"seconds":[^,}]*/, ''));
  const mb = readFileSync(join(killed, 'metrics.jsonl'), 'utf8').split('\n').map((l) => l.replace(/"seconds":[^,}]*/, ''));
  assert.deepEqual(mb, ma);
});

test('RL training with observation normalisation gives identical parameters on 1 and 2 workers', async () => {
  const run = async (workers: number) => {
    const dir = tempDir(`w${workers}-`);
    const cfg = resolveRlConfig('acrobot', { pop: 16, gens: 3, hidden: [8], seed: 4, backend: 'wasm', evalEpisodes: 2, obsNorm: true, workers, episodes: 2 });
    await runRl(cfg, dir, false, {});
    return decodeSafetensors(readFileSync(join(dir, 'checkpoints', 'gen-0000003.safetensors'))).tensors;
  };
  const a = await run(1), b = await run(2);
  assert.ok(Object.keys(a).includes('task/state'));
  for (const k of Object.keys(a)) assert.deepEqual(Buffer.from(b[k].data.buffer), Buffer.from(a[k].data.buffer), k);
});

test('envs --json: the last stdout line is one object listing every environment (issue 28 item 11)', async () => {
  const r = await runCli(['envs', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'one line');
  const summary = JSON.parse(lines[0]) as { environments: { id: string; max_steps: number }[] };
  assert.deepEqual(summary.environments.map((e) => e.id), ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1', 'LunarLander-v3', 'LunarLanderContinuous-v3', 'BipedalWalker-v3', 'BipedalWalkerHardcore-v3']);
});
