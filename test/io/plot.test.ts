import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { TERNARY_COLOUR } from '../../src/io/palette.js';
import { barChartSvg, escapeXml, formatTick, heatmapSvg, linePlotSvg, logTicks, niceTicks, scatterPlotSvg, svgToPng, writePlot } from '../../src/io/plot.js';
import { tempDir } from '../helpers/temp.js';

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

/**
 * A strict little XML parser, enough to prove well-formedness: balanced tags, quoted attributes, no
 * duplicate attributes, only the five predefined entities or numeric references, no raw '<' or '&'.
 */
function parseXml(src: string): El {
  let i = 0;
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: El[] = [root];
  const checkText = (t: string) => {
    const bad = t.match(/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/);
    if (bad) throw new Error(`bad entity near ${JSON.stringify(t.slice(0, 40))}`);
  };
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = lt < 0 ? src.slice(i) : src.slice(i, lt);
    checkText(text);
    stack[stack.length - 1].text += text;
    if (lt < 0) break;
    if (src.startsWith('</', lt)) {
      const gt = src.indexOf('>', lt);
      const name = src.slice(lt + 2, gt).trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new Error(`mismatched </${name}> (open: ${top?.name})`);
      i = gt + 1;
      continue;
    }
    const m = /^<([A-Za-z][\w:-]*)/.exec(src.slice(lt));
    if (!m) throw new Error(`bad tag at ${lt}: ${src.slice(lt, lt + 30)}`);
    const el: El = { name: m[1], attrs: {}, children: [], text: '' };
    i = lt + m[0].length;
    for (;;) {
      while (/\s/.test(src[i])) i++;
      if (src.startsWith('/>', i)) {
        i += 2;
        stack[stack.length - 1].children.push(el);
        break;
      }
      if (src[i] === '>') {
        i++;
        stack[stack.length - 1].children.push(el);
        stack.push(el);
        break;
      }
      const a = /^([A-Za-z_][\w:.-]*)="([^"<]*)"/.exec(src.slice(i));
      if (!a) throw new Error(`bad attribute in <${el.name}> at ${src.slice(i, i + 30)}`);
      if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]}`);
      checkText(a[2]);
      el.attrs[a[1]] = a[2];
      i += a[0].length;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('expected exactly one root element');
  return root.children[0];
}

function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  if (pred(el)) out.push(el);
  for (const ch of el.children) all(ch, pred, out);
  return out;
}
const byClass = (root: El, name: string, cls: string) => all(root, (e) => e.name === name && e.attrs.class === cls);
const texts = (root: El) => all(root, (e) => e.name === 'text').map((e) => e.text);
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.deepEqual(Array.from(png.subarray(0, 8)), sig, 'PNG signature');
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(dv.getUint32(8), 13, 'IHDR length');
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

const x = [0, 1, 2, 3, 4, 5];
const base = { title: 'Return', xLabel: 'generation', yLabel: 'mean return' };

test('line plot: well-formed, one path per series, a band polygon, legend entries, reference lines', () => {
  const svg = linePlotSvg({
    ...base,
    series: [
      { name: 'eggroll', x, y: [1, 2, 3, 4, 5, 6], band: { lo: [0, 1, 2, 3, 4, 5], hi: [2, 3, 4, 5, 6, 7] } },
      { name: 'openes', x: new Float64Array(x), y: new Float32Array([1, 1, 2, 2, 3, 3]) },
    ],
    hLines: [{ y: 475, label: 'solved' }],
  });
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.width, '720');
  assert.equal(root.attrs.height, '440');
  const lines = byClass(root, 'path', 'line');
  assert.equal(lines.length, 2);
  // 6 points → one M and five L commands.
  assert.equal((lines[0].attrs.d.match(/M/g) ?? []).length, 1);
  assert.equal((lines[0].attrs.d.match(/L/g) ?? []).length, 5);
  assert.notEqual(lines[0].attrs.stroke, lines[1].attrs.stroke, 'series get distinct colours');
  assert.equal(byClass(root, 'path', 'band').length, 1);
  assert.equal(byClass(root, 'line', 'hline').length, 1);
  const t = texts(root);
  for (const s of ['Return', 'generation', 'mean return', 'eggroll', 'openes', 'solved']) assert.ok(t.includes(s), `missing text ${s}`);
  // The y axis must stretch to include the reference line at 475.
  const yt = texts(byClass(root, 'g', 'yticks')[0]).map(Number);
  assert.ok(Math.max(...yt) >= 475 && Math.min(...yt) <= 1, `y ticks ${yt}`);
});

test('line plot: non-finite points break the line and never reach the output', () => {
  const svg = linePlotSvg({ ...base, series: [{ name: 's', x: [0, 1, 2, 3, 4, 5, 6], y: [1, 2, NaN, 3, 4, Infinity, 5] }] });
  assert.ok(!/NaN|Infinity/.test(svg), 'no NaN/Infinity in the SVG');
  const root = parseXml(svg);
  const d = byClass(root, 'path', 'line')[0].attrs.d;
  // Runs: [0,1], [3,4], [6] → two sub-paths of two points, and the lone last point as a marker.
  assert.equal((d.match(/M/g) ?? []).length, 3);
  assert.equal((d.match(/L/g) ?? []).length, 2);
  assert.equal(byClass(root, 'circle', 'point').length, 1);
  // All coordinates inside the canvas.
  for (const n of d.split(/[MLZ,]/).filter(Boolean).map(Number)) assert.ok(n >= 0 && n <= 720, `coord ${n}`);
});

test('line plot: all data non-finite still gives a valid SVG', () => {
  const svg = linePlotSvg({ ...base, series: [{ name: 'empty', x: [NaN], y: [NaN] }] });
  const root = parseXml(svg);
  assert.ok(!/NaN/.test(svg));
  assert.equal(byClass(root, 'path', 'line').length, 0);
});

test('line plot: a very long legend name is shortened, the plot area keeps most of the width', () => {
  const long = 'x'.repeat(200);
  const root = parseXml(linePlotSvg({ ...base, series: [{ name: long, x, y: x }] }));
  const legendText = texts(byClass(root, 'g', 'legend')[0])[0];
  assert.ok(legendText.length < 40 && legendText.endsWith('…'), legendText);
  const frame = all(root, (e) => e.name === 'rect' && e.attrs.fill === 'none')[0];
  assert.ok(Number(frame.attrs.width) >= 720 - 72 - 20 - 220, `plot width ${frame.attrs.width}`);
});

test('log axes: ticks at powers of ten, non-positive values skipped', () => {
  const xs = [1, 10, 100, 1000, 0, -5];
  const svg = scatterPlotSvg({ ...base, series: [{ name: 'p', x: xs, y: [0.01, 0.1, 1, 10, 5, 5] }], logX: true, logY: true });
  const root = parseXml(svg);
  assert.equal(byClass(root, 'circle', 'point').length, 4, 'x ≤ 0 is not plottable on a log axis');
  assert.deepEqual(texts(byClass(root, 'g', 'xticks')[0]), ['1', '10', '100', '1000']);
  assert.deepEqual(texts(byClass(root, 'g', 'yticks')[0]), ['0.01', '0.1', '1', '10']);
  // Equal ratios give equal pixel distances on a log axis.
  const cx = byClass(root, 'circle', 'point').map((e) => Number(e.attrs.cx));
  assert.ok(Math.abs(cx[1] - cx[0] - (cx[2] - cx[1])) < 0.02 && Math.abs(cx[3] - cx[2] - (cx[2] - cx[1])) < 0.02, `cx ${cx}`);
  assert.ok(cx[1] > cx[0]);
});

test('tick helpers', () => {
  assert.deepEqual(niceTicks(0, 1).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-13, 487).ticks, [-100, 0, 100, 200, 300, 400, 500]);
  const t = niceTicks(5, 5);
  assert.ok(t.lo < 5 && t.hi > 5);
  assert.deepEqual(logTicks(3, 40).ticks, [1, 2, 5, 10, 20, 50, 100]);
  assert.deepEqual(logTicks(1e-3, 1e3).ticks, [1e-3, 1e-2, 0.1, 1, 10, 100, 1000]);
  assert.equal(formatTick(0.1 + 0.2), '0.3');
  assert.equal(formatTick(2.5e6), '2.5e6');
  assert.equal(formatTick(1e-4), '1e-4');
  assert.equal(formatTick(-200), '-200');
});

test('text is escaped: titles, labels, legend names round-trip through the parser', () => {
  const nasty = `a<b & "c" 'd'> </svg>`;
  const svg = linePlotSvg({ title: nasty, xLabel: '&x', yLabel: '<y>', series: [{ name: nasty, x: [0, 1], y: [0, 1] }], hLines: [{ y: 0.5, label: '"ref" & <co>' }] });
  const root = parseXml(svg);
  const t = texts(root).map(unescape);
  assert.ok(t.includes(nasty));
  assert.ok(t.includes('&x') && t.includes('<y>') && t.includes('"ref" & <co>'));
  assert.equal(escapeXml('a\u0001b'), 'ab', 'control characters are not allowed in XML 1.0');
  const bars = parseXml(barChartSvg({ title: 'T&T', yLabel: 'v', bars: [{ label: '<x>', value: 1 }] }));
  assert.ok(texts(bars).map(unescape).includes('<x>'));
  const heat = parseXml(heatmapSvg({ title: '<h>', rows: 1, cols: 1, values: [1], rowLabel: '&r', colLabel: '"c"' }));
  assert.ok(texts(heat).map(unescape).includes('&r'));
});

test('heatmap: one cell per value, colour bar, diverging scale centres white on zero, NaN cells grey', () => {
  const values = [-1, 0, 1, NaN, 0.5, -0.5];
  const root = parseXml(heatmapSvg({ title: 'W', rows: 2, cols: 3, values, colorScale: 'diverging' }));
  const cells = byClass(root, 'rect', 'cell');
  assert.equal(cells.length, 6);
  assert.equal(byClass(root, 'rect', 'colorbar').length, 1);
  assert.equal(cells[1].attrs.fill, '#f7f7f7', 'zero is the diverging midpoint');
  assert.equal(cells[3].attrs.fill, '#bdbdbd');
  assert.notEqual(cells[0].attrs.fill, cells[2].attrs.fill);
  // Row-major: cell k sits right of cell k-1 within a row; row 1 is below row 0.
  assert.ok(Number(cells[1].attrs.x) > Number(cells[0].attrs.x));
  assert.ok(Number(cells[3].attrs.y) > Number(cells[0].attrs.y));
  assert.equal(cells[3].attrs.x, cells[0].attrs.x);
  const seq = parseXml(heatmapSvg({ title: 'S', rows: 1, cols: 2, values: [0, 10] }));
  const sc = byClass(seq, 'rect', 'cell');
  assert.equal(sc[0].attrs.fill, '#440154', 'sequential minimum is viridis dark purple');
  assert.equal(sc[1].attrs.fill, '#fde725', 'sequential maximum is viridis yellow');
  assert.throws(() => heatmapSvg({ title: 'x', rows: 2, cols: 2, values: [1, 2, 3] }), /expected rows·cols = 4/);
});

test('bar chart: bars from a zero baseline, error bars only where given', () => {
  const root = parseXml(barChartSvg({ title: 'Final return', yLabel: 'return', bars: [
    { label: 'a', value: 10, err: 2 }, { label: 'b', value: -5 }, { label: 'c', value: NaN },
  ] }));
  const bars = byClass(root, 'rect', 'bar');
  assert.equal(bars.length, 2, 'a NaN bar is not drawn');
  assert.equal(byClass(root, 'path', 'errbar').length, 1);
  // The positive bar ends where the negative bar starts: both touch the zero line.
  const a = bars[0].attrs;
  const b = bars[1].attrs;
  assert.ok(Math.abs(Number(a.y) + Number(a.height) - Number(b.y)) < 0.02);
});

test('PNG: signature and IHDR dimensions match the SVG size; writePlot writes both files', async () => {
  const svg = linePlotSvg({ ...base, width: 400, height: 300, series: [{ name: 's', x, y: x }] });
  const png = svgToPng(svg);
  assert.deepEqual(pngSize(png), { width: 400, height: 300 });
  const dir = tempDir('plot-test-');
  try {
    await writePlot(join(dir, 'sub', 'curve'), svg);
    assert.deepEqual(readdirSync(join(dir, 'sub')).sort(), ['curve.png', 'curve.svg'], 'no temp files left behind');
    assert.equal(readFileSync(join(dir, 'sub', 'curve.svg'), 'utf8'), svg);
    assert.deepEqual(pngSize(new Uint8Array(readFileSync(join(dir, 'sub', 'curve.png')))), { width: 400, height: 300 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PNG is rendered on an opaque white background', () => {
  const png = svgToPng(barChartSvg({ title: 'B', yLabel: 'v', bars: [{ label: 'x', value: 1 }] }));
  // Inflate the IDAT stream; the first pixel of the first row is stored raw under every PNG filter
  // (its left and upper neighbours are defined as 0), so it can be read without unfiltering.
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const idat: Buffer[] = [];
  let colorType = -1;
  for (let off = 8; off < png.length; ) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    if (type === 'IHDR') colorType = png[off + 8 + 9];
    if (type === 'IDAT') idat.push(Buffer.from(png.subarray(off + 8, off + 8 + len)));
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  assert.ok(channels > 0, `unexpected PNG colour type ${colorType}`);
  assert.deepEqual(Array.from(raw.subarray(1, 1 + channels)), Array(channels).fill(255));
});

test('output is deterministic', () => {
  const o = { ...base, series: [{ name: 's', x, y: [3, 1, 4, 1, 5, 9] }] };
  assert.equal(linePlotSvg(o), linePlotSvg(o));
});

test('legends wrap long names instead of cutting them; the W¹ colours are the same in the plots and the playground (issue 28 item 14)', () => {
  const svg = linePlotSvg({ title: 't', xLabel: 'x', yLabel: 'y', series: [
    { name: 'DNF length (active literals)', x: [0, 1], y: [1, 2] }, { name: 'held-out accuracy (greedy)', x: [0, 1], y: [2, 1] },
    { name: 'sampled functions (distinct points)', x: [0, 1], y: [0, 1] }] });
  const legend = svg.slice(svg.indexOf('<g class="legend">'));
  assert.ok(!legend.includes('…'), 'nothing cut off');
  for (const word of ['literals)', '(greedy)', 'points)']) assert.ok(legend.includes(word), word);
  // A 1 × 3 heat map of −1, 0, +1 on the diverging scale: its end colours are the playground's.
  const heat = heatmapSvg({ title: 'w', rows: 1, cols: 3, values: [-1, 0, 1], rowLabel: 'r', colLabel: 'c', colorScale: 'diverging', min: -1, max: 1 });
  const fills = [...heat.matchAll(/class="cell"[^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
  const hex = (css: string) => `#${(/rgb\((\d+), (\d+), (\d+)\)/.exec(css) ?? []).slice(1).map((v) => Number(v).toString(16).padStart(2, '0')).join('')}`;
  assert.deepEqual([fills[0], fills[2]], [hex(TERNARY_COLOUR[-1]), hex(TERNARY_COLOUR[1])]);
});
