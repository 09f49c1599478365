/**
 * Fitness shaping: raw fitness (one scalar per member, higher is better) → the weights the update uses.
 * Non-finite fitness (NaN, ±Inf) is first replaced by the worst finite value, counted, and never reaches
 * the parameters.
 */
export type Shaping =
  | { kind: 'centered-rank' }
  | { kind: 'zscore' }
  | { kind: 'group'; groupSize: number }
  | { kind: 'pair-sign' }
  | { kind: 'raw' };

export const SHAPING_KINDS = ['centered-rank', 'zscore', 'group', 'pair-sign', 'raw'] as const;

/** Replaces non-finite values by the worst finite value (0 if none is finite); returns how many. */
export function sanitizeFitness(f: Float64Array): number {
  let worst = Infinity;
  let bad = 0;
  for (const v of f) if (Number.isFinite(v) && v < worst) worst = v;
  if (worst === Infinity) worst = 0;
  for (let i = 0; i < f.length; i++) if (!Number.isFinite(f[i])) { f[i] = worst; bad++; }
  return bad;
}

/** OpenAI-ES centred ranks in [−0.5, 0.5]; ties share their average rank so the result is order-free. */
export function centeredRanks(f: Float64Array, out = new Float64Array(f.length)): Float64Array {
  const n = f.length;
  if (n === 1) { out[0] = 0; return out; }
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => f[a] - f[b] || a - b);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && f[idx[j + 1]] === f[idx[i]]) j++;
    const rank = (i + j) / 2;
    for (let k = i; k <= j; k++) out[idx[k]] = rank / (n - 1) - 0.5;
    i = j + 1;
  }
  return out;
}

function meanVar(f: Float64Array, lo = 0, hi = f.length): [number, number] {
  let s = 0;
  for (let i = lo; i < hi; i++) s += f[i];
  const mean = s / (hi - lo);
  let v = 0;
  for (let i = lo; i < hi; i++) v += (f[i] - mean) ** 2;
  return [mean, v / (hi - lo)];
}

/** (f − mean)/√(var + 1e-5), HyperscaleES's global z-score. */
export function zscore(f: Float64Array, out = new Float64Array(f.length)): Float64Array {
  const [mean, v] = meanVar(f);
  const d = Math.sqrt(v + 1e-5);
  for (let i = 0; i < f.length; i++) out[i] = (f[i] - mean) / d;
  return out;
}

/** GRPO-like: subtract each group's mean, divide by the global std (HyperscaleES convert_fitnesses). */
export function groupNormalize(f: Float64Array, groupSize: number, out = new Float64Array(f.length)): Float64Array {
  if (f.length % groupSize !== 0) throw new RangeError(`population ${f.length} is not divisible by group size ${groupSize}`);
  const [, v] = meanVar(f);
  const d = Math.sqrt(v + 1e-5);
  for (let g = 0; g < f.length; g += groupSize) {
    const [mean] = meanVar(f, g, g + groupSize);
    for (let i = g; i < g + groupSize; i++) out[i] = (f[i] - mean) / d;
  }
  return out;
}

/** sign(f⁺ − f⁻) for each antithetic pair: +s for the even member, −s for the odd one. */
export function pairSign(f: Float64Array, out = new Float64Array(f.length)): Float64Array {
  if (f.length % 2 !== 0) throw new RangeError(`pair-sign shaping needs an even population, got ${f.length}`);
  for (let i = 0; i < f.length; i += 2) {
    const s = Math.sign(f[i] - f[i + 1]);
    out[i] = s;
    out[i + 1] = -s;
  }
  return out;
}

export function shapeFitness(raw: Float64Array, shaping: Shaping): Float64Array {
  switch (shaping.kind) {
    case 'centered-rank': return centeredRanks(raw);
    case 'zscore': return zscore(raw);
    case 'group': return groupNormalize(raw, shaping.groupSize);
    case 'pair-sign': return pairSign(raw);
    case 'raw': return Float64Array.from(raw);
  }
}
