/** Canvas drawings of the playground: the learning curve and a CartPole frame. */

/** Mean (blue) and best (grey) return per generation, on axes from 0 to the largest value seen. */
export function drawCurve(canvas: HTMLCanvasElement, curve: readonly { mean: number; max: number }[]): void {
  const g = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const pad = 36;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = '#999';
  g.fillStyle = '#555';
  g.font = '12px system-ui, sans-serif';
  g.beginPath();
  g.moveTo(pad, 8);
  g.lineTo(pad, h - pad);
  g.lineTo(w - 8, h - pad);
  g.stroke();
  const top = Math.max(10, ...curve.map((c) => c.max));
  const lo = Math.min(0, ...curve.map((c) => c.mean));
  g.fillText(String(Math.round(top)), 2, 16);
  g.fillText(String(Math.round(lo)), 2, h - pad);
  g.fillText('generation', w / 2 - 30, h - 10);
  if (curve.length === 0) return;
  const x = (i: number) => pad + ((w - pad - 8) * (i + 1)) / Math.max(curve.length, 10);
  const y = (v: number) => h - pad - ((h - pad - 8) * (v - lo)) / (top - lo);
  for (const [key, colour] of [['max', '#aaa'], ['mean', '#0a66c2']] as const) {
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    curve.forEach((c, i) => (i === 0 ? g.moveTo(x(i), y(c[key])) : g.lineTo(x(i), y(c[key]))));
    g.stroke();
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
