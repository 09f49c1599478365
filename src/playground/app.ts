/**
 * The playground page: reads the settings form, starts the Web Worker (worker.ts) that trains, draws
 * the learning curve and animates the latest unperturbed episode of the chosen environment on canvases. The main thread only
 * draws (training never runs here), so the page stays responsive. `window.eggrollPlayground` exposes
 * the curve and state for the browser tests.
 */
import type { FromWorker, GenerationReport, Settings } from './protocol.js';
import { drawCurve, drawEnv, RENDER_FPS } from './draw.js';
import { BASE_PRESET, PRESETS } from '../rl/presets.js';

interface CurvePoint { generation: number; mean: number; max: number; ms: number; memberStepsPerSecond: number }

interface PlaygroundState {
  state: 'idle' | 'training' | 'done' | 'error';
  curve: CurvePoint[];
  /** Side-by-side mode: the other algorithm's curve on the same seed (empty otherwise). */
  compareCurve: CurvePoint[];
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

const pg: PlaygroundState = { state: 'idle', curve: [], compareCurve: [], framesDrawn: 0, crossOriginIsolated: globalThis.crossOriginIsolated === true, backend: '' };
(window as unknown as { eggrollPlayground: PlaygroundState }).eggrollPlayground = pg;

/** The run's workers: [0] the chosen algorithm (animated), [1] the other one in side-by-side mode. */
let workers: Worker[] = [];
let running = 0;
let episode: GenerationReport | undefined;
/** The environment the shown episode belongs to. */
let episodeEnv = 'CartPole-v1';
let trainingEnv = 'CartPole-v1';
let frame = 0;

function readSettings(): Settings {
  const d = new FormData(form);
  const num = (k: string) => Number(d.get(k));
  return { env: String(d.get('env')), algo: d.get('algo') === 'openes' ? 'openes' : 'eggroll', pop: num('pop'), rank: num('rank'), sigma: num('sigma'), lr: num('lr'), seed: num('seed'), gens: num('gens') };
}

function start(): void {
  if (!form.reportValidity()) return;
  // Fresh workers per run: a stopped or replaced run can post nothing more (its workers are gone).
  stopAll();
  const settings = readSettings();
  const compare = new FormData(form).get('compare') === 'on';
  const runs: Settings[] = compare ? [settings, { ...settings, algo: settings.algo === 'eggroll' ? 'openes' : 'eggroll' }] : [settings];
  workers = runs.map((_, which) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data, which);
    w.onerror = (e) => fail(e.message || 'the worker failed to load');
    return w;
  });
  running = workers.length;
  pg.curve = [];
  pg.compareCurve = [];
  pg.state = 'training';
  episode = undefined;
  errorLine.textContent = '';
  stats.textContent = 'Starting…';
  stopButton.disabled = false;
  redrawCurve();
  trainingEnv = settings.env;
  workers.forEach((w, which) => w.postMessage({ type: 'start', settings: runs[which] }));
}

function stopAll(): void {
  for (const w of workers) w.terminate();
  workers = [];
}

function redrawCurve(): void {
  drawCurve(curveCanvas, pg.curve, pg.compareCurve);
}

function onMessage(m: FromWorker, which: number): void {
  if (m.type === 'generation' && which === 1) {
    pg.compareCurve.push({ generation: m.generation, mean: m.mean, max: m.max, ms: m.ms, memberStepsPerSecond: m.memberStepsPerSecond });
    redrawCurve();
  } else if (m.type === 'started') {
    pg.backend = m.backend;
  } else if (m.type === 'generation') {
    pg.curve.push({ generation: m.generation, mean: m.mean, max: m.max, ms: m.ms, memberStepsPerSecond: m.memberStepsPerSecond });
    stats.textContent = `generation ${m.generation}: mean return ${m.mean.toFixed(1)}, best ${m.max.toFixed(1)}; ${m.ms.toFixed(0)} ms per generation, ${(m.memberStepsPerSecond / 1e6).toFixed(2)} M member-steps/s (${pg.backend})`;
    redrawCurve();
    episode = m;
    episodeEnv = trainingEnv;
    frame = 0;
    episodeCaption.textContent = `The policy after generation ${m.generation}, without noise: return ${m.episodeReturn}`;
  } else if (m.type === 'done') {
    // Done once every worker of the run is (side by side: both algorithms).
    if (--running > 0) return;
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

/** Plays the latest episode at the environment's render rate (Gymnasium's render_fps), looping. */
function animate(now: number): void {
  if (episode) {
    const d = episode.obsDim;
    const steps = episode.frames.length / d;
    const k = Math.floor((now * (RENDER_FPS[episodeEnv] ?? 30)) / 1000) % steps;
    if (k !== frame || pg.framesDrawn === 0) {
      frame = k;
      drawEnv(cartCanvas, episodeEnv, episode.frames.subarray(k * d, (k + 1) * d));
      pg.framesDrawn++;
    }
  }
  requestAnimationFrame(animate);
}

/** Choosing an environment fills in its preset (what `eggroll train <env>` would use). */
function applyPreset(env: string): void {
  const p = { ...BASE_PRESET, ...PRESETS[env] };
  const set = (name: string, v: number) => { (form.elements.namedItem(name) as HTMLInputElement).value = String(v); };
  set('pop', p.pop);
  set('rank', p.rank);
  set('sigma', p.sigma);
  set('lr', p.lr);
  set('gens', p.gens);
  drawEnv(cartCanvas, env, RESTING[env] ?? [0, 0, 0, 0]);
}

/** A still frame per environment before any episode. */
const RESTING: Record<string, number[]> = {
  'CartPole-v1': [0, 0, 0, 0], 'Pendulum-v1': [-1, 0, 0], 'Acrobot-v1': [1, 0, 1, 0, 0, 0],
  'MountainCar-v0': [-0.5, 0], 'MountainCarContinuous-v0': [-0.5, 0],
};

form.addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
stopButton.addEventListener('click', () => {
  stopAll();
  pg.state = 'done';
  stopButton.disabled = true;
  stats.textContent += ' — stopped.';
});
(form.elements.namedItem('env') as HTMLSelectElement).addEventListener('change', (e) => applyPreset((e.target as HTMLSelectElement).value));
drawCurve(curveCanvas, pg.curve);
applyPreset(String(new FormData(form).get('env')));
requestAnimationFrame(animate);
