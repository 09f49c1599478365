/**
 * Results must not depend on the JavaScript engine: ECMAScript leaves Math.sin/exp/log/pow… implementation-
 * approximated and V8 has changed their last bits between versions. So src/ calls the project's own
 * correctly rounded functions (src/math) and this test fails on a Math.<transcendental> call anywhere else,
 * except in the display-only places listed below; and planck is imported only through src/rl/envs/planck.ts,
 * which hands it the project's sin, cos and atan2 (test/rl/planck-math.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src', import.meta.url));
const TRANSCENDENTAL = /\bMath\.(sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|exp|expm1|log|log1p|log2|log10|pow|cbrt)\s*\(/;

/** Files where such calls only draw or describe, never feed a result: path → why. */
const DISPLAY_ONLY: Record<string, string> = {
  'io/plot.ts': 'axis ticks and log-scale positions of a plot',
  'playground/draw.ts': 'canvas drawing of the environments',
  'cli/commands/boolean-prior.ts': 'rounds plotted points to 2 decimals of log10 to thin a scatter plot',
  'cli/commands/bench-es.ts': 'the legacy Math.tanh forward kept as a timing baseline (--legacy-activations)',
  'cli/commands/bench-math.ts': 'the engine\'s functions, timed as the baseline of the project\'s',
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'math' ? [] : tsFiles(p);
    return name.endsWith('.ts') ? [p] : [];
  });
}

test('no Math.<transcendental> call in a result path of src/ (only src/math computes them)', () => {
  const problems: string[] = [];
  for (const file of tsFiles(src)) {
    const rel = relative(src, file);
    if (DISPLAY_ONLY[rel]) continue;
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*(\*|\/\*)/.test(code)) return; // comments
      const m = code.match(TRANSCENDENTAL);
      if (m) problems.push(`src/${rel}:${i + 1} calls ${m[0]} (use src/math, or list the file in DISPLAY_ONLY with why)`);
    });
  }
  assert.deepEqual(problems, []);
});

test('the display-only list names files that exist and still need it', () => {
  for (const rel of Object.keys(DISPLAY_ONLY)) {
    const text = readFileSync(join(src, rel), 'utf8');
    assert.match(text, TRANSCENDENTAL, `src/${rel} no longer calls Math.<transcendental>: remove it from DISPLAY_ONLY`);
  }
});

test('planck is imported only through src/rl/envs/planck.ts', () => {
  const problems = tsFiles(src).filter((f) => relative(src, f) !== 'rl/envs/planck.ts' && /from\s+'planck'|import\s*\(\s*'planck'/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(problems.map((f) => relative(src, f)), []);
});

test('the check catches a call (negative control)', () => {
  assert.match('const y = Math.exp(x);', TRANSCENDENTAL);
  assert.doesNotMatch('const y = Math.sqrt(x) + Math.fround(x);', TRANSCENDENTAL);
});
