/** Run-directory artefacts of one training run: final formula and weights, W¹ heat map, dynamics plots. */
import { join } from 'node:path';
import { heatmapSvg, linePlotSvg, writePlot } from '../io/plot.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.js';
import { formatDnf, dnfLength } from './dnf.js';
import { activeClauses, toDnf, type Dfcn } from './dfcn.js';
import type { LearnResult } from './learner.js';

export async function writeW1Heatmap(path: string, net: Dfcn, title: string): Promise<void> {
  // Rows sorted active-first so the learnt clauses sit together at the top; inactive rows drawn at half.
  const order = Array.from({ length: net.H }, (_, i) => i);
  const active = (i: number) => net.w2[i] === 1 && net.w1.subarray(i * net.n, (i + 1) * net.n).some((x) => x !== 0);
  order.sort((a, b) => Number(active(b)) - Number(active(a)) || a - b);
  const values = new Float64Array(net.H * net.n);
  order.forEach((i, r) => {
    for (let j = 0; j < net.n; j++) values[r * net.n + j] = net.w1[i * net.n + j] * (active(i) ? 1 : 0.4);
  });
  await writePlot(path, heatmapSvg({ title, rows: net.H, cols: net.n, values, rowLabel: 'hidden unit (active rows first; pale = inactive)', colLabel: 'column j = input x_(j+1)', colorScale: 'diverging', min: -1, max: 1 }));
}

/**
 * final.dnf and final.json. When there is a network, both describe it — the formula is read back from
 * the network (Prop. 2.7), so β, the weights, the formula and the clause count always agree with what
 * the stored network computes (a formula with an empty clause, say, is not what a masked network holds).
 * Without one (an oracle formula wider than H) they describe the formula.
 */
export async function writeRunArtifacts(dir: string, r: LearnResult, label: string): Promise<void> {
  const f = r.net ? toDnf(r.net) : r.dnf;
  writeFileAtomic(join(dir, 'final.dnf'), `${formatDnf(f)}\n`);
  writeJsonAtomic(join(dir, 'final.json'), {
    dnf: formatDnf(f), beta: f.beta, dnf_length: dnfLength(f), clauses: r.net ? activeClauses(r.net) : f.clauses.length,
    ...(r.net ? { H: r.net.H, n: r.net.n, w1: Array.from(r.net.w1), w2: Array.from(r.net.w2) } : {}),
  });
  if (r.net) await writeW1Heatmap(join(dir, 'plots', 'w1'), r.net, `W¹ (${r.algo})`);
  if (r.log.length > 1) {
    const x = r.log.map((e) => e.step);
    await writePlot(join(dir, 'plots', 'dynamics'), linePlotSvg({
      title: `${r.algo}: accuracy — ${label}`, xLabel: 'step', yLabel: 'accuracy',
      series: [{ name: 'train', x, y: r.log.map((e) => e.train_acc) }, { name: 'test', x, y: r.log.map((e) => e.test_acc) }],
    }));
    await writePlot(join(dir, 'plots', 'norms'), linePlotSvg({
      title: `${r.algo}: norms — ${label}`, xLabel: 'step', yLabel: 'count',
      series: [
        { name: '‖W¹‖₁', x, y: r.log.map((e) => e.l1_w1) },
        { name: 'DNF length (active literals)', x, y: r.log.map((e) => e.dnf_length) },
        { name: 'active clauses', x, y: r.log.map((e) => e.active_clauses) },
      ],
    }));
  }
}
