/**
 * Compares EGG training runs by held-out bits/byte against training time (docs/results/egg.md,
 * "Choosing the configuration"). Reads each run directory's config.json and metrics.jsonl, writes
 * <out>.json (per run: the configuration, and the held-out score first reached at or after each
 * checkpoint time, plus the last one) and <out>.{svg,png} (held-out vs seconds, with the baselines).
 * Seconds are the sum of the steps' own `seconds` (training only: held-out evaluations and
 * checkpoints excluded), so runs are comparable however often they were evaluated.
 *
 * Usage: npx tsx scripts/egg-compare.ts --out docs/results/egg/explore --at 100,200,300 runA runB ...
 *        [--title "…"]
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeJsonAtomic } from '../src/io/atomic.js';
import { linePlotSvg, writePlot } from '../src/io/plot.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, at: { type: 'string', default: '100,200,300' }, title: { type: 'string' } },
});
if (!values.out || positionals.length === 0) throw new Error('usage: --out <path-without-extension> [--at s1,s2,…] <run-dir> …');
const at = values.at!.split(',').map(Number);

interface Point { step: number; seconds: number; heldout: number }
const runs = positionals.map((dir) => {
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, number | string>;
  let t = 0;
  const pts: Point[] = [];
  let baselines: Record<string, number> = {};
  for (const line of readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const m = JSON.parse(line) as Record<string, number>;
    t += m.seconds ?? 0;
    if (m.heldout_bpb !== undefined) pts.push({ step: m.step, seconds: t, heldout: m.heldout_bpb });
  }
  try { baselines = JSON.parse(readFileSync(join(dir, 'baselines.json'), 'utf8')) as Record<string, number>; } catch { /* optional */ }
  const label = `${cfg.layers}L×${cfg.width}D pop ${cfg.pop} T ${cfg.tokens}`;
  const reached = Object.fromEntries(at.map((s) => {
    const p = pts.find((q) => q.seconds >= s);
    return [`${s}s`, p ? { step: p.step, seconds: Math.round(p.seconds), heldout_bpb: p.heldout } : null];
  }));
  const last = pts[pts.length - 1];
  return { dir: basename(dir), label, config: cfg, at: reached, last: last && { step: last.step, seconds: Math.round(last.seconds), heldout_bpb: last.heldout }, pts, baselines };
});

writeJsonAtomic(`${values.out}.json`, {
  note: 'held-out bits/byte first reached at or after each training time (seconds of steps, evaluations excluded)',
  runs: runs.map(({ pts: _p, baselines: _b, ...r }) => r),
});
const b = runs.find((r) => r.baselines.bigram_bpb !== undefined)?.baselines ?? {};
const hLines = [['unigram_bpb', 'unigram'], ['bigram_bpb', 'bigram'], ['gzip_bpb', 'gzip -9']]
  .filter(([k]) => b[k] !== undefined).map(([k, label]) => ({ y: b[k], label }));
await writePlot(values.out, linePlotSvg({
  title: values.title ?? 'EGG: held-out bits/byte vs training time',
  xLabel: 'training seconds', yLabel: 'held-out bits per byte',
  series: runs.map((r) => ({ name: r.label, x: r.pts.map((p) => p.seconds), y: r.pts.map((p) => p.heldout) })),
  hLines,
}));
for (const r of runs) process.stderr.write(`${r.label}: ${Object.entries(r.at).map(([k, v]) => `${k} ${v ? v.heldout_bpb.toFixed(3) : '—'}`).join(', ')}; last ${r.last?.heldout_bpb.toFixed(3)} at ${r.last?.seconds}s (step ${r.last?.step})\n`);
