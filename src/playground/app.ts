/**
 * The playground page: reads the settings form, starts the Web Worker (worker.ts) that trains, draws
 * the learning curve and animates the latest unperturbed episode on canvases. The main thread only
 * draws (training never runs here), so the page stays responsive. `window.eggrollPlayground` exposes
 * the curve and state for the browser tests.
 */
import type { FromWorker, GenerationReport, Settings } from './protocol.js';
import { drawCartPole, drawCurve } from './draw.js';

interface PlaygroundState {
  state: 'idle' | 'training' | 'done' | 'error';
  curve: { generation: number; mean: number; max: number; ms: number; memberStepsPerSecond: number }[];
  framesDrawn: number;
  crossOriginIsolated: boolean;
  backend: string;
}

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = el<HTMLFormElement>('settings');
const stopButton = el<HTMLButtonElement>('stop');
const stats = el<HTMLElement>('stats');
const errorLine = el<HTMLElement>('error');
const curveCanvas = el<HTMLCanvasElement>('curve');
const cartCanvas = el<HTMLCanvasElement>('cartpole');
const episodeCaption = el<HTMLElement>('episode');

const pg: PlaygroundState = { state: 'idle', curve: [], framesDrawn: 0, crossOriginIsolated: globalThis.crossOriginIsolated === true, backend: '' };
(window as unknown as { eggrollPlayground: PlaygroundState }).eggrollPlayground = pg;

let worker: Worker | undefined;
let episode: GenerationReport | undefined;
let frame = 0;

function readSettings(): Settings {
  const d = new FormData(form);
  const num = (k: string) => Number(d.get(k));
  return { env: 'CartPole-v1', algo: d.get('algo') === 'openes' ? 'openes' : 'eggroll', pop: num('pop'), rank: num('rank'), sigma: num('sigma'), lr: num('lr'), seed: num('seed'), gens: num('gens') };
}

function start(): void {
  if (!form.reportValidity()) return;
  worker ??= new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => fail(e.message || 'the worker failed to load');
  pg.curve = [];
  pg.state = 'training';
  episode = undefined;
  errorLine.textContent = '';
  stats.textContent = 'Starting…';
  stopButton.disabled = false;
  drawCurve(curveCanvas, pg.curve);
  worker.postMessage({ type: 'start', settings: readSettings() });
}

function onMessage(m: FromWorker): void {
  if (m.type === 'started') {
    pg.backend = m.backend;
  } else if (m.type === 'generation') {
    pg.curve.push({ generation: m.generation, mean: m.mean, max: m.max, ms: m.ms, memberStepsPerSecond: m.memberStepsPerSecond });
    stats.textContent = `generation ${m.generation}: mean return ${m.mean.toFixed(1)}, best ${m.max.toFixed(1)}; ${m.ms.toFixed(0)} ms per generation, ${(m.memberStepsPerSecond / 1e6).toFixed(2)} M member-steps/s (${pg.backend})`;
    drawCurve(curveCanvas, pg.curve);
    episode = m;
    frame = 0;
    episodeCaption.textContent = `The policy after generation ${m.generation}, without noise: return ${m.episodeReturn}`;
  } else if (m.type === 'done') {
    pg.state = 'done';
    stopButton.disabled = true;
    stats.textContent += ' — done.';
  } else {
    fail(m.message);
  }
}

function fail(message: string): void {
  pg.state = 'error';
  errorLine.textContent = `Training failed: ${message}`;
  stopButton.disabled = true;
}

/** Plays the latest episode at CartPole's 50 steps per second, looping. */
function animate(now: number): void {
  if (episode) {
    const steps = episode.frames.length / episode.obsDim;
    const k = Math.floor(now / 20) % steps;
    if (k !== frame || pg.framesDrawn === 0) {
      frame = k;
      drawCartPole(cartCanvas, episode.frames[k * episode.obsDim], episode.frames[k * episode.obsDim + 2]);
      pg.framesDrawn++;
    }
  }
  requestAnimationFrame(animate);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
stopButton.addEventListener('click', () => {
  worker?.postMessage({ type: 'stop' });
  pg.state = 'done';
  stopButton.disabled = true;
  stats.textContent += ' — stopped.';
});
drawCurve(curveCanvas, pg.curve);
drawCartPole(cartCanvas, 0, 0);
requestAnimationFrame(animate);
