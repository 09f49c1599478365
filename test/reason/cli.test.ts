import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, existsSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { jsBackend } from '../../src/backend/index.js';
import { ParamSet } from '../../src/nn/params.js';
import { initLm, lmSpecs } from '../../src/reason/model.js';
import { saveLm } from '../../src/reason/weights.js';
import { TEXT_VOCAB_SIZE, VOCAB_SIZE } from '../../src/reason/vocab.js';
import { loadLm } from '../../src/reason/weights.js';
import { tempDir } from '../helpers/temp.js';

const root = tempDir('reason-cli-');
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const cfg = { dim: 16, hidden: 24, layers: 1, vocab: VOCAB_SIZE };
const base = join(root, 'base.safetensors');
{
  const p = new ParamSet(lmSpecs(cfg), jsBackend);
  initLm(p, 2);
  saveLm(base, cfg, p.values, { made_by: 'test' });
}
const small = ['--base', base, '--prompts', '2', '--eval-count', '8', '--backend', 'js', '--quiet'];

test('reason train → eval: a run directory, a JSON summary, held-out accuracy with an interval', async () => {
  const out = join(root, 'run');
  const r = await runCli(['reason', 'train', '--algo', 'eggroll', '--task', 'countdown', '--steps', '3', '--group', '4', '--out', out, '--json', ...small]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(s.steps, 3);
  for (const f of ['run.json', 'config.json', 'metrics.jsonl', 'summary.json', 'checkpoints/latest.json', 'plots/accuracy.svg']) assert.ok(existsSync(join(out, f)), f);
  const e = await runCli(['reason', 'eval', out, '--json', '--backend', 'js']);
  assert.equal(e.code, 0, e.stderr);
  const a = JSON.parse(e.stdout.trim().split('\n').pop()!);
  assert.equal(a.problems, 8);
  assert.equal(a.accuracy, s.heldout_accuracy); // the same checkpoint, the same greedy decoding
  assert.ok(a.ci95[0] <= a.accuracy && a.accuracy <= a.ci95[1]);
  // Resume to more steps.
  const more = await runCli(['reason', 'train', '--resume', out, '--steps', '4', '--json', '--quiet']);
  assert.equal(more.code, 0, more.stderr);
  assert.equal(JSON.parse(more.stdout.trim().split('\n').pop()!).steps, 4);
});

test('reason train --tune lora:2 --recipe qiu → eval: the adapters are saved with the run and scored from its checkpoint', async () => {
  const out = join(root, 'run-lora');
  const r = await runCli(['reason', 'train', '--algo', 'openes', '--tune', 'lora:2', '--recipe', 'qiu', '--task', 'countdown', '--steps', '2', '--member-prompts', '2', '--group', '4', '--out', out, '--json', ...small]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const c = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.deepEqual([c.tune, c.recipe, c.group, c.memberPrompts, c.antithetic, c.esShaping, c.sigma], ['lora:2', 'qiu', 4, 2, false, 'zscore', 0.001]);
  assert.equal(c.tuned_values, 2 * (2 * 16 + 16 + 24 + 16 + 16 + 24 + VOCAB_SIZE + 16));
  const e = await runCli(['reason', 'eval', out, '--json', '--backend', 'js']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout.trim().split('\n').pop()!).accuracy, s.heldout_accuracy);
});

test('bad input: one line naming the problem, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['reason', 'train', '--algo', 'ppo', ...small], /--algo.*eggroll, openes, grpo/],
    [['reason', 'train', '--tune', 'lora', ...small], /--tune must be one of all \| head \| blocks:K \| lora:R/],
    [['reason', 'train', '--algo', 'grpo', '--recipe', 'qiu', ...small], /--recipe applies to --algo eggroll or openes only/],
    [['reason', 'train', '--samples', '2', ...small], /--samples 2 needs --temperature > 0/],
    [['reason', 'train', '--task', 'gsm8k', ...small], /--task/],
    [['reason', 'train', ...small, '--group', '5'], /--group must be even/],
    [['reason', 'train', '--temperature', '-1', ...small], /--temperature/],
    [['reason', 'train', '--base', join(root, 'nope.safetensors')], /no model file/],
    [['reason', 'train', '--resume', root, '--sigma', '0.1'], /--resume/],
    [['reason', 'eval', join(root, 'missing')], /not a run directory/],
    [['reason', 'pretrain', '--out', base], /exists/],
    [['reason', 'pretrain', '--tasks', 'countdown,chess'], /--tasks/],
    [['reason', 'pretrain', '--out', join(root, 'x.safetensors'), '--text-fraction', '0.3'], /--text-fraction: needs --corpus/],
    [['reason', 'pretrain', '--out', join(root, 'x.safetensors'), '--corpus', join(root, 'no-such-text')], /--corpus: '.*no-such-text' does not exist/],
  ];
  for (const [argv, why] of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, why, argv.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  }
});

test('reason pretrain --corpus: a base with the text vocabulary, its corpus in the provenance, that reason train fine-tunes', async () => {
  const texts = join(root, 'texts');
  mkdirSync(texts);
  writeFileSync(join(texts, 'a.txt'), 'Blessed are the meek: for they shall inherit the earth.\nBlessed are they which do hunger.\n');
  const out = join(root, 'text-base.safetensors');
  const r = await runCli(['reason', 'pretrain', '--out', out, '--corpus', texts, '--text-fraction', '0.5', '--steps', '2', '--batch', '4', '--dim', '8', '--hidden', '8', '--layers', '1', '--json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const m = loadLm(out);
  assert.equal(m.cfg.vocab, TEXT_VOCAB_SIZE);
  const prov = m.provenance as { corpus: { files: number; lines: number }; pretrain: { textFraction: number } };
  assert.deepEqual([prov.corpus.files, prov.corpus.lines, prov.pretrain.textFraction], [1, 3, 0.5]); // the 55-character line is cut at 48
  const run = join(root, 'run-text-base');
  const t = await runCli(['reason', 'train', '--base', out, '--algo', 'eggroll', '--tune', 'lora:1', '--steps', '2', '--group', '4', '--prompts', '2', '--eval-count', '8', '--backend', 'js', '--out', run, '--json', '--quiet']);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(JSON.parse(t.stdout.trim().split('\n').pop()!).steps, 2);
});

test('every reason command has --help with an example', async () => {
  for (const c of ['pretrain', 'train', 'eval']) {
    const r = await runCli(['reason', c, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout + r.stderr, /eggroll reason /);
  }
});
