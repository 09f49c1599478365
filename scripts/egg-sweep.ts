/**
 * Population sweep for EGG (docs/results/egg.md): `eggroll lm train` at a fixed number of steps for
 * each population, everything else equal; collects each run's JSON summary into
 * docs/results/egg/sweep.json and plots held-out bits/byte against the population (log x) with the
 * baselines, as docs/results/egg/sweep.{svg,png}.
 *
 * Usage: npx tsx scripts/egg-sweep.ts [--pops 64,256,1024,4096,16384] [--steps 30] [--tokens 25]
 *        [--width 64] [--workers 2] [--out runs/egg-sweep] [--name sweep]
 * (--name: the files written under docs/results/egg, <name>.json and <name>.{svg,png}.)
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { writeJsonAtomic } from '../src/io/atomic.js';
import { linePlotSvg, writePlot } from '../src/io/plot.js';

const { values } = parseArgs({
  options: {
    pops: { type: 'string', default: '64,256,1024,4096,16384' },
    steps: { type: 'string', default: '30' },
    tokens: { type: 'string', default: '25' },
    width: { type: 'string', default: '64' },
    name: { type: 'string', default: 'sweep' },
    workers: { type: 'string', default: '2' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs/egg-sweep' },
    results: { type: 'string', default: 'docs/results/egg' },
  },
});
const pops = values.pops!.split(',').map(Number);
const rows: Record<string, unknown>[] = [];
for (const pop of pops) {
  const args = ['--import', 'tsx', 'src/cli/bin.ts', 'lm', 'train', '--pop', String(pop), '--steps', values.steps!, '--tokens', values.tokens!,
    '--layers', '1', '--width', values.width!, '--eval-every', values.steps!, '--ckpt-every', values.steps!, '--workers', values.workers!,
    '--seed', values.seed!, '--backend', 'wasm', '--out', join(values.out!, `pop-${pop}`), '--json', '--quiet'];
  process.stderr.write(`egg-sweep: pop ${pop}: eggroll ${args.slice(3).join(' ')}\n`);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`pop ${pop}: exit ${r.status}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  rows.push(summary);
  process.stderr.write(`egg-sweep: pop ${pop}: held-out ${Number(summary.heldout_bpb).toFixed(3)} bits/byte in ${Number(summary.seconds).toFixed(0)} s\n`);
  writeJsonAtomic(join(values.results!, `${values.name}.json`), { steps: Number(values.steps), tokens: Number(values.tokens), width: Number(values.width), runs: rows });
}
const base = rows[0];
const svg = linePlotSvg({
  title: `EGG 1L×${values.width}D, T ${values.tokens}: held-out bits/byte after ${values.steps} steps vs population`,
  xLabel: 'population', yLabel: 'bits per byte', logX: true,
  series: [
    { name: 'held-out (unperturbed)', x: rows.map((r) => Number(r.pop)), y: rows.map((r) => Number(r.heldout_bpb)) },
    { name: 'train (unperturbed)', x: rows.map((r) => Number(r.pop)), y: rows.map((r) => Number(r.train_bpb)) },
  ],
  hLines: [{ y: Number(base.unigram_bpb), label: 'unigram' }, { y: Number(base.bigram_bpb), label: 'bigram' }, { y: Number(base.gzip_bpb), label: 'gzip -9' }],
});
await writePlot(join(values.results!, values.name!), svg);
