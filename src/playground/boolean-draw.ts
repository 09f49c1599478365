/** Canvas drawings of the Boolean tab: accuracy as the chain runs, and W¹ (with W²) as a heat map. */
import { startPlot } from './draw.js';
import { TERNARY_COLOUR } from '../io/palette.js';

export interface AccuracyPoint { step: number; train: number; test: number; all: number }

/** Training (blue), test (orange) and all-inputs (grey) accuracy against the step, on a 0..1 axis. */
export function drawAccuracy(canvas: HTMLCanvasElement, points: readonly AccuracyPoint[], steps: number): void {
  const { g, w, h, pad } = startPlot(canvas, { pad: 32, labelX: 16, top: '1', bottom: '0', xName: 'step' });
  if (points.length === 0) return;
  const x = (s: number) => pad + ((w - pad - 8) * s) / Math.max(1, steps);
  const y = (a: number) => h - pad - (h - pad - 8) * a;
  for (const [key, colour] of [['all', '#aaa'], ['test', '#e07b00'], ['train', '#0a66c2']] as const) {
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    points.forEach((p, i) => (i === 0 ? g.moveTo(x(p.step), y(p[key])) : g.lineTo(x(p.step), y(p[key]))));
    g.stroke();
  }
}

const W1_COLOUR = TERNARY_COLOUR;

/**
 * W¹ (H × n; −1 blue, 0 white, +1 red, as the CLI's w1.png) cell by cell, and a column for W² (dark where the clause is used).
 * The canvas takes the size the cells need (1..16 px, at most ~480 × 1200 px), set only when it changes.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, w1: Int8Array, w2: Uint8Array, H: number, n: number): void {
  const g = canvas.getContext('2d')!;
  const cols = n + 2; // a gap column, then W²
  const cell = Math.max(1, Math.min(16, Math.floor(478 / cols), Math.floor(1200 / H)));
  const w = cols * cell + 2;
  const h = H * cell + 2;
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  g.clearRect(0, 0, w, h);
  const grid = cell > 4; // cell borders only where they stay visible
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < n; j++) {
      g.fillStyle = W1_COLOUR[w1[i * n + j]];
      g.fillRect(1 + j * cell, 1 + i * cell, cell, cell);
    }
    g.fillStyle = w2[i] ? '#222' : '#ddd';
    g.fillRect(1 + (n + 1) * cell, 1 + i * cell, cell, cell);
  }
  if (grid) {
    g.strokeStyle = '#ccc';
    g.lineWidth = 1;
    for (let i = 0; i <= H; i++) { g.beginPath(); g.moveTo(1, 1 + i * cell); g.lineTo(1 + n * cell, 1 + i * cell); g.stroke(); }
    for (let j = 0; j <= n; j++) { g.beginPath(); g.moveTo(1 + j * cell, 1); g.lineTo(1 + j * cell, 1 + H * cell); g.stroke(); }
  }
}
