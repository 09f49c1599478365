/**
 * Bad inputs and faults, driven through the real CLI as child processes (issue 17): an existing run
 * given as --out, damaged files in a run directory, the wrong kind of run, output errors (full disk,
 * closed pipe), Ctrl-C / SIGTERM / kill, endless counts and reads. Each case checks the exit code,
 * that the message is one line (no stack trace), and — by hashing the run directory before and
 * after — that nothing already written was changed or lost.
 *
 * Fixtures are three tiny runs (RL, LM, Boolean) made once; every case works on its own copy.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type StdioOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, tensor } from '../../src/io/safetensors.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.js';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { BadFileError, FsError } from '../../src/io/errors.js';
import { MetricsLog } from '../../src/io/metrics.js';
import { runCli } from '../helpers/cli.js';
import { writeEnvModule } from '../helpers/env-module.js';
import { cliModule, spawnCli } from '../helpers/spawn-cli.js';
import { encodeModel, findCheckpoint } from '../../src/egg/train.js';
import { tempDir } from '../helpers/temp.js';

const root = tempDir('faults-');
const base = join(root, 'fixtures');

interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs the CLI; `stdout` may be an fd (e.g. /dev/full). Killed after `timeoutMs` so no case can hang. */
interface CliOptions {
  stdout?: number;
  timeoutMs?: number;
  /** Called with all stderr so far on every chunk (e.g. to send a signal after the first progress line). */
  onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void;
  /** Called every 20 ms while the child runs. */
  poll?: (kill: (s: NodeJS.Signals) => void) => void;
  /** Run as a child process even though nothing above needs one. */
  process?: boolean;
}

/**
 * Runs the CLI: in this process (test/helpers/cli.ts) unless the case needs a real one — an fd for
 * stdout, a signal to send, a kill — or `process: true`.
 */
async function cli(args: string[], opts: CliOptions = {}): Promise<Result> {
  if (opts.stdout === undefined && !opts.onStderr && !opts.poll && !opts.process) {
    const r = await runCli(args);
    return { code: r.code, signal: null, stdout: r.stdout, stderr: r.stderr };
  }
  return new Promise((resolve) => {
    const stdio: StdioOptions = ['ignore', opts.stdout ?? 'pipe', 'pipe'];
    const child = spawnCli(args, { stdio });
    let stdout = '', stderr = '';
    child.stdout?.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(stderr, (s) => child.kill(s));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    const poller = opts.poll ? setInterval(() => opts.poll!((s) => child.kill(s)), 20) : undefined;
    child.on('close', (code, signal) => { clearTimeout(timer); clearInterval(poller); resolve({ code, signal, stdout, stderr }); });
  });
}

/** sha256 of every file under dir, by relative path: equal maps mean nothing was changed or lost. */
function hashDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

let serial = 0;
/** A private copy of a fixture run. */
function copy(kind: 'rl' | 'lm' | 'bool'): string {
  const dir = join(root, `${kind}-${++serial}`);
  cpSync(join(base, kind), dir, { recursive: true });
  return dir;
}

/** Exit 2 (or `code`), exactly one stderr line matching `re`, no stack trace. */
function oneLine(r: Result, re: RegExp, code = 2): void {
  assert.equal(r.code, code, `exit ${r.code}, stderr: ${r.stderr}`);
  // `auto` notes each backend it skips (e.g. native on a machine without the addon): not the message under test.
  const lines = r.stderr.trim().split('\n').filter((l) => !/^backend \w+ unavailable \(/.test(l));
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0], re);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

const RL = ['--pop', '8', '--hidden', '4', '--eval-episodes', '1'];
const LM = (data: string) => ['--data', data, '--width', '4', '--pop', '4', '--tokens', '4', '--eval-bytes', '64', '--workers', '1'];
const text = Array.from({ length: 80 }, (_, i) => `Verse ${i}. And the light shineth in darkness; and the darkness comprehended it not.`).join('\n\n');
const tiny = join(root, 'tiny.txt');
const ckName = (g: number) => `gen-${String(g).padStart(7, '0')}`;

describe('bad inputs and faults', { concurrency: 4 }, () => {
  before(async () => {
    mkdirSync(base, { recursive: true });
    writeFileSync(tiny, text);
    const made = await Promise.all([
      cli(['train', 'cartpole', ...RL, '--gens', '2', '--checkpoint-every', '1', '--seed', '1', '--quiet', '--out', join(base, 'rl')]),
      cli(['lm', 'train', ...LM(tiny), '--steps', '2', '--ckpt-every', '1', '--eval-every', '1', '--quiet', '--out', join(base, 'lm')]),
      cli(['boolean', 'train', '--n', '3', '--target', 'parity:2', '--m', '4', '--steps', '50', '--quiet', '--out', join(base, 'bool')]),
    ]);
    for (const r of made) assert.equal(r.code, 0, r.stderr);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  // ------------------------------------------------------------------ --out over an existing run
  test('train --out <existing run> is refused; the run is untouched', async () => {
    const dir = copy('rl');
    const before = hashDir(dir);
    oneLine(await cli(['train', 'cartpole', ...RL, '--gens', '1', '--out', dir]), /--out: '.*' is not empty .*--resume .*--force/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('lm train --out <existing lm run> is refused; the run is untouched', async () => {
    const dir = copy('lm');
    const before = hashDir(dir);
    oneLine(await cli(['lm', 'train', ...LM(tiny), '--steps', '1', '--out', dir]), /--out: .* is not empty/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('boolean prior --out <boolean train dir> is refused; nothing is mixed in', async () => {
    const dir = copy('bool');
    const before = hashDir(dir);
    oneLine(await cli(['boolean', 'prior', '--n', '2', '--samples', '100', '--out', dir]), /--out: .* is not empty.*--force/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('boolean train and demo --out <RL run> are refused', async () => {
    const dir = copy('rl');
    const before = hashDir(dir);
    oneLine(await cli(['boolean', 'train', '--n', '3', '--m', '4', '--target', 'parity:1', '--out', dir]), /is not empty/);
    oneLine(await cli(['demo', '--out', dir]), /is not empty/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('--force moves the old run aside intact; the new run keeps its own checkpoint and evaluates', async () => {
    const dir = copy('rl');
    const before = hashDir(dir);
    const r = await cli(['train', 'cartpole', ...RL, '--gens', '1', '--quiet', '--force', '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    const aside = readdirSync(root).find((n) => n.startsWith(`${dir.split('/').pop()}.old-`));
    assert.ok(aside, r.stderr);
    assert.deepEqual(hashDir(join(root, aside)), before);
    const latest = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8'));
    assert.ok(existsSync(join(dir, 'checkpoints', `${latest.checkpoint}.safetensors`)), 'latest.json points at a file that exists');
    assert.equal((await cli(['eval', dir, '--episodes', '1'])).code, 0);
  });

  test('train --backend webgpu with an activation the GPU has no kernel for: one line, nothing written (checked before the device opens)', async () => {
    const dir = join(root, 'webgpu-pqn');
    oneLine(await cli(['train', 'cartpole', '--backend', 'webgpu', '--activation', 'pqn', '--out', dir]), /--activation pqn has no GPU kernel: --backend webgpu takes --activation identity, tanh, relu/);
    assert.ok(!existsSync(dir));
  });

  test('--out that is a regular file is refused; the file is untouched', async () => {
    const f = join(root, 'a-file');
    writeFileSync(f, 'keep me');
    oneLine(await cli(['train', 'cartpole', '--out', f]), /--out: '.*a-file' is a file, not a folder/);
    assert.equal(readFileSync(f, 'utf8'), 'keep me');
  });

  test('--out under a regular file: one line naming the path and the cause (ENOTDIR), no temp-file name', async () => {
    const f = join(root, 'b-file');
    writeFileSync(f, '');
    const r = await cli(['lm', 'train', ...LM(tiny), '--out', join(f, 'run')]);
    oneLine(r, /--out: cannot create the folder '.*b-file\/run': a part of the path is a file, not a folder \(ENOTDIR\)/);
    assert.doesNotMatch(r.stderr, /\.tmp/);
  });

  test('--out in a folder that cannot be written: one line with the cause in words', async (t) => {
    let parent: string;
    if (process.getuid?.() === 0) {
      // As root, chmod does not stop writes; sysfs refuses new folders to root too (EPERM/EACCES/EROFS).
      if (!existsSync('/sys/kernel')) return t.skip('running as root without /sys: no folder root cannot write');
      parent = '/sys';
    } else {
      parent = join(root, 'read-only');
      mkdirSync(parent);
      chmodSync(parent, 0o555);
    }
    const r = await cli(['boolean', 'train', '--n', '3', '--m', '4', '--target', 'parity:1', '--out', join(parent, `eggroll-faults-${process.pid}`)]);
    oneLine(r, /--out: cannot (create the folder|write in) '.*': (permission denied|operation not permitted|the file system is read-only) \((EACCES|EPERM|EROFS)\)/);
  });

  // ------------------------------------------------------------------ damaged files in a run directory
  test('sidecar {"generation":"banana"} (no intact checkpoint left): exit 2 naming the file; metrics.jsonl kept', async () => {
    const dir = copy('rl');
    rmSync(join(dir, 'checkpoints', `${ckName(1)}.json`));
    rmSync(join(dir, 'checkpoints', `${ckName(1)}.safetensors`));
    writeFileSync(join(dir, 'checkpoints', `${ckName(2)}.json`), '{"generation":"banana"}');
    const before = hashDir(dir);
    oneLine(await cli(['train', '--resume', dir, '--quiet']), /gen-0000002\.json: field 'generation': must be a whole number/);
    assert.deepEqual(hashDir(dir), before);
    assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 2);
  });

  test('damaged newest sidecar: --resume falls back to the newest intact checkpoint, says so, and ends bit-identical', async () => {
    const dir = copy('rl');
    const want = readFileSync(join(dir, 'checkpoints', `${ckName(2)}.safetensors`));
    writeFileSync(join(dir, 'checkpoints', `${ckName(2)}.json`), '{"generation":"banana"}');
    const r = await cli(['train', '--resume', dir, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /gen-0000002\.json.*using the newest intact checkpoint, gen-0000001/);
    assert.deepEqual(readFileSync(join(dir, 'checkpoints', `${ckName(2)}.safetensors`)), want);
  });

  test('latest.json = nonsense: eval falls back to the newest intact checkpoint with a warning naming latest.json', async () => {
    const dir = copy('rl');
    writeFileSync(join(dir, 'checkpoints', 'latest.json'), 'nonsense');
    const r = await cli(['eval', dir, '--episodes', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /latest\.json: is not valid JSON.*using the newest intact checkpoint, gen-0000002/);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).generation, 2);
  });

  test('latest.json pointing at a deleted checkpoint: resume falls back instead of ENOENT', async () => {
    const dir = copy('rl');
    writeFileSync(join(dir, 'checkpoints', 'latest.json'), JSON.stringify({ checkpoint: ckName(9), generation: 9 }));
    const r = await cli(['train', '--resume', dir, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /gen-0000009.*is missing.*using the newest intact checkpoint, gen-0000002/);
  });

  test('truncated newest .safetensors: eval falls back to the previous checkpoint', async () => {
    const dir = copy('rl');
    const f = join(dir, 'checkpoints', `${ckName(2)}.safetensors`);
    writeFileSync(f, readFileSync(f).subarray(0, 50));
    const r = await cli(['eval', dir, '--episodes', '1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /gen-0000002\.safetensors: .*using the newest intact checkpoint, gen-0000001/);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).generation, 1);
  });

  test('every .safetensors truncated: exit 2 naming the file, no JSON parser message, run untouched', async () => {
    const dir = copy('rl');
    for (const g of [1, 2]) {
      const f = join(dir, 'checkpoints', `${ckName(g)}.safetensors`);
      writeFileSync(f, readFileSync(f).subarray(0, 40));
    }
    const before = hashDir(dir);
    oneLine(await cli(['train', '--resume', dir]), /gen-0000002\.safetensors: header length \d+ exceeds the file size.*no older checkpoint is intact/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('safetensors whose offsets disagree with shape × dtype: exit 2 naming the tensor', async () => {
    const dir = copy('rl');
    for (const g of [1, 2]) {
      const f = join(dir, 'checkpoints', `${ckName(g)}.safetensors`);
      const bytes = readFileSync(f);
      const n = Number(bytes.readBigUInt64LE(0));
      const header = bytes.subarray(8, 8 + n).toString().replace(/"shape":\[(\d+)\]/, (_, d) => `"shape":[${Number(d) + 1}]`);
      writeFileSync(f, Buffer.concat([bytes.subarray(0, 8), Buffer.from(header), bytes.subarray(8 + n)]));
    }
    oneLine(await cli(['eval', dir]), /\.safetensors: tensor '.*' has \d+ bytes but shape \[\d+\] × F\d+ needs \d+/);
  });

  test('config.json that is not JSON: exit 2 naming config.json', async () => {
    const dir = copy('rl');
    writeFileSync(join(dir, 'config.json'), '{"env": "CartPole-v1", ');
    const before = hashDir(dir);
    oneLine(await cli(['train', '--resume', dir]), /config\.json: is not valid JSON/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('config.json with a bad field: exit 2 naming the file and the field', async () => {
    const dir = copy('rl');
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, pop: 'many' }));
    oneLine(await cli(['eval', dir]), /config\.json: field 'pop'/);
  });

  test('run.json with an unknown kind: exit 2 naming run.json', async () => {
    const dir = copy('rl');
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ kind: 'banana', command: 'x', format: 1 }));
    oneLine(await cli(['eval', dir]), /run\.json: field 'kind'/);
  });

  test('lm: latest.json = nonsense: sample falls back to the newest intact checkpoint', async () => {
    const dir = copy('lm');
    writeFileSync(join(dir, 'checkpoints', 'latest.json'), 'nonsense');
    const r = await cli(['lm', 'sample', dir, '--bytes', '4', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /latest\.json: is not valid JSON.*gen-0000002/);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).step, 2);
  });

  test('--resume of a run with no checkpoint says it trains from generation 0; lm --resume with --steps below the steps done is refused (issue 28 item 12)', async () => {
    const dir = copy('rl');
    rmSync(join(dir, 'checkpoints'), { recursive: true });
    const r = await cli(['train', '--resume', dir, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--resume: .* has no checkpoint yet \(it stopped before its first\); training it from generation 0 with its config\.json/);
    const lm = copy('lm');
    const before = hashDir(lm);
    oneLine(await cli(['lm', 'train', '--resume', lm, '--steps', '1']), /--steps 1: '.*' has done 2 steps already \(--steps counts them too\); give --steps above 2/);
    assert.deepEqual(hashDir(lm), before, 'nothing written');
  });

  test('lm: damaged newest sidecar: resume falls back to step 1 and says so', async () => {
    const dir = copy('lm');
    writeFileSync(join(dir, 'checkpoints', `${ckName(2)}.json`), '{"generation":"banana"}');
    const r = await cli(['lm', 'train', '--resume', dir, '--steps', '2', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /gen-0000002\.json: field 'generation'.*using the newest intact checkpoint, gen-0000001/);
  });

  test('lm: every checkpoint corrupted: exit 2 naming the file, run untouched', async () => {
    const dir = copy('lm');
    for (const g of [1, 2]) writeFileSync(join(dir, 'checkpoints', `${ckName(g)}.safetensors`), Buffer.alloc(64, 0xff));
    const before = hashDir(dir);
    oneLine(await cli(['lm', 'eval', dir]), /gen-0000002\.safetensors: header length .* exceeds the file size/);
    oneLine(await cli(['lm', 'train', '--resume', dir]), /gen-0000002\.safetensors: /);
    assert.deepEqual(hashDir(dir), before);
  });

  test('lm: a run written before the shared checkpoint module (step-NNNNNN files) still evaluates, samples and resumes', async () => {
    const dir = copy('lm');
    const ckDir = join(dir, 'checkpoints');
    // Rewrite the fixture's checkpoints in the old layout: eggroll-egg model files, {step, config} sidecars, latest {step, file}.
    for (const g of [1, 2]) {
      const { model } = findCheckpoint(dir)!;
      const stem = `step-${String(g).padStart(6, '0')}`;
      const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      const shape = { layers: cfg.layers, width: cfg.width, pop: cfg.pop, groupSize: cfg.groupSize, tokens: cfg.tokens, sigmaShift: cfg.sigmaShift, alpha: cfg.alpha, seed: cfg.seed };
      writeFileSync(join(ckDir, `${stem}.safetensors`), encodeModel(model.arch, model.params, model.states, shape, g));
      writeFileSync(join(ckDir, `${stem}.json`), JSON.stringify({ step: g, config: shape }));
      writeFileSync(join(ckDir, 'latest.json'), JSON.stringify({ step: g, file: `${stem}.safetensors` }));
    }
    for (const f of readdirSync(ckDir)) if (f.startsWith('gen-')) rmSync(join(ckDir, f));
    const e = await cli(['lm', 'eval', dir, '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.match(JSON.parse(e.stdout.trim().split('\n').pop()!).checkpoint, /step-000002\.safetensors$/);
    assert.equal((await cli(['lm', 'sample', dir, '--bytes', '4'])).code, 0);
    const r = await cli(['lm', 'train', '--resume', dir, '--steps', '3', '--quiet', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).steps, 3);
  });

  test('lm: config.json with a bad width: exit 2 naming config.json and the field', async () => {
    const dir = copy('lm');
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, width: 5 }));
    const before = hashDir(dir);
    oneLine(await cli(['lm', 'train', '--resume', dir]), /config\.json: field 'width': must be a power of 4/);
    assert.deepEqual(hashDir(dir), before);
  });

  // ------------------------------------------------------------------ the wrong kind of run
  test('eval <lm run>: exit 2 saying it is an LM run', async () => {
    oneLine(await cli(['eval', join(base, 'lm')]), /is an LM run \(written by eggroll lm train\); expected a run directory written by eggroll train/);
  });

  test('train --resume <lm run>: exit 2, run untouched', async () => {
    const dir = copy('lm');
    const before = hashDir(dir);
    oneLine(await cli(['train', '--resume', dir]), /--resume: .* is an LM run/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('lm sample <RL run>: exit 2 saying it is an RL run', async () => {
    oneLine(await cli(['lm', 'sample', join(base, 'rl')]), /<run-dir>: .* is an RL run/);
  });

  test('lm train --resume <RL run>: exit 2 and no baselines.json written into it', async () => {
    const dir = copy('rl');
    const before = hashDir(dir);
    oneLine(await cli(['lm', 'train', '--resume', dir]), /--resume: .* is an RL run/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('lm eval <Boolean run>: exit 2 saying it is a Boolean run', async () => {
    oneLine(await cli(['lm', 'eval', join(base, 'bool')]), /is a Boolean run/);
  });

  test('train pendulum --resume <CartPole run>: exit 2 instead of silently ignoring pendulum', async () => {
    const dir = copy('rl');
    const before = hashDir(dir);
    oneLine(await cli(['train', 'pendulum', '--resume', dir]), /is a CartPole-v1 run, not Pendulum-v1/);
    assert.deepEqual(hashDir(dir), before);
  });

  test('eval <a file> and eval <an empty folder>: exit 2, not a run directory', async () => {
    oneLine(await cli(['eval', tiny]), /is a file, not a run directory/);
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    oneLine(await cli(['eval', empty]), /is not a run directory \(no config\.json\)/);
  });

  test('an older run without run.json still loads (kind inferred from config.json)', async () => {
    const dir = copy('rl');
    rmSync(join(dir, 'run.json'));
    const r = await cli(['eval', dir, '--episodes', '1']);
    assert.equal(r.code, 0, r.stderr);
    const lm = copy('lm');
    rmSync(join(lm, 'run.json'));
    oneLine(await cli(['eval', lm]), /is an LM run/);
  });

  test('checkpoints/ replaced by a file: exit 1 with one line naming the path and the cause', async () => {
    const dir = copy('rl');
    rmSync(join(dir, 'checkpoints'), { recursive: true });
    writeFileSync(join(dir, 'checkpoints'), '');
    const r = await cli(['train', '--resume', dir, '--quiet']);
    oneLine(r, /cannot .*checkpoints.*(not a folder|ENOTDIR)/, 1);
  });

  // ------------------------------------------------------------------ output errors
  test('envs > /dev/full: exit 1, one line, no stack trace', { skip: !existsSync('/dev/full') }, async () => {
    const fd = openSync('/dev/full', 'w');
    try {
      oneLine(await cli(['envs'], { stdout: fd }), /cannot write to stdout: no space left on the device \(disk full\) \(ENOSPC\)/, 1);
    } finally {
      closeSync(fd);
    }
  });

  test('train --json > /dev/full: exit 1 with one error line; the run directory is complete', { skip: !existsSync('/dev/full') }, async () => {
    const fd = openSync('/dev/full', 'w');
    const out = join(root, 'full-json');
    try {
      const r = await cli(['train', 'cartpole', ...RL, '--gens', '1', '--quiet', '--json', '--out', out], { stdout: fd });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr.trim().split('\n').pop()!, /cannot write to stdout: .*ENOSPC/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.ok(existsSync(join(out, 'summary.json')));
    } finally {
      closeSync(fd);
    }
  });

  test('stdout closed by the reader (EPIPE): exit 1, one line', async () => {
    const r = await new Promise<Result>((resolve) => {
      const child = spawnCli(['envs', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.destroy(); // the reader goes away before anything is written
      let stderr = '';
      child.stderr!.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout: '', stderr }); });
    });
    oneLine(r, /cannot write to stdout: the reader closed the pipe \(EPIPE\)/, 1);
  });

  // ------------------------------------------------------------------ Ctrl-C, SIGTERM, kill
  for (const [algo, steps, every] of [['mh', 1e9, 200000], ['greedy', 1e6, 5], ['eggroll', 1e6, 5]] as const) {
    test(`Ctrl-C during boolean train (${algo}): it stops at the next log entry, writes what it has, exit 130 (issue 28 item 13)`, async () => {
      const dir = join(root, `sigint-boolean-${algo}`);
      let sent = false;
      const r = await cli(['boolean', 'train', '--n', '7', '--target', 'parity:4', '--algo', algo, '--steps', String(steps), '--log-every', String(every), '--out', dir], {
        onStderr: (s, kill) => { if (!sent && new RegExp(`\\d+/${steps}`).test(s)) { sent = true; kill('SIGINT'); } },
        timeoutMs: 120_000,
      });
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, new RegExp(`interrupted \\(SIGINT\\) at step \\d+ of ${steps}: the run so far is written in`));
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { steps: number };
      assert.ok(summary.steps > 0 && summary.steps < steps && summary.steps % every === 0, `steps ${summary.steps}`);
      for (const f of ['final.dnf', 'metrics.jsonl', 'plots/w1.png']) assert.ok(existsSync(join(dir, f)), f);
    });
  }

  test('Ctrl-C during train: checkpoint, resume hint, exit 130; resuming ends bit-identical to a straight run', async () => {
    const dir = join(root, 'sigint-rl'), straight = join(root, 'sigint-straight');
    const args = ['train', 'cartpole', ...RL, '--seed', '5', '--checkpoint-every', '100000'];
    let sent = false;
    const r = await cli([...args, '--gens', '1000000', '--out', dir], {
      onStderr: (s, kill) => { if (!sent && /\d+\/1000000/.test(s)) { sent = true; kill('SIGINT'); } },
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr.trim().split('\n').pop()!, /interrupted \(SIGINT\): checkpoint written at generation \d+; resume with: eggroll train --resume .*sigint-rl$/);
    const g = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')).generation as number;
    assert.ok(g >= 1);
    assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').length, g);
    const resumed = await cli(['train', '--resume', dir, '--gens', String(g + 2), '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await cli([...args, '--gens', String(g + 2), '--quiet', '--out', straight])).code, 0);
    const ck = (d: string) => readFileSync(join(d, 'checkpoints', `${ckName(g + 2)}.safetensors`));
    assert.deepEqual(ck(dir), ck(straight));
  });

  test('SIGTERM during the first generation stops at its end, not one generation later', async () => {
    const dir = join(root, 'sigterm-boundary');
    let sent = false;
    // One thread, a first generation of a few tenths of a second: the signal lands while it computes.
    const r = await cli(['train', 'pendulum', '--pop', '2048', '--backend', 'wasm', '--workers', '1', '--eval-episodes', '1', '--gens', '1000000', '--checkpoint-every', '100000', '--out', dir], {
      // config.json is written after the handler is installed and before the first generation starts.
      poll: (kill) => { if (!sent && existsSync(join(dir, 'config.json'))) { sent = true; kill('SIGTERM'); } },
      timeoutMs: 120_000, // start-up under a loaded machine, not the stop, is the slow part
    });
    assert.equal(r.code, 143, r.stderr);
    const g = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')).generation as number;
    assert.equal(g, 1, r.stderr);
  });

  test('a second Ctrl-C quits at once (exit 130), keeping the checkpoints already written', async () => {
    const dir = join(root, 'sigint-twice');
    // A simulator whose steps take 100 ms, 80 steps an episode, never ending early (an --import'ed environment): a
    // generation lasts ≥ 8 s while the main thread waits idle. The first Ctrl-C goes 0.5 s after the first progress
    // line (a generation boundary, where the loop checks for a stop); the second once the run says it is finishing
    // that generation — sent only then, since two signals sent together may arrive as one. A loaded machine may be
    // slow to show this process the child's output: the 7.5 s left of the generation are the margin.
    const slow = writeEnvModule(cliModule('rl/envs/index'), { id: 'SlowPoint-v0', alias: 'slow-point', stepMs: 100, maxSteps: 80, endless: true });
    let scheduled = false;
    let second = false;
    let seen = 0; // the last generation a progress line showed when the first Ctrl-C was sent
    let text = '';
    const r = await cli(['train', 'slow-point', '--import', slow, '--pop', '4', '--hidden', '4', '--workers', '2', '--eval-episodes', '1', '--gens', '1000000', '--checkpoint-every', '1', '--out', dir], {
      onStderr: (s, kill) => {
        text = s;
        if (!scheduled && /\d+\/1000000/.test(s)) {
          scheduled = true;
          setTimeout(() => { seen = Math.max(...[...text.matchAll(/(\d+)\/1000000/g)].map((m) => Number(m[1]))); kill('SIGINT'); }, 500);
        }
        if (scheduled && !second && /Ctrl-C: finishing/.test(s)) { second = true; kill('SIGINT'); }
      },
      timeoutMs: 120_000, // start-up under a loaded machine is the slow part
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Ctrl-C: finishing this generation[^\n]*\nSIGINT again: quitting at once; the last checkpoint written is kept/);
    assert.doesNotMatch(r.stderr, /checkpoint written at generation/, 'the generation in progress was finished');
    const latest = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8'));
    assert.ok(latest.generation >= seen && seen >= 1, `latest ${latest.generation}, seen ${seen}`);
    assert.equal(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').length, latest.generation, 'a generation after the last checkpoint was recorded');
    assert.ok(existsSync(join(dir, 'checkpoints', `${latest.checkpoint}.safetensors`)));
  });

  test('SIGTERM during lm train: checkpoint, resume hint, exit 143; the resumed run continues its metrics', async () => {
    const dir = join(root, 'sigterm-lm');
    let sent = false;
    const r = await cli(['lm', 'train', ...LM(tiny), '--steps', '1000000', '--out', dir], {
      onStderr: (s, kill) => { if (!sent && /lm train 1\/1000000/.test(s)) { sent = true; kill('SIGTERM'); } },
    });
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr.trim().split('\n').pop()!, /terminated \(SIGTERM\): checkpoint written at step \d+; resume with: eggroll lm train --resume /);
    const s = JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')).generation as number;
    const resumed = await cli(['lm', 'train', '--resume', dir, '--steps', String(s + 1), '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(steps, Array.from({ length: s + 1 }, (_, i) => i + 1));
  });

  test('kill -9 during lm train, with a stray temp file left: resume continues from the last checkpoint', async () => {
    const dir = join(root, 'kill-lm');
    const latest = join(dir, 'checkpoints', 'latest.json');
    let sent = false;
    const r = await cli(['lm', 'train', ...LM(tiny), '--steps', '1000000', '--ckpt-every', '1', '--quiet', '--out', dir], {
      poll: (kill) => { if (!sent && existsSync(latest)) { sent = true; kill('SIGKILL'); } },
    });
    assert.equal(r.signal, 'SIGKILL');
    writeFileSync(join(dir, 'checkpoints', '.gen-0000099.safetensors.1.1.tmp'), 'half a file');
    const s = JSON.parse(readFileSync(latest, 'utf8')).generation as number;
    const resumed = await cli(['lm', 'train', '--resume', dir, '--steps', String(s + 2), '--quiet', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout.trim().split('\n').pop()!).steps, s + 2);
  });

  test('train --max-seconds stops at a generation boundary with a checkpoint and a resume hint (exit 0)', async () => {
    const dir = join(root, 'max-seconds');
    const r = await cli(['train', 'cartpole', ...RL, '--gens', '1000000', '--max-seconds', '0.5', '--quiet', '--json', '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.ok(s.gens >= 1 && s.gens < 1000000, `gens ${s.gens}`);
    assert.equal(JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')).generation, s.gens);
    assert.match(r.stderr, /--max-seconds 0\.5 reached at generation \d+ .*resume with: eggroll train --resume /);
  });

  test('train --stop-at-return stops after the first generation whose population mean reaches it, with a checkpoint', async () => {
    const dir = join(root, 'stop-at-return');
    // CartPole pays +1 a step, so every population's mean return is ≥ 1: the run stops after generation 1.
    const r = await cli(['train', 'cartpole', ...RL, '--gens', '50', '--stop-at-return', '1', '--quiet', '--json', '--out', dir]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(s.gens, 1);
    assert.equal(s.stopped_by, 'stop-at-return');
    assert.equal(JSON.parse(readFileSync(join(dir, 'checkpoints', 'latest.json'), 'utf8')).generation, 1);
    assert.match(r.stderr, /population mean return [\d.]+ ≥ --stop-at-return 1 at generation 1/);
    // A threshold no population reaches leaves the run to its --gens.
    const full = await cli(['train', 'cartpole', ...RL, '--gens', '2', '--stop-at-return', '1e9', '--quiet', '--json', '--out', join(root, 'stop-at-return-unreached')]);
    const f = JSON.parse(full.stdout.trim().split('\n').pop()!);
    assert.equal(f.gens, 2);
    assert.equal(f.stopped_by, undefined);
    oneLine(await cli(['train', 'cartpole', '--stop-at-return', 'high']), /--stop-at-return: must be a number/);
  });

  // ------------------------------------------------------------------ endless counts and reads, parsing
  test('boolean train --steps 1e20 is refused with the allowed range', async () => {
    oneLine(await cli(['boolean', 'train', '--steps', '1e20']), /--steps: must be a whole number in \[0, 1e10\]/);
  });

  test('boolean sweep --mh-steps 1e20 is refused with the allowed range', async () => {
    oneLine(await cli(['boolean', 'sweep', '--mh-steps', '1e20']), /--mh-steps: must be a whole number in \[1, 1e10\]/);
  });

  test('lm eval --data /dev/zero is refused at once instead of hanging', async () => {
    oneLine(await cli(['lm', 'eval', join(base, 'lm'), '--data', '/dev/zero'], { timeoutMs: 20_000 }), /--data: '\/dev\/zero' is a device, not a regular file/);
  });

  test('--out on a pseudo-filesystem (/proc) answers in one line with exit 2 instead of spinning (issue 28 item 1)', async () => {
    for (const args of [['train', 'cartpole', '--gens', '2', '--out', '/proc/eggroll-x'], ['train', 'cartpole', '--gens', '2', '--out', '/proc/self/x'],
      ['lm', 'train', '--out', '/proc/x'], ['boolean', 'train', '--out', '/proc/x'], ['train', 'cartpole', '--out', '/sys/eggroll-x']]) {
      oneLine(await cli(args, { timeoutMs: 30_000 }), /--out: cannot create the folder '\/(proc|sys)\/[^']+': .*choose another --out/);
    }
  });

  test('reason pretrain checks --out before training: an unwritable file is refused at once (issue 28 item 2)', async () => {
    for (const out of ['/sys/base.safetensors', '/proc/x.safetensors']) {
      const r = await cli(['reason', 'pretrain', '--steps', '50', '--batch', '4', '--out', out], { timeoutMs: 30_000 });
      oneLine(r, new RegExp(`--out: cannot write ${out.replace(/[./]/g, '\\$&')}: .*choose another file`));
      assert.doesNotMatch(r.stderr, /reason pretrain \d+\/50/, 'no training step ran');
    }
  });

  test('flag messages name the fault (issue 28 items 10, 13): unknown flag with a suggestion, Infinity, empty list entries, a bad value in --config', async () => {
    oneLine(await cli(['train', 'cartpole', '--popsize', '5']), /^eggroll train: unknown flag --popsize; did you mean --pop\? \(allowed: /);
    oneLine(await cli(['train', 'cartpole', '--sigmaa', '0.1']), /unknown flag --sigmaa; did you mean --sigma\?/);
    oneLine(await cli(['train', 'cartpole', '--lr', 'Infinity']), /--lr: must be a finite number > 0 \(got "Infinity"\)$/);
    oneLine(await cli(['train', 'cartpole', '--hidden', '64,,64']), /--hidden: must be comma-separated layer widths in \[1, 4096\] \(no empty or zero entries\)/);
    const cfg = join(root, 'bad-config.json');
    writeFileSync(cfg, JSON.stringify({ lr: -1 }));
    oneLine(await cli(['train', 'cartpole', '--config', cfg]), new RegExp(`config ${cfg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: --lr: must be a finite number > 0`));
    oneLine(await cli(['train', 'cartpole', '--obs-norm', '--no-obs-norm']), /--obs-norm and --no-obs-norm both given; keep one/);
  });

  test('--no-X turns off a boolean flag that the preset turns on (issue 28 item 10)', async () => {
    const out = join(root, 'no-obs-norm');
    const r = await cli(['train', 'mountaincar', '--gens', '1', '--pop', '16', '--eval-episodes', '1', '--no-obs-norm', '--out', out, '--quiet'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).obsNorm, false);
  });

  test('issue 28 item 13: lm --help lists the group (exit 0); a flag of the other method is refused; the table: target names --n; demo --quiet has no header', async () => {
    const h = await cli(['lm', '--help']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /lm train .*\n.*lm sample .*\n.*lm eval /);
    oneLine(await cli(['lm']), /^eggroll lm: expected one of: train, sample, eval, branch \(eggroll lm --help lists them\)$/);
    oneLine(await cli(['reason', 'train', '--algo', 'grpo', '--rank', '4']), /--rank applies to --algo eggroll only; --algo grpo takes --grpo-lr, --clip, --kl, --epochs/);
    oneLine(await cli(['reason', 'train', '--algo', 'eggroll', '--clip', '0.3']), /--clip applies to --algo grpo only/);
    oneLine(await cli(['boolean', 'train', '--n', '3', '--target', `table:${'0'.repeat(65536)}`]), /target 'table:0{32}…': the table has length 65536 but --n is 3 \(need length 8 = 2\^3\)$/);
    const demo = await cli(['demo', '--quiet', '--out', join(root, 'demo-quiet')], { timeoutMs: 120_000 });
    assert.equal(demo.code, 0, demo.stderr);
    assert.doesNotMatch(demo.stderr, /EGGROLL demo:/);
  });

  test('issue 28 item 13: boolean train with a long DNF (n = 12) prints its size and file, not the formula', async () => {
    const out = join(root, 'bool-n12');
    const r = await cli(['boolean', 'train', '--n', '12', '--target', 'random', '--steps', '2000', '--out', out, '--quiet'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /DNF: [\d,]+ characters, in .*final\.dnf/);
    assert.ok(r.stdout.length < 2000, `stdout is ${r.stdout.length} characters`);
    assert.ok(readFileSync(join(out, 'final.dnf'), 'utf8').length > 2000);
  });

  test('issue 28 item 3: reason train says which base model it uses; reason eval --base scores a model file; pretrain says how to train from its file', async () => {
    const tr = await cli(['reason', 'train', '--steps', '1', '--eval-count', '4', '--eval-every', '1', '--out', join(root, 'reason-base')], { timeoutMs: 120_000 });
    assert.equal(tr.code, 0, tr.stderr);
    assert.match(tr.stderr, /base model: .*base\.safetensors \(the one bundled with eggroll; --base FILE for another\)/);
    assert.match(readFileSync(join(root, 'reason-base', 'config.json'), 'utf8'), /"base": ".*base\.safetensors"/);
    const model = join(root, 'my-base.safetensors');
    const pre = await cli(['reason', 'pretrain', '--steps', '2', '--batch', '4', '--out', model], { timeoutMs: 120_000 });
    assert.equal(pre.code, 0, pre.stderr);
    assert.match(pre.stdout, new RegExp(`train from it with: eggroll reason train --base ${model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    const ev = await cli(['reason', 'eval', '--base', model, '--count', '4', '--json'], { timeoutMs: 120_000 });
    assert.equal(ev.code, 0, ev.stderr);
    const acc = JSON.parse(ev.stdout.trim().split('\n').pop()!).accuracy as Record<string, number>;
    assert.deepEqual(Object.keys(acc).sort(), ['addition', 'countdown']);
    oneLine(await cli(['reason', 'eval']), /missing argument <run-dir> .*or --base FILE/);
    oneLine(await cli(['reason', 'eval', join(root, 'reason-base'), '--base', model]), /give either <run-dir> .* or --base FILE/);
  });

  test('lm train --data /dev/zero and train --config /dev/zero are refused', async () => {
    oneLine(await cli(['lm', 'train', '--data', '/dev/zero', '--out', join(root, 'never-lm')], { timeoutMs: 20_000 }), /--data: '\/dev\/zero' is a device/);
    oneLine(await cli(['train', 'cartpole', '--config', '/dev/zero'], { timeoutMs: 20_000 }), /--config: '\/dev\/zero' is a device/);
    assert.ok(!existsSync(join(root, 'never-lm')));
  });

  test('negative numbers in the space form are read as values (--lr -1 → a range message, not "ambiguous")', async () => {
    oneLine(await cli(['train', 'cartpole', '--lr', '-1']), /^eggroll train: --lr: must be a finite number > 0 \(got "-1"\)$/);
    oneLine(await cli(['train', 'cartpole', '--seed', '-3']), /--seed: must be an integer in \[0, /);
  });

  test('a value starting with a dash that is not a number: the line says to write --flag=value', async () => {
    oneLine(await cli(['train', 'cartpole', '--out', '-x']), /--out: a value starting with '-' must be attached with '=': write --out=-x/);
  });

  test("a malformed --target ('dnf:x1 & & !x2') is reported as --target, not --m", async () => {
    oneLine(await cli(['boolean', 'train', '--n', '3', '--target', 'dnf:x1 & & !x2']), /^eggroll boolean train: --target: /);
  });

  test('--resume refuses --force (and train --resume refuses --out): they would start another run', async () => {
    const dir = copy('rl');
    const before = hashDir(dir);
    oneLine(await cli(['train', '--resume', dir, '--force']), /only --gens, --max-seconds, --stop-at-return, --workers, --backend, --redis, --import may be given \(got --force\)/);
    oneLine(await cli(['train', '--resume', dir, '--out', join(root, 'elsewhere')]), /may be given \(got --out\)/);
    oneLine(await cli(['lm', 'train', '--resume', copy('lm'), '--force']), /--force cannot change on resume/);
    const lm = copy('lm');
    const lmBefore = hashDir(lm);
    oneLine(await cli(['lm', 'train', '--resume', lm, '--out', join(root, 'elsewhere-lm')]), /--out cannot change on resume/);
    assert.ok(!existsSync(join(root, 'elsewhere-lm')));
    assert.deepEqual(hashDir(lm), lmBefore);
    assert.deepEqual(hashDir(dir), before);
  });

  test('lm train --resume without --steps runs to the run\'s own total (the fixture has 2 steps: nothing to do)', async () => {
    const dir = copy('lm');
    const r = await cli(['lm', 'train', '--resume', dir, '--quiet', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).steps, 2);
  });

  test('a folder holding only run.json (a start that failed early) is reused as --out, not refused', async () => {
    const dir = join(root, `only-run-json-${++serial}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ kind: 'rl', command: 'train', version: 1 }));
    const r = await cli(['train', 'cartpole', ...RL, '--gens', '1', '--out', dir, '--quiet', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'config.json')));
  });

  // ------------------------------------------------------------------ in-process: formats and rotation
  test('safetensors: truncated, overlapping, gapped and oversized headers are SafetensorsErrors', () => {
    const good = encodeSafetensors({ a: tensor(Float32Array.from([1, 2])), b: tensor(Int8Array.from([1, 2, 3, 4])) });
    const n = Number(new DataView(good.buffer).getBigUint64(0, true));
    const withHeader = (h: object) => {
      let json = JSON.stringify(h);
      while ((8 + json.length) % 8) json += ' ';
      const out = new Uint8Array(8 + json.length + 12);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(Buffer.from(json), 8);
      return out;
    };
    assert.throws(() => decodeSafetensors(good.subarray(0, 8 + n + 3)), (e) => e instanceof SafetensorsError && /lies outside the file/.test(e.message));
    assert.throws(() => decodeSafetensors(withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'I8', shape: [4], data_offsets: [4, 8] } })), /overlaps/);
    assert.throws(() => decodeSafetensors(withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } })), /4 bytes after the last tensor/);
    assert.throws(() => decodeSafetensors(withHeader({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } })), /unsupported dtype "F16"/);
    assert.throws(() => decodeSafetensors(withHeader({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } })), /invalid shape/);
    assert.throws(() => decodeSafetensors(withHeader([1, 2])), /not a JSON object/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
    assert.throws(() => decodeSafetensors(huge), /exceeds the file size/);
  });

  test('checkpoint rotation never deletes the checkpoint just written (stale higher names in the folder)', () => {
    const dir = mkdtempSync(join(root, 'rot-'));
    for (const g of [10, 20, 30]) saveCheckpoint(dir, { generation: g, state: { optimizerStep: g }, tensors: { w: tensor(Float32Array.from([g])) } });
    saveCheckpoint(dir, { generation: 1, state: { optimizerStep: 1 }, tensors: { w: tensor(Float32Array.from([1])) } });
    const latest = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
    assert.equal(latest.checkpoint, ckName(1));
    assert.ok(existsSync(join(dir, `${ckName(1)}.safetensors`)));
    assert.equal(loadCheckpoint(dir).generation, 1);
    // And the normal case still keeps the newest `keep`.
    for (let g = 2; g <= 5; g++) saveCheckpoint(dir, { generation: g, state: {}, tensors: { w: tensor(Float32Array.from([g])) } }, 2);
    const left = readdirSync(dir).filter((f) => /^gen-000000\d\.json$/.test(f)).sort();
    assert.deepEqual(left, [`${ckName(4)}.json`, `${ckName(5)}.json`]);
  });

  test('writeFileAtomic names the target (not its temp file) and the cause; loadCheckpoint names a bad sidecar', () => {
    const f = join(root, 'c-file');
    writeFileSync(f, '');
    assert.throws(() => writeFileAtomic(join(f, 'x.json'), '{}'), (e) => e instanceof FsError && /c-file/.test(e.message) && /not a folder \((ENOTDIR|EEXIST)\)/.test(e.message) && !/\.tmp/.test(e.message));
    const dir = mkdtempSync(join(root, 'sc-'));
    saveCheckpoint(dir, { generation: 3, state: {}, tensors: { w: tensor(Float32Array.from([3])) } });
    writeFileSync(join(dir, `${ckName(3)}.json`), '{"generation":3,"state":[]}');
    assert.throws(() => loadCheckpoint(dir), (e) => e instanceof BadFileError && /gen-0000003\.json: field 'state'/.test(e.message));
  });

  test('a full disk while appending metrics: an FsError naming the file and the cause (exit 1 in the CLI)', { skip: !existsSync('/dev/full') }, () => {
    const m = new MetricsLog('/dev/full');
    assert.throws(() => m.append({ gen: 1 }), (e) => e instanceof FsError && e.message === 'cannot append to /dev/full: no space left on the device (disk full) (ENOSPC)');
  });
});
