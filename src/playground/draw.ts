/** Canvas drawings of the playground: the learning curve and one frame of each environment, from its observation. */

type Curve = readonly { mean: number; max: number }[];

/**
 * Clears `canvas` and draws a plot's frame: the y axis at `pad` from the left, the x axis at `pad` from the
 * bottom, the y range's labels (left edge at `labelX`) and the x axis's name. Returns the context and the
 * geometry to plot in.
 */
export function startPlot(canvas: HTMLCanvasElement, frame: { pad: number; labelX: number; top: string; bottom: string; xName: string }) {
  const { pad, labelX, top: topLabel, bottom: bottomLabel, xName } = frame;
  const g = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#999';
  g.fillStyle = '#555';
  g.lineWidth = 1;
  g.font = '12px system-ui, sans-serif';
  g.beginPath();
  g.moveTo(pad, 8);
  g.lineTo(pad, h - pad);
  g.lineTo(w - 8, h - pad);
  g.stroke();
  g.fillText(topLabel, labelX, 16);
  g.fillText(bottomLabel, labelX, h - pad);
  g.fillText(xName, w / 2 - 3 * xName.length, h - 10);
  return { g, w, h, pad };
}

/**
 * Mean (blue) and best (grey) return per generation, and in side-by-side mode the other algorithm's mean
 * (orange, dashed), on axes from 0 to the largest value seen.
 */
export function drawCurve(canvas: HTMLCanvasElement, curve: Curve, compare: Curve = []): void {
  const top = Math.max(10, ...curve.map((c) => c.max), ...compare.map((c) => c.max));
  const lo = Math.min(0, ...curve.map((c) => c.mean), ...compare.map((c) => c.mean));
  const { g, w, h, pad } = startPlot(canvas, { pad: 36, labelX: 2, top: String(Math.round(top)), bottom: String(Math.round(lo)), xName: 'generation' });
  if (curve.length === 0 && compare.length === 0) return;
  const x = (i: number) => pad + ((w - pad - 8) * (i + 1)) / Math.max(curve.length, compare.length, 10);
  const y = (v: number) => h - pad - ((h - pad - 8) * (v - lo)) / (top - lo);
  for (const [key, colour] of [['max', '#aaa'], ['mean', '#0a66c2']] as const) {
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    curve.forEach((c, i) => (i === 0 ? g.moveTo(x(i), y(c[key])) : g.lineTo(x(i), y(c[key]))));
    g.stroke();
  }
  if (compare.length > 0) {
    g.strokeStyle = '#e07b00';
    g.setLineDash([6, 4]);
    g.beginPath();
    compare.forEach((c, i) => (i === 0 ? g.moveTo(x(i), y(c.mean)) : g.lineTo(x(i), y(c.mean))));
    g.stroke();
    g.setLineDash([]);
  }
}

/** The cart at position x (metres, ±2.4 visible) and the pole at angle θ (radians from upright). */
export function drawCartPole(canvas: HTMLCanvasElement, x: number, theta: number): void {
  const g = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const scale = w / 4.8;
  const cx = w / 2 + x * scale;
  const cy = h * 0.7;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#333';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(0, cy + 15);
  g.lineTo(w, cy + 15);
  g.stroke();
  g.fillStyle = '#222';
  g.fillRect(cx - 25, cy - 15, 50, 30);
  const len = scale * 1.0; // the pole is 1 m long (half-length 0.5)
  g.strokeStyle = '#ca9865';
  g.lineWidth = 10;
  g.lineCap = 'round';
  g.beginPath();
  g.moveTo(cx, cy - 10);
  g.lineTo(cx + len * Math.sin(theta), cy - 10 - len * Math.cos(theta));
  g.stroke();
  g.fillStyle = '#8184cb';
  g.beginPath();
  g.arc(cx, cy - 10, 5, 0, 2 * Math.PI);
  g.fill();
}

/** Gymnasium's render_fps per environment: the animation plays episodes at that rate. */
export const RENDER_FPS: Record<string, number> = {
  'CartPole-v1': 50, 'Pendulum-v1': 30, 'Acrobot-v1': 15, 'MountainCar-v0': 30, 'MountainCarContinuous-v0': 30,
};

/** Draws environment `env` in the state its observation `o` shows. */
export function drawEnv(canvas: HTMLCanvasElement, env: string, o: ArrayLike<number>): void {
  if (env === 'CartPole-v1') return drawCartPole(canvas, o[0], o[2]);
  const g = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  g.clearRect(0, 0, w, h);
  g.lineCap = 'round';
  if (env === 'Pendulum-v1') {
    // o = (cos θ, sin θ, θ̇), θ = 0 upright.
    const s = h * 0.35;
    rod(g, w / 2, h / 2, w / 2 + s * o[1], h / 2 - s * o[0], '#cc4c4c', 14);
    dot(g, w / 2, h / 2, 5, '#333');
  } else if (env === 'Acrobot-v1') {
    // o = (cos θ₁, sin θ₁, cos θ₂, sin θ₂, …), θ₁ = 0 hanging down; the goal is the tip above the line at height 1.
    const s = h * 0.22;
    const cx = w / 2;
    const cy = h / 2;
    const c12 = o[0] * o[2] - o[1] * o[3];
    const s12 = o[1] * o[2] + o[0] * o[3];
    const x1 = cx + s * o[1];
    const y1 = cy + s * o[0];
    g.strokeStyle = '#999';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, cy - s);
    g.lineTo(w, cy - s);
    g.stroke();
    rod(g, cx, cy, x1, y1, '#0a66c2', 10);
    rod(g, x1, y1, x1 + s * s12, y1 + s * c12, '#0a66c2', 10);
    dot(g, cx, cy, 5, '#333');
    dot(g, x1, y1, 5, '#ca9865');
  } else if (env === 'MountainCar-v0' || env === 'MountainCarContinuous-v0') {
    // o = (position, velocity); the hill is y = 0.45·sin(3x) + 0.55 over x ∈ [−1.2, 0.6].
    const px = (x: number) => ((x + 1.2) / 1.8) * (w - 20) + 10;
    const py = (x: number) => h - 20 - (0.45 * Math.sin(3 * x) + 0.55) * (h - 60);
    g.strokeStyle = '#333';
    g.lineWidth = 2;
    g.beginPath();
    for (let k = 0; k <= 100; k++) {
      const x = -1.2 + (1.8 * k) / 100;
      if (k === 0) g.moveTo(px(x), py(x));
      else g.lineTo(px(x), py(x));
    }
    g.stroke();
    const goal = env === 'MountainCar-v0' ? 0.5 : 0.45;
    rod(g, px(goal), py(goal), px(goal), py(goal) - 30, '#2e7d32', 3);
    dot(g, px(o[0]), py(o[0]) - 8, 9, '#222');
  }
}

function rod(g: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, colour: string, width: number): void {
  g.strokeStyle = colour;
  g.lineWidth = width;
  g.beginPath();
  g.moveTo(x0, y0);
  g.lineTo(x1, y1);
  g.stroke();
}

function dot(g: CanvasRenderingContext2D, x: number, y: number, r: number, colour: string): void {
  g.fillStyle = colour;
  g.beginPath();
  g.arc(x, y, r, 0, 2 * Math.PI);
  g.fill();
}
