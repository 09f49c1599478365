/**
 * Plots as hand-built SVG strings (line, scatter, heatmap, bar), rendered to PNG by resvg.
 *
 * Why by hand: the run directory needs a learning curve and a few summary figures, not a charting
 * library; a few hundred lines of string building keep the dependency list at one native renderer and
 * make the output deterministic (same data → same bytes), which the tests rely on.
 */
import { Resvg } from '@resvg/resvg-js';
import { writeFileAtomic } from './atomic.js';
import { DIVERGING } from './palette.js';

export interface Band {
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Shaded region, e.g. mean ± std; drawn under the line. */
  band?: Band;
}

export interface HLine {
  y: number;
  label: string;
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Horizontal reference lines (a "solved" threshold, a baseline). */
  hLines?: HLine[];
}

export interface HeatmapOptions {
  title: string;
  rows: number;
  cols: number;
  /** Row-major, rows × cols. Non-finite cells are drawn grey. */
  values: ArrayLike<number>;
  rowLabel?: string;
  colLabel?: string;
  /** 'diverging' centres white on 0 (symmetric range unless min/max are given); default 'sequential'. */
  colorScale?: 'diverging' | 'sequential';
  min?: number;
  max?: number;
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  bars: { label: string; value: number; err?: number }[];
}

// ---------------------------------------------------------------- text and numbers

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';

/** Escapes the five XML special characters and drops control characters XML 1.0 forbids. */
export function escapeXml(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Coordinates with two decimals: enough for a screen, and it keeps files small and stable. */
function c(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** A tick label: float noise removed (0.30000000000000004 → 0.3), exponent form for extremes. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const clean = Number(v.toPrecision(10));
  const a = Math.abs(clean);
  if (a >= 1e6 || a < 1e-3) {
    const [m, e] = clean.toExponential().split('e');
    return `${Number(Number(m).toPrecision(6))}e${Number(e)}`;
  }
  return String(clean);
}

/** Shortens s with an ellipsis so that it fits in maxWidth px (long legend names must not leave the canvas). */
function fitText(s: string, maxWidth: number, size: number): string {
  const maxChars = Math.max(1, Math.floor(maxWidth / (size * 0.6)));
  return s.length <= maxChars ? s : `${s.slice(0, maxChars - 1)}…`;
}

/** s broken at spaces into lines of at most maxWidth px (a single over-long word is shortened with an ellipsis). */
function wrapText(s: string, maxWidth: number, size: number): string[] {
  const maxChars = Math.max(1, Math.floor(maxWidth / (size * 0.6)));
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= maxChars || !line) line = next;
    else { lines.push(line); line = word; }
  }
  lines.push(line);
  return lines.map((l) => fitText(l, maxWidth, size));
}

/** The legend column never takes more than this many px from the plot area. */
const LEGEND_MAX_W = 220;

function textEl(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${c(x)}" y="${c(y)}" ${attrs}>${escapeXml(s)}</text>`;
}

/** Rough text width for layout (DejaVu Sans averages ≈ 0.6 em per character). */
function textWidth(s: string, size: number): number {
  return s.length * size * 0.6;
}

// ---------------------------------------------------------------- scales and ticks

/**
 * "Nice" linear ticks (steps of 1, 2, 2.5 or 5 × 10^k) covering [lo, hi] with about `target` ticks;
 * returns the ticks and the domain extended to the outer ticks.
 */
export function niceTicks(lo: number, hi: number, target = 6): { ticks: number[]; lo: number; hi: number } {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, target - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { ticks, lo: ticks[0], hi: ticks[ticks.length - 1] };
}

/**
 * Log ticks in value space: powers of ten over whole decades; when the range is under two decades,
 * also 2× and 5× so that the axis still has several labels.
 */
export function logTicks(lo: number, hi: number): { ticks: number[]; lo: number; hi: number } {
  let a = Math.floor(Math.log10(lo) + 1e-9);
  let b = Math.ceil(Math.log10(hi) - 1e-9);
  if (b <= a) b = a + 1;
  const ticks: number[] = [];
  const fine = b - a <= 2;
  for (let e = a; e <= b; e++) {
    const p = 10 ** e;
    ticks.push(Number(p.toPrecision(12)));
    if (fine && e < b) ticks.push(Number((2 * p).toPrecision(12)), Number((5 * p).toPrecision(12)));
  }
  if (a === b) a -= 1;
  return { ticks, lo: 10 ** a, hi: 10 ** b };
}

interface Scale {
  /** value → pixel; NaN for values the scale cannot show (≤ 0 on a log axis). */
  map(v: number): number;
  ticks: number[];
}

function makeScale(values: number[], log: boolean, p0: number, p1: number): Scale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) {
    lo = log ? 1 : 0;
    hi = log ? 10 : 1;
  }
  if (log) {
    if (lo === hi) {
      lo /= 3;
      hi *= 3;
    }
    const t = logTicks(lo, hi);
    const l0 = Math.log10(t.lo);
    const l1 = Math.log10(t.hi);
    return {
      ticks: t.ticks,
      map: (v) => (v > 0 && Number.isFinite(v) ? p0 + ((Math.log10(v) - l0) / (l1 - l0)) * (p1 - p0) : NaN),
    };
  }
  const t = niceTicks(lo, hi);
  return {
    ticks: t.ticks,
    map: (v) => (Number.isFinite(v) ? p0 + ((v - t.lo) / (t.hi - t.lo)) * (p1 - p0) : NaN),
  };
}

/** Tableau 10: distinct, colour-blind-friendlier than a rainbow; cycles past ten series. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

// ---------------------------------------------------------------- shared frame

interface Frame {
  parts: string[];
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function svgOpen(width: number, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="${FONT}" font-size="12">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`
  );
}

/** Title, axis labels, grid and tick labels for an x/y chart. */
function axes(f: Frame, title: string, xLabel: string, yLabel: string, xs: Scale, ys: Scale, width: number, height: number): void {
  const { parts, left, right, top, bottom } = f;
  parts.push(textEl(width / 2, 22, title, 'text-anchor="middle" font-size="16" font-weight="bold"'));
  parts.push('<g class="grid" stroke="#e5e5e5" stroke-width="1">');
  for (const t of xs.ticks) parts.push(`<line x1="${c(xs.map(t))}" y1="${c(top)}" x2="${c(xs.map(t))}" y2="${c(bottom)}"/>`);
  for (const t of ys.ticks) parts.push(`<line x1="${c(left)}" y1="${c(ys.map(t))}" x2="${c(right)}" y2="${c(ys.map(t))}"/>`);
  parts.push('</g>');
  parts.push(`<rect x="${c(left)}" y="${c(top)}" width="${c(right - left)}" height="${c(bottom - top)}" fill="none" stroke="#333333"/>`);
  parts.push('<g class="xticks" text-anchor="middle">');
  for (const t of xs.ticks) parts.push(textEl(xs.map(t), bottom + 16, formatTick(t)));
  parts.push('</g><g class="yticks" text-anchor="end">');
  for (const t of ys.ticks) parts.push(textEl(left - 6, ys.map(t) + 4, formatTick(t)));
  parts.push('</g>');
  parts.push(textEl((left + right) / 2, height - 10, xLabel, 'text-anchor="middle" font-size="13"'));
  const ly = (top + bottom) / 2;
  parts.push(textEl(16, ly, yLabel, `text-anchor="middle" font-size="13" transform="rotate(-90 16 ${c(ly)})"`));
}

/** Legend to the right of the plot area: one swatch per series, then the reference lines. */
function legend(f: Frame, entries: { name: string; color: string; dashed: boolean; point: boolean }[]): void {
  if (entries.length === 0) return;
  const x = f.right + 12;
  f.parts.push('<g class="legend">');
  // A long name wraps onto more lines (never cut off mid-word: "held-out accuracy (greedy)" must read whole).
  let y = f.top + 10;
  entries.forEach((e) => {
    const lines = wrapText(e.name, LEGEND_MAX_W - 44, 12);
    if (e.point) f.parts.push(`<circle cx="${c(x + 10)}" cy="${c(y)}" r="3.5" fill="${e.color}"/>`);
    else
      f.parts.push(
        `<line x1="${c(x)}" y1="${c(y)}" x2="${c(x + 20)}" y2="${c(y)}" stroke="${e.color}" stroke-width="2"${e.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      );
    lines.forEach((l, k) => f.parts.push(textEl(x + 26, y + 4 + 14 * k, l)));
    y += 18 + 14 * (lines.length - 1);
  });
  f.parts.push('</g>');
}

const HLINE_COLOR = ['#444444', '#999999', '#b22222', '#006400'];

function xyChart(opts: LinePlotOptions, kind: 'line' | 'scatter'): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 440;
  const hLines = (opts.hLines ?? []).filter((h) => Number.isFinite(h.y) && (!opts.logY || h.y > 0));
  const legendNames = [...opts.series.map((s) => s.name), ...hLines.map((h) => h.label)];
  const legendW = legendNames.length ? Math.min(LEGEND_MAX_W, 44 + Math.max(...legendNames.map((n) => textWidth(n, 12)))) : 0;
  const f: Frame = { parts: [svgOpen(width, height)], left: 72, right: width - 20 - legendW, top: 40, bottom: height - 52 };

  // Domains from finite, plottable points only (a point needs both coordinates).
  const xv: number[] = [];
  const yv: number[] = [];
  const okX = (v: number) => Number.isFinite(v) && (!opts.logX || v > 0);
  const okY = (v: number) => Number.isFinite(v) && (!opts.logY || v > 0);
  for (const s of opts.series) {
    const n = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      if (!okX(s.x[i])) continue;
      if (okY(s.y[i])) {
        xv.push(s.x[i]);
        yv.push(s.y[i]);
      }
      if (s.band && okY(s.band.lo[i]) && okY(s.band.hi[i])) {
        xv.push(s.x[i]);
        yv.push(s.band.lo[i], s.band.hi[i]);
      }
    }
  }
  for (const h of hLines) yv.push(h.y);
  const xs = makeScale(xv, !!opts.logX, f.left, f.right);
  const ys = makeScale(yv, !!opts.logY, f.bottom, f.top);
  axes(f, opts.title, opts.xLabel, opts.yLabel, xs, ys, width, height);

  f.parts.push(`<defs><clipPath id="plot-area"><rect x="${c(f.left)}" y="${c(f.top)}" width="${c(f.right - f.left)}" height="${c(f.bottom - f.top)}"/></clipPath></defs>`);
  f.parts.push('<g clip-path="url(#plot-area)">');
  opts.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const n = Math.min(s.x.length, s.y.length);
    if (s.band) {
      // One closed polygon per run of consecutive points where the band is defined.
      const b = s.band;
      let run: number[] = [];
      const flush = () => {
        if (run.length >= 2) {
          const upper = run.map((i) => `${c(xs.map(s.x[i]))},${c(ys.map(b.hi[i]))}`);
          const lower = run.map((i) => `${c(xs.map(s.x[i]))},${c(ys.map(b.lo[i]))}`).reverse();
          f.parts.push(`<path class="band" d="M${upper.join('L')}L${lower.join('L')}Z" fill="${color}" fill-opacity="0.2" stroke="none"/>`);
        }
        run = [];
      };
      for (let i = 0; i < Math.min(n, b.lo.length, b.hi.length); i++) {
        if (okX(s.x[i]) && okY(b.lo[i]) && okY(b.hi[i])) run.push(i);
        else flush();
      }
      flush();
    }
    if (kind === 'line') {
      // A non-finite point breaks the line (a new M), rather than being bridged or drawn at 0.
      let d = '';
      let pen = false;
      const lone: number[] = [];
      let runLen = 0;
      let runStart = -1;
      for (let i = 0; i < n; i++) {
        if (okX(s.x[i]) && okY(s.y[i])) {
          d += `${pen ? 'L' : 'M'}${c(xs.map(s.x[i]))},${c(ys.map(s.y[i]))}`;
          if (!pen) runStart = i;
          pen = true;
          runLen++;
        } else {
          if (runLen === 1) lone.push(runStart);
          pen = false;
          runLen = 0;
        }
      }
      if (runLen === 1) lone.push(runStart);
      if (d) f.parts.push(`<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
      // An isolated point has no segment to draw, so it gets a marker instead of vanishing.
      for (const i of lone) f.parts.push(`<circle class="point" cx="${c(xs.map(s.x[i]))}" cy="${c(ys.map(s.y[i]))}" r="2.5" fill="${color}"/>`);
    } else {
      f.parts.push(`<g class="points" fill="${color}" fill-opacity="0.8">`);
      for (let i = 0; i < n; i++) {
        if (okX(s.x[i]) && okY(s.y[i])) f.parts.push(`<circle class="point" cx="${c(xs.map(s.x[i]))}" cy="${c(ys.map(s.y[i]))}" r="3"/>`);
      }
      f.parts.push('</g>');
    }
  });
  hLines.forEach((h, i) => {
    const y = ys.map(h.y);
    f.parts.push(
      `<line class="hline" x1="${c(f.left)}" y1="${c(y)}" x2="${c(f.right)}" y2="${c(y)}" stroke="${HLINE_COLOR[i % HLINE_COLOR.length]}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
    );
  });
  f.parts.push('</g>');
  legend(f, [
    ...opts.series.map((s, i) => ({ name: s.name, color: PALETTE[i % PALETTE.length], dashed: false, point: kind === 'scatter' })),
    ...hLines.map((h, i) => ({ name: h.label, color: HLINE_COLOR[i % HLINE_COLOR.length], dashed: true, point: false })),
  ]);
  f.parts.push('</svg>');
  return f.parts.join('\n');
}

/** Line chart; non-finite points (and ≤ 0 on a log axis) break the line instead of being drawn. */
export function linePlotSvg(opts: LinePlotOptions): string {
  return xyChart(opts, 'line');
}

/** Scatter chart with the same options as linePlotSvg; one circle per finite point. */
export function scatterPlotSvg(opts: LinePlotOptions): string {
  return xyChart(opts, 'scatter');
}

// ---------------------------------------------------------------- heatmap

/** Viridis at 9 stops, linearly interpolated: perceptually even, prints in greyscale. */
const VIRIDIS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
function ramp(stops: readonly (readonly number[])[], t: number): string {
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const w = u - i;
  const ch = (k: number) => Math.round(stops[i][k] * (1 - w) + stops[i + 1][k] * w);
  return `#${[ch(0), ch(1), ch(2)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function heatmapSvg(opts: HeatmapOptions): string {
  const { rows, cols, values } = opts;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) throw new RangeError(`heatmapSvg: rows and cols must be positive integers, got ${rows}×${cols}`);
  if (values.length !== rows * cols) throw new RangeError(`heatmapSvg: values has ${values.length} entries, expected rows·cols = ${rows * cols}`);
  const diverging = opts.colorScale === 'diverging';
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  }
  if (diverging && opts.min === undefined && opts.max === undefined) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    lo = -m;
    hi = m;
  }
  lo = opts.min ?? lo;
  hi = opts.max ?? hi;
  if (!(hi > lo)) hi = lo + 1;
  const stops = diverging ? DIVERGING : VIRIDIS;

  // The cell area keeps the matrix's aspect ratio inside 480 × 480 px.
  const side = 480;
  const areaW = rows >= cols ? Math.max(120, (side * cols) / rows) : side;
  const areaH = cols > rows ? Math.max(120, (side * rows) / cols) : side;
  const left = 72;
  const top = 40;
  const cw = areaW / cols;
  const chh = areaH / rows;
  const barX = left + areaW + 24;
  const width = Math.ceil(barX + 18 + 70);
  const height = Math.ceil(top + areaH + 56);
  const parts = [svgOpen(width, height)];
  parts.push(textEl(width / 2, 22, opts.title, 'text-anchor="middle" font-size="16" font-weight="bold"'));
  parts.push('<g class="cells" shape-rendering="crispEdges">');
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const v = values[r * cols + k];
      const fill = Number.isFinite(v) ? ramp(stops, (v - lo) / (hi - lo)) : '#bdbdbd';
      // Cells overlap by a fraction of a pixel so no hairline gaps show between them.
      parts.push(`<rect class="cell" x="${c(left + k * cw)}" y="${c(top + r * chh)}" width="${c(cw + 0.3)}" height="${c(chh + 0.3)}" fill="${fill}"/>`);
    }
  }
  parts.push('</g>');
  parts.push(`<rect x="${left}" y="${top}" width="${c(areaW)}" height="${c(areaH)}" fill="none" stroke="#333333"/>`);
  // Index ticks at cell centres, thinned to at most ~10 per axis.
  const idxTicks = (n: number) => {
    const step = Math.max(1, Math.ceil(n / 10));
    const out: number[] = [];
    for (let i = 0; i < n; i += step) out.push(i);
    return out;
  };
  parts.push('<g class="xticks" text-anchor="middle">');
  for (const k of idxTicks(cols)) parts.push(textEl(left + (k + 0.5) * cw, top + areaH + 16, String(k)));
  parts.push('</g><g class="yticks" text-anchor="end">');
  for (const r of idxTicks(rows)) parts.push(textEl(left - 6, top + (r + 0.5) * chh + 4, String(r)));
  parts.push('</g>');
  if (opts.colLabel) parts.push(textEl(left + areaW / 2, height - 10, opts.colLabel, 'text-anchor="middle" font-size="13"'));
  if (opts.rowLabel) {
    const ly = top + areaH / 2;
    parts.push(textEl(16, ly, opts.rowLabel, `text-anchor="middle" font-size="13" transform="rotate(-90 16 ${c(ly)})"`));
  }
  // Colour bar: a vertical gradient from max (top) to min (bottom) with nice ticks.
  parts.push('<defs><linearGradient id="cbar" x1="0" y1="1" x2="0" y2="0">');
  for (let i = 0; i < stops.length; i++) {
    parts.push(`<stop offset="${c(i / (stops.length - 1))}" stop-color="${ramp(stops, i / (stops.length - 1))}"/>`);
  }
  parts.push('</linearGradient></defs>');
  parts.push(`<rect class="colorbar" x="${c(barX)}" y="${top}" width="18" height="${c(areaH)}" fill="url(#cbar)" stroke="#333333"/>`);
  parts.push('<g class="cbarticks">');
  for (const t of niceTicks(lo, hi, 6).ticks) {
    if (t < lo - 1e-12 * Math.abs(hi - lo) || t > hi + 1e-12 * Math.abs(hi - lo)) continue;
    const y = top + areaH - ((t - lo) / (hi - lo)) * areaH;
    parts.push(`<line x1="${c(barX + 18)}" y1="${c(y)}" x2="${c(barX + 22)}" y2="${c(y)}" stroke="#333333"/>`);
    parts.push(textEl(barX + 25, y + 4, formatTick(t)));
  }
  parts.push('</g></svg>');
  return parts.join('\n');
}

// ---------------------------------------------------------------- bar chart

export function barChartSvg(opts: BarChartOptions): string {
  const bars = opts.bars;
  const rotate = bars.length > 6 || bars.some((b) => b.label.length > 10);
  const labelRoom = rotate ? Math.min(140, 16 + Math.max(0, ...bars.map((b) => textWidth(b.label, 12))) * 0.72) : 24;
  const width = Math.max(360, Math.min(1200, 120 + bars.length * 70));
  const height = Math.ceil(380 + labelRoom);
  const f: Frame = { parts: [svgOpen(width, height)], left: 72, right: width - 20, top: 40, bottom: height - 30 - labelRoom };
  // The value axis always includes 0: bar lengths are only meaningful from a zero baseline.
  const yv = [0];
  for (const b of bars) {
    if (!Number.isFinite(b.value)) continue;
    yv.push(b.value);
    if (b.err !== undefined && Number.isFinite(b.err)) yv.push(b.value + Math.abs(b.err), b.value - Math.abs(b.err));
  }
  const ys = makeScale(yv, false, f.bottom, f.top);
  const { parts } = f;
  parts.push(textEl(width / 2, 22, opts.title, 'text-anchor="middle" font-size="16" font-weight="bold"'));
  parts.push('<g class="grid" stroke="#e5e5e5" stroke-width="1">');
  for (const t of ys.ticks) parts.push(`<line x1="${c(f.left)}" y1="${c(ys.map(t))}" x2="${c(f.right)}" y2="${c(ys.map(t))}"/>`);
  parts.push('</g><g class="yticks" text-anchor="end">');
  for (const t of ys.ticks) parts.push(textEl(f.left - 6, ys.map(t) + 4, formatTick(t)));
  parts.push('</g>');
  const ly = (f.top + f.bottom) / 2;
  parts.push(textEl(16, ly, opts.yLabel, `text-anchor="middle" font-size="13" transform="rotate(-90 16 ${c(ly)})"`));
  const slot = (f.right - f.left) / Math.max(1, bars.length);
  const bw = slot * 0.7;
  const y0 = ys.map(0);
  bars.forEach((b, i) => {
    const cx = f.left + (i + 0.5) * slot;
    if (Number.isFinite(b.value)) {
      const y = ys.map(b.value);
      parts.push(`<rect class="bar" x="${c(cx - bw / 2)}" y="${c(Math.min(y, y0))}" width="${c(bw)}" height="${c(Math.abs(y - y0))}" fill="${PALETTE[i % PALETTE.length]}"/>`);
      if (b.err !== undefined && Number.isFinite(b.err) && b.err !== 0) {
        const e = Math.abs(b.err);
        const ya = ys.map(b.value + e);
        const yb = ys.map(b.value - e);
        parts.push(
          `<path class="errbar" d="M${c(cx)},${c(ya)}L${c(cx)},${c(yb)}M${c(cx - bw / 6)},${c(ya)}L${c(cx + bw / 6)},${c(ya)}M${c(cx - bw / 6)},${c(yb)}L${c(cx + bw / 6)},${c(yb)}" stroke="#222222" stroke-width="1.5" fill="none"/>`,
        );
      }
    }
    const ty = f.bottom + 16;
    parts.push(rotate ? textEl(cx, ty, b.label, `text-anchor="end" transform="rotate(-45 ${c(cx)} ${c(ty)})"`) : textEl(cx, ty, b.label, 'text-anchor="middle"'));
  });
  parts.push(`<line x1="${c(f.left)}" y1="${c(y0)}" x2="${c(f.right)}" y2="${c(y0)}" stroke="#333333"/>`);
  parts.push(`<rect x="${c(f.left)}" y="${c(f.top)}" width="${c(f.right - f.left)}" height="${c(f.bottom - f.top)}" fill="none" stroke="#333333"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}

// ---------------------------------------------------------------- output

/** Renders an SVG to PNG at its own size, on white, with the system fonts (DejaVu where available). */
export function svgToPng(svg: string): Uint8Array {
  const r = new Resvg(svg, {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    logLevel: 'off',
  });
  return new Uint8Array(r.render().asPng());
}

/** Writes `<path>.svg` and `<path>.png`, each atomically (temp file + rename). */
export async function writePlot(pathWithoutExtension: string, svg: string): Promise<void> {
  const png = svgToPng(svg);
  writeFileAtomic(`${pathWithoutExtension}.svg`, svg);
  writeFileAtomic(`${pathWithoutExtension}.png`, png);
}
