/**
 * A settings sweep of the flat strategies on one RL environment: each strategy × each σ0 (ARS: its ν) × each learning
 * rate (PGPE's centre rate, ARS's step; the others have none and run once per σ0) × seeds, at the preset's population
 * and generations. Writes a page with one row per setting and the learning curves, so the table in rl.md (the preset's
 * settings, untuned) can be read beside what each strategy does with settings of its own.
 * Finished runs are reused (<root>/<env>-<algo>-sigma<σ>-lr<lr>-s<seed>), so the script can be stopped and restarted.
 *
 * Run: npx tsx scripts/rl-flat-sweep.ts --env pendulum --algos sep-cma-es,snes,pgpe,ars --sigmas 0.1,0.3,1
 *      --lrs 0.03,0.1,0.3 [--seeds 1] [--first-seed 0] [--root runs/rl-flat-sweep] [--out docs/results/rl-flat-sweep.md]
 *      [--only-existing true]   (aggregate finished runs only)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { finishedOrRun, meanStd, type RlRunSummary } from '../src/rl/run.js';
import { resolveRlConfig } from '../src/rl/config.js';
import { resolveEnv } from '../src/rl/envs/index.js';
import { readJsonl } from '../src/io/metrics.js';
import { linePlotSvg, writePlot } from '../src/io/plot.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { machineInfo } from '../src/bench/harness.js';

const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const numbers = (key: string, fallback: string) => (args.get(key) ?? fallback).split(',').map(Number);
const env = resolveEnv(args.get('env') ?? 'pendulum').id;
const algos = (args.get('algos') ?? 'sep-cma-es,snes,pgpe,ars').split(',');
const sigmas = numbers('sigmas', '0.1,0.3,1');
const lrs = numbers('lrs', '0.03,0.1,0.3');
const seeds = Number(args.get('seeds') ?? 1);
const firstSeed = Number(args.get('first-seed') ?? 0);
const root = args.get('root') ?? 'runs/rl-flat-sweep';
const out = args.get('out') ?? 'docs/results/rl-flat-sweep.md';
const onlyExisting = args.get('only-existing') === 'true';
/** Strategies whose update takes a learning rate from the preset's `lr` (es/flat-evolution.ts). */
const USES_LR = new Set(['pgpe', 'ars']);
for (const v of [...sigmas, ...lrs]) if (!(v > 0)) throw new Error(`--sigmas and --lrs take positive numbers, got ${v}`);

interface Setting { algo: string; sigma: number; lr: number; runs: RlRunSummary[] }
const preset = resolveRlConfig(env, {});
const settings: Setting[] = [];
for (const algo of algos) {
  for (const sigma of sigmas) {
    // Without a learning rate of its own a strategy runs once per σ0, at the preset's lr (which it ignores).
    for (const lr of USES_LR.has(algo) ? lrs : [preset.lr]) {
      const runs: RlRunSummary[] = [];
      for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
        const cfg = resolveRlConfig(env, { algo, seed, sigma, lr, backend: 'wasm' });
        const s = await finishedOrRun(cfg, join(root, `${env}-${algo}-sigma${sigma}-lr${lr}-s${seed}`), onlyExisting);
        if (!s) continue;
        console.error(`${env} ${algo} σ0 ${sigma} lr ${lr} seed ${seed}: eval ${s.eval_mean_return.toFixed(1)}, ${s.seconds.toFixed(0)} s`);
        runs.push(s);
      }
      if (runs.length) settings.push({ algo, sigma, lr, runs });
    }
  }
}

const label = (s: Setting) => `${s.algo} σ0 ${s.sigma}${USES_LR.has(s.algo) ? ` lr ${s.lr}` : ''}`;
const plotDir = out.replace(/\.md$/, '');
const plotRel = plotDir.split('/').pop()!;
mkdirSync(plotDir, { recursive: true });
await writePlot(`${plotDir}/${env}`, linePlotSvg({
  title: `${env}: population mean return by setting (mean over seeds)`, xLabel: 'generation', yLabel: 'return',
  series: settings.map((s) => {
    const curves = s.runs.map((r) => readJsonl(join(r.run_dir, 'metrics.jsonl')).map((m) => Number(m.mean_return)));
    const len = Math.min(...curves.map((c) => c.length));
    const y = Array.from({ length: len }, (_, g) => meanStd(curves.map((c) => c[g])).mean);
    return { name: label(s), x: y.map((_, g) => g), y };
  }),
  hLines: [{ y: resolveEnv(env).solvedThreshold, label: 'solved' }],
}));
const rows = settings.map((s) => {
  const ev = meanStd(s.runs.map((r) => r.eval_mean_return));
  const spg = meanStd(s.runs.map((r) => r.seconds_per_generation)).mean;
  const isPreset = s.sigma === preset.sigma && (!USES_LR.has(s.algo) || s.lr === preset.lr);
  return `| ${s.algo}${isPreset ? ' (preset)' : ''} | ${s.sigma} | ${USES_LR.has(s.algo) ? s.lr : '—'} | ${ev.mean.toFixed(1)}${s.runs.length > 1 ? ` ± ${ev.std.toFixed(1)}` : ''} | ${s.runs.map((r) => r.eval_mean_return.toFixed(0)).join(', ')} | ${s.runs.filter((r) => r.solved).length}/${s.runs.length} | ${(spg * 1000).toFixed(0)} |`;
});
const machine = await machineInfo();
const md = [
  `# Flat strategies on ${env}: a settings sweep`,
  '',
  `Command: \`npx tsx scripts/rl-flat-sweep.ts --env ${args.get('env') ?? 'pendulum'} --algos ${algos.join(',')} --sigmas ${sigmas.join(',')} --lrs ${lrs.join(',')} --seeds ${seeds}${firstSeed ? ` --first-seed ${firstSeed}` : ''}${root !== 'runs/rl-flat-sweep' ? ` --root ${root}` : ''}${out !== 'docs/results/rl-flat-sweep.md' ? ` --out ${out}` : ''}${onlyExisting ? ' --only-existing true' : ''}\`${onlyExisting ? ' (the finished runs among those seeds: a setting run on fewer seeds shows fewer)' : ''}`,
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, shared with other jobs (ms per generation is indicative).`,
  `The preset (src/rl/presets.ts): population ${preset.pop}, ${preset.gens} generations, σ ${preset.sigma}, lr ${preset.lr}. σ0 is`,
  'the flat strategy\'s initial step size (ARS: its fixed exploration ν); lr is PGPE\'s centre learning rate (ClipUp\'s speed',
  'limit twice it) and ARS\'s step size; Sep-CMA-ES and SNES set their own rates. "eval" is the mean return of the final',
  `parameters over 100 episodes from unseen starts; solved at ${resolveEnv(env).solvedThreshold}.`,
  '',
  '| strategy | σ0 | lr | eval return (mean over seeds) | per seed | seeds solved | ms per generation |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
  `![${env}](${plotRel}/${env}.svg)`,
  '',
];
writeFileAtomic(out, md.join('\n'));
console.log(md.join('\n'));
