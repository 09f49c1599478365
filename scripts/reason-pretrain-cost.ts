/**
 * What general text costs in pretraining (issue 32): seconds per step of `reason pretrain`'s loop (D 128, F 256, 2
 * blocks, 64 lines) on task text only, and with half of each batch KJV text (data/kjv-nt) cut at 48 or at 96
 * characters (a batch is padded to its longest line). Three interleaved rounds of 40 steps, the first 5 left out;
 * medians and their ratio to task-only.
 *
 * Run: npx tsx scripts/reason-pretrain-cost.ts
 */
import { pretrain, type PretrainConfig } from '../src/reason/pretrain.js';
import { loadTextCorpus } from '../src/reason/corpus.js';
import { TEXT_VOCAB_SIZE, VOCAB_SIZE } from '../src/reason/vocab.js';
const steps = 40;
const base = { tasks: ['countdown', 'addition'], steps, batch: 64, lr: 3e-3, solvedFraction: 0.5, seed: 1 } as const;
const t48 = loadTextCorpus('data/kjv-nt', 48).lines, t96 = loadTextCorpus('data/kjv-nt', 96).lines;
const cases: [string, PretrainConfig, string[]][] = [
  ['task only', { ...base, tasks: [...base.tasks], model: { dim: 128, hidden: 256, layers: 2, vocab: VOCAB_SIZE } }, []],
  ['half text, 48', { ...base, tasks: [...base.tasks], model: { dim: 128, hidden: 256, layers: 2, vocab: TEXT_VOCAB_SIZE }, textFraction: 0.5 }, t48],
  ['half text, 96', { ...base, tasks: [...base.tasks], model: { dim: 128, hidden: 256, layers: 2, vocab: TEXT_VOCAB_SIZE }, textFraction: 0.5 }, t96],
];
const res: Record<string, number[]> = {};
for (let round = 0; round < 3; round++) for (const [name, c, text] of cases) {
  let last = 0, first = 0;
  await pretrain(c, (s) => { if (s.step === 4) first = s.seconds; last = s.seconds; }, text);
  (res[name] ??= []).push((last - first) / (steps - 5));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
for (const [name, xs] of Object.entries(res)) console.log(name, (med(xs) * 1000).toFixed(0), 'ms/step', 'ratio', (med(xs) / med(res['task only'])).toFixed(2));
