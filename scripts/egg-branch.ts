/**
 * Branches an EGG run from one of its checkpoints with changed hyperparameters, so that settings can
 * be compared from the same weights at equal step counts (docs/results/egg.md, "Levers tried").
 * Writes a new run directory holding config.json (the source run's, with the overrides), the
 * checkpoint as its latest, the source's metrics up to that step and its baselines; continue it with
 *   npx tsx src/cli/bin.ts lm train --resume <dest> --steps N --workers 1 --backend wasm --json
 * When --pop changes, the recurrent states (one per member) cannot be carried: they start from zero
 * (as at a document start); use --zero-states for the same-population control.
 *
 * Usage: npx tsx scripts/egg-branch.ts --from runs/egg-main --step 1000 --dest /tmp/eggx/a2
 *        [--alpha A] [--sigma-shift S] [--pop P] [--tokens T] [--zero-states]
 */
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readEggCheckpointAt, writeEggCheckpoint, type EggConfig } from '../src/egg/train.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string' }, step: { type: 'string' }, dest: { type: 'string' },
    alpha: { type: 'string' }, 'sigma-shift': { type: 'string' }, pop: { type: 'string' }, tokens: { type: 'string' }, 'zero-states': { type: 'boolean', default: false },
  },
});
if (!values.from || !values.step || !values.dest) throw new Error('usage: --from <run-dir> --step <n> --dest <dir> [--alpha A] [--sigma-shift S] [--pop P] [--tokens T] [--zero-states]');
const step = Number(values.step);
const cfg = JSON.parse(readFileSync(join(values.from, 'config.json'), 'utf8')) as Record<string, unknown>;
if (values.alpha) cfg.alpha = Number(values.alpha);
if (values['sigma-shift']) cfg.sigmaShift = Number(values['sigma-shift']);
if (values.tokens) cfg.tokens = Number(values.tokens);
const popChanged = values.pop !== undefined && Number(values.pop) !== cfg.pop;
if (values.pop) cfg.pop = Number(values.pop);
const { file: src, model: m } = readEggCheckpointAt(values.from, step);
const states = popChanged || values['zero-states'] ? new Int8Array((cfg.layers as number) * (cfg.pop as number) * (cfg.width as number)) : m.states;
mkdirSync(join(values.dest, 'checkpoints'), { recursive: true });
writeFileSync(join(values.dest, 'config.json'), JSON.stringify(cfg, null, 2));
const shape = { layers: cfg.layers, width: cfg.width, pop: cfg.pop, groupSize: cfg.groupSize, tokens: cfg.tokens, sigmaShift: cfg.sigmaShift, alpha: cfg.alpha, seed: cfg.seed } as EggConfig;
writeEggCheckpoint(values.dest, m.arch, m.params, states, shape, step);
copyFileSync(join(values.from, 'baselines.json'), join(values.dest, 'baselines.json'));
const metrics = readFileSync(join(values.from, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l && (JSON.parse(l) as { step: number }).step <= step);
writeFileSync(join(values.dest, 'metrics.jsonl'), metrics.map((l) => l + '\n').join(''));
process.stderr.write(`egg-branch: ${src} → ${values.dest} (alpha ${cfg.alpha}, sigma-shift ${cfg.sigmaShift}, pop ${cfg.pop}, tokens ${cfg.tokens}, states ${states === m.states ? 'kept' : 'zero'})\n`);
