import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('egg-cli-');
import { runCli } from '../helpers/cli.js';
/** The CLI in-process (test/helpers/cli.ts); `status` as spawnSync names it. */
const cli = async (...args: string[]) => { const r = await runCli(args); return { status: r.code, stdout: r.stdout, stderr: r.stderr }; };

test('bad input exits 2 with one line naming the problem', async () => {
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'bin.txt'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
  const cases: [string[], RegExp][] = [
    [['--width', '32'], /--width: must be a power of 4/],
    [['--pop', '10', '--group-size', '4'], /--pop: must be divisible by --group-size 4/],
    [['--group-size', '3', '--pop', '6'], /--group-size: must be even/],
    [['--data', join(dir, 'empty.txt')], /is empty/],
    [['--data', join(dir, 'bin.txt')], /binary/],
    [['--pop', 'many'], /--pop: must be an? (integer|whole number|number)[^(]*\(got "many"\)/],
  ];
  for (const [args, re] of cases) {
    const r = await cli('lm', 'train', ...args, '--out', join(dir, 'never'));
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const s = await cli('lm', 'sample', join(dir, 'no-run'));
  assert.equal(s.status, 2);
});

test('lm train → eval → sample on a tiny text, with a JSON summary as the last stdout line', async () => {
  const text = Array.from({ length: 12 }, (_, i) => `Verse ${i}. And the light shineth in darkness; and the darkness comprehended it not.`).join('\n\n');
  writeFileSync(join(dir, 'tiny.txt'), text.repeat(3));
  const out = join(dir, 'run');
  const r = await cli('lm', 'train', '--data', join(dir, 'tiny.txt'), '--width', '16', '--pop', '8', '--tokens', '16', '--steps', '3', '--eval-every', '2', '--out', out, '--json', '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  for (const k of ['steps', 'pop', 'train_bpb', 'heldout_bpb', 'unigram_bpb', 'bigram_bpb', 'gzip_bpb', 'seconds']) assert.ok(k in summary, k);
  assert.equal(summary.steps, 3);
  assert.ok(existsSync(join(out, 'checkpoints', 'gen-0000003.safetensors')));
  assert.ok(existsSync(join(out, 'plots', 'loss.svg')));
  assert.equal(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 3);
  const e = await cli('lm', 'eval', out, '--json');
  assert.equal(e.status, 0, e.stderr);
  const ev = JSON.parse(e.stdout.trim().split('\n').pop()!);
  assert.equal(ev.heldout_bpb, summary.heldout_bpb);
  const s = await cli('lm', 'sample', out, '--prompt', 'Verse', '--bytes', '20', '--json');
  assert.equal(s.status, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout.trim().split('\n').pop()!).bytes, 20);
  const again = await cli('lm', 'sample', out, '--prompt', 'Verse', '--bytes', '20', '--json');
  assert.equal(again.stdout, s.stdout);
});

test('bench egg --json reports throughput and the GEMM share', async () => {
  const r = await cli('bench', 'egg', '--width', '16', '--pop', '8', '--tokens', '4', '--min-seconds', '0.01', '--json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.ok(s.tokens_members_per_s > 0);
  assert.ok(s.gemm_share_of_forward > 0 && s.gemm_share_of_forward < 1);
  assert.ok(['ts', 'wasm'].includes(s.per_row_kernels));
  assert.ok(s.forward_speedup_over_ts_kernels > 0 && s.ts_kernels_tokens_members_per_s > 0);
  assert.equal((await cli('bench', 'egg', '--width', '8')).status, 2);
});

test('lm train --resume: 2 steps + resume to 4 gives the same checkpoint bytes and metrics as 4 straight', async () => {
  const text = Array.from({ length: 12 }, (_, i) => `Chapter ${i}. Blessed are the meek: for they shall inherit the earth.`).join('\n\n');
  writeFileSync(join(dir, 'resume.txt'), text.repeat(3));
  const common = ['--data', join(dir, 'resume.txt'), '--width', '16', '--pop', '8', '--tokens', '8', '--eval-every', '1', '--ckpt-every', '2', '--quiet'];
  const a = join(dir, 'a'), b = join(dir, 'b');
  assert.equal((await cli('lm', 'train', ...common, '--steps', '2', '--out', a)).status, 0);
  const r = await cli('lm', 'train', '--resume', a, '--steps', '4', '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await cli('lm', 'train', ...common, '--steps', '4', '--out', b)).status, 0);
  const ck = (d: string) => readFileSync(join(d, 'checkpoints', 'gen-0000004.safetensors'));
  assert.deepEqual(ck(a), ck(b));
  const strip = (d: string) => readFileSync(join(d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const { seconds: _s, tokens_members_per_s: _t, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });
  assert.deepEqual(strip(a), strip(b));
  // A flag that would change the result is refused on resume.
  const bad = await cli('lm', 'train', '--resume', a, '--pop', '16');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /cannot change on resume/);
});

test('lm branch (was scripts/egg-branch.ts): a branch with unchanged settings resumes to the bytes of the straight run; a changed one runs', async () => {
  const text = Array.from({ length: 12 }, (_, i) => `Psalm ${i}. The heavens declare the glory of God; and the firmament sheweth his handywork.`).join('\n\n');
  writeFileSync(join(dir, 'branch.txt'), text.repeat(3));
  const common = ['--data', join(dir, 'branch.txt'), '--width', '16', '--pop', '8', '--tokens', '8', '--eval-every', '1', '--ckpt-every', '1', '--quiet'];
  const src = join(dir, 'branch-src'), same = join(dir, 'branch-same'), alpha = join(dir, 'branch-alpha');
  assert.equal((await cli('lm', 'train', ...common, '--steps', '4', '--out', src)).status, 0);
  let r = await cli('lm', 'branch', '--from', src, '--step', '2', '--out', same, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!).states, 'kept');
  assert.equal(readFileSync(join(same, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 2, 'the source metrics up to the step');
  r = await cli('lm', 'train', '--resume', same, '--steps', '4', '--quiet');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readFileSync(join(same, 'checkpoints', 'gen-0000004.safetensors')), readFileSync(join(src, 'checkpoints', 'gen-0000004.safetensors')));
  r = await cli('lm', 'branch', '--from', src, '--step', '2', '--alpha', '0.5', '--pop', '16', '--out', alpha, '--json');
  assert.equal(r.status, 0, r.stderr);
  const b = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual([b.alpha, b.pop, b.states], [0.5, 16, 'zero']);
  assert.equal((await cli('lm', 'train', '--resume', alpha, '--steps', '3', '--quiet')).status, 0);
  r = await cli('lm', 'branch', '--from', src, '--step', '9', '--out', join(dir, 'branch-bad'));
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});
