/**
 * The Boolean tab: reads its form, runs a fresh boolean-worker.ts per run, and shows the latest view it
 * posted — stats, the accuracy curve, the W¹ heat map, the DNF — drawn on the next animation frame only
 * (views arrive every ~50 ms; only the newest is drawn). `state` is exposed for the browser tests.
 */
import type { ChainView } from '../boolean/chain.js';
import { drawAccuracy, drawHeatmap, type AccuracyPoint } from './boolean-draw.js';
import type { BooleanSettings, FromBooleanWorker } from './protocol.js';
import { el } from './dom.js';

export interface BooleanState {
  state: 'idle' | 'running' | 'done' | 'error';
  views: number;
  /** The latest view, less its weights. */
  last?: Omit<ChainView, 'w1' | 'w2'> & { stepsPerSecond: number };
  /** Highest accuracy over all 2ⁿ inputs seen so far. */
  bestAll: number;
}

export function initBooleanPanel(state: BooleanState): void {
  const form = el<HTMLFormElement>('boolean-settings');
  const stats = el<HTMLElement>('boolean-stats');
  const errorLine = el<HTMLElement>('boolean-error');
  const accuracy = el<HTMLCanvasElement>('accuracy');
  const heatmap = el<HTMLCanvasElement>('heatmap');
  const dnf = el<HTMLElement>('dnf');
  let worker: Worker | undefined;
  let points: AccuracyPoint[] = [];
  let steps = 1;
  let latest: (ChainView & { stepsPerSecond: number }) | undefined;
  let dirty = false;

  const read = (): BooleanSettings => {
    const d = new FormData(form);
    const num = (k: string) => Number(d.get(k));
    return { n: num('n'), target: String(d.get('target')).trim(), m: num('m'), lambda: num('lambda'), kappa: num('kappa'), widthMult: num('widthMult'), steps: num('steps'), seed: num('seed') };
  };

  const draw = () => {
    if (dirty && latest) {
      dirty = false;
      const v = latest;
      const pct = (a: number) => `${(100 * a).toFixed(1)}%`;
      stats.textContent = `step ${v.step.toLocaleString('en')}: training ${pct(v.train_acc)}, test ${pct(v.test_acc)}, all ${2 ** v.n} inputs ${pct(v.all_acc)}; ‖θ‖₁ ${v.l1_theta}, ${v.active_clauses} clauses; ${(v.stepsPerSecond / 1e6).toFixed(2)} M steps/s${state.state === 'done' ? ' — done.' : ''}`;
      drawAccuracy(accuracy, points, steps);
      drawHeatmap(heatmap, v.w1, v.w2, v.H, v.n);
      dnf.textContent = v.dnf;
    }
    requestAnimationFrame(draw);
  };

  const onMessage = (m: FromBooleanWorker) => {
    if (m.type === 'error') {
      state.state = 'error';
      errorLine.textContent = `Learning failed: ${m.message}`;
      return;
    }
    const { w1: _w1, w2: _w2, type: _t, ...rest } = m;
    latest = m;
    state.last = rest;
    state.views++;
    state.bestAll = Math.max(state.bestAll, m.all_acc);
    points.push({ step: m.step, train: m.train_acc, test: m.test_acc, all: m.all_acc });
    if (m.done) state.state = 'done';
    dirty = true;
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const s = read();
    worker?.terminate();
    worker = new Worker(new URL('./boolean-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<FromBooleanWorker>) => onMessage(ev.data);
    worker.onerror = (ev) => onMessage({ type: 'error', message: ev.message || 'the worker failed to load' });
    Object.assign(state, { state: 'running', views: 0, last: undefined, bestAll: 0 });
    points = [];
    steps = s.steps;
    errorLine.textContent = '';
    stats.textContent = 'Starting…';
    worker.postMessage({ type: 'start', settings: s });
  });
  // m must stay below 2ⁿ: changing n proposes three quarters of the inputs for training.
  const nInput = form.elements.namedItem('n') as HTMLInputElement;
  nInput.addEventListener('change', () => {
    const n = Number(nInput.value);
    if (!Number.isInteger(n) || n < 2 || n > 10) return;
    const m = form.elements.namedItem('m') as HTMLInputElement;
    m.max = String(2 ** n - 1);
    m.value = String(Math.round(0.75 * 2 ** n));
  });
  drawAccuracy(accuracy, [], 1);
  requestAnimationFrame(draw);
}
