/**
 * Theorem 3.2 check across n: reads the classes.json of `eggroll boolean prior` runs and prints one
 * markdown table of measured P(f) per class against n, with the App. D bounds and log(P)/M.
 * Usage: npx tsx scripts/boolean-prior-scaling.ts runs/boolean/prior-n2 runs/boolean/prior-n3 …
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { formatProbability as e, type ClassRow } from '../src/boolean/prior-analysis.js';

const dirs = process.argv.slice(2);
const runs = dirs.map((d) => ({
  cfg: JSON.parse(readFileSync(join(d, 'config.json'), 'utf8')) as { n: number; H: number; samples: number },
  classes: JSON.parse(readFileSync(join(d, 'classes.json'), 'utf8')) as ClassRow[],
}));
const names = ['constant 0', 't-entropy t=1', '1-parity (and complement)', '2-parity (and complement)', '3-parity (and complement)'];
const lines = ['| class | ' + runs.map((r) => `n=${r.cfg.n} (M=${r.cfg.H}, ${r.cfg.samples.toExponential(0)} draws)`).join(' | ') + ' |', '|---|' + runs.map(() => '---').join('|') + '|'];
for (const name of names) {
  lines.push(`| ${name}: measured P | ${runs.map((r) => e(r.classes.find((c) => c.cls === name)?.measured ?? null)).join(' | ')} |`);
  lines.push(`| ${name}: bounds | ${runs.map((r) => { const c = r.classes.find((x) => x.cls === name); return c ? `[${e(c.lower)}, ${e(c.upper)}]` : '—'; }).join(' | ')} |`);
  lines.push(`| ${name}: ln P / M | ${runs.map((r) => { const c = r.classes.find((x) => x.cls === name); return c && c.measured > 0 ? (Math.log(c.measured) / r.cfg.H).toFixed(3) : '—'; }).join(' | ')} |`);
}
process.stdout.write(lines.join('\n') + '\n');
