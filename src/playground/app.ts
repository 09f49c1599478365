/**
 * The playground page: two tabs. Classic control reads the settings form, starts the Web Worker
 * (worker.ts) that trains, draws the learning curve and animates the latest unperturbed episode, and
 * exports, imports and evaluates policies through the worker. The Boolean lab is boolean-panel.ts. The
 * main thread only draws: messages store the newest state, and one requestAnimationFrame loop draws it,
 * so a burst of messages costs one redraw. `window.eggrollPlayground` exposes the state for the tests.
 */
import type { Episode, FromWorker, Settings } from './protocol.js';
import { drawCurve, drawEnv, RENDER_FPS } from './draw.js';
import { BASE_PRESET, PRESETS } from '../rl/presets.js';
import { initTabs } from './tabs.js';
import { initBooleanPanel, type BooleanState } from './boolean-panel.js';
import { el } from './dom.js';

interface CurvePoint { generation: number; mean: number; max: number; ms: number; memberStepsPerSecond: number }

interface PlaygroundState {
  state: 'idle' | 'training' | 'done' | 'error';
  curve: CurvePoint[];
  /** Side-by-side mode: the other algorithm's curve on the same seed (empty otherwise). */
  compareCurve: CurvePoint[];
  framesDrawn: number;
  crossOriginIsolated: boolean;
  backend: string;
  /** Kernel threads the (first) worker's backend uses, and how many of its calls were split over them. */
  threads: number;
  parallelCalls: number;
  evaluation?: { mean: number; episodes: number; seed: number };
  imported?: { env: string; algo: string; generation: number; episodeReturn: number };
  boolean: BooleanState;
  /** The longest a message handler or an animation frame of this page took, ms (our own main-thread work). */
  maxMainThreadMs: number;
}

const form = el<HTMLFormElement>('settings');
const stopButton = el<HTMLButtonElement>('stop');
const evaluateButton = el<HTMLButtonElement>('evaluate');
const exportButton = el<HTMLButtonElement>('export');
const importInput = el<HTMLInputElement>('import');
const evalEpisodes = el<HTMLInputElement>('eval-episodes');
const stats = el<HTMLElement>('stats');
const evaluation = el<HTMLElement>('evaluation');
const errorLine = el<HTMLElement>('error');
const curveCanvas = el<HTMLCanvasElement>('curve');
const cartCanvas = el<HTMLCanvasElement>('cartpole');
const episodeCaption = el<HTMLElement>('episode');

// The GPU option only where the browser gives a WebGPU adapter (navigator.gpu may exist with none behind it).
const webgpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
void (webgpu ? webgpu.requestAdapter().catch(() => null) : Promise.resolve(null)).then((adapter) => {
  if (adapter) return;
  (form.querySelector('option[value="gpu"]') as HTMLOptionElement).disabled = true;
  el<HTMLElement>('gpu-note').textContent = webgpu ? 'no WebGPU adapter in this browser: CPU only' : 'WebGPU is not available in this browser: CPU only';
});

const pg: PlaygroundState = {
  state: 'idle', curve: [], compareCurve: [], framesDrawn: 0, crossOriginIsolated: globalThis.crossOriginIsolated === true, backend: '',
  threads: 0, parallelCalls: 0, boolean: { state: 'idle', views: 0, bestAll: 0 }, maxMainThreadMs: 0,
};

/** Runs `f`, recording how long it held the main thread. */
function timed<A extends unknown[]>(f: (...a: A) => void): (...a: A) => void {
  return (...a) => {
    const t0 = performance.now();
    f(...a);
    pg.maxMainThreadMs = Math.max(pg.maxMainThreadMs, performance.now() - t0);
  };
}
(window as unknown as { eggrollPlayground: PlaygroundState }).eggrollPlayground = pg;

/** The run's workers: [0] the chosen algorithm (animated; holds the policy), [1] the other one side by side. */
let workers: Worker[] = [];
let running = 0;
let episode: Episode | undefined;
/** The environment the shown episode belongs to. */
let episodeEnv = 'CartPole-v1';
let trainingEnv = 'CartPole-v1';
/** The seed evaluation uses: the run's (or the imported policy's). */
let policySeed = 0;
let frame = 0;
/** Set by messages, cleared by the next animation frame, which redraws the curve once. */
let curveDirty = false;
/** Text for elements, set by messages and written on the next animation frame (one layout per frame at most). */
const pendingText = new Map<HTMLElement, string>();
const setText = (e: HTMLElement, text: string) => pendingText.set(e, text);
const textOf = (e: HTMLElement) => pendingText.get(e) ?? e.textContent ?? '';

function readSettings(): Settings {
  const d = new FormData(form);
  const num = (k: string) => Number(d.get(k));
  return { env: String(d.get('env')), algo: String(d.get('algo')), pop: num('pop'), rank: num('rank'), sigma: num('sigma'), lr: num('lr'), seed: num('seed'), gens: num('gens'), threads: num('threads'), device: d.get('device') === 'gpu' ? 'gpu' : 'cpu' };
}

function newWorker(which: number): Worker {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = timed((e: MessageEvent<FromWorker>) => onMessage(e.data, which));
  w.onerror = (e) => fail(e.message || 'the worker failed to load');
  return w;
}

/** Clears what the last run or import showed. */
function reset(state: PlaygroundState['state'], status: string): void {
  pg.curve = [];
  pg.compareCurve = [];
  pg.state = state;
  pg.evaluation = undefined;
  pg.imported = undefined;
  episode = undefined;
  pendingText.clear();
  errorLine.textContent = '';
  evaluation.textContent = '';
  stats.textContent = status;
  evaluateButton.disabled = true;
  exportButton.disabled = true;
  curveDirty = true;
}

function start(): void {
  if (!form.reportValidity()) return;
  // Fresh workers per run: a replaced run can post nothing more (its workers are gone).
  stopAll();
  const settings = readSettings();
  const compare = new FormData(form).get('compare') === 'on';
  // The GPU runs EGGROLL only: the side-by-side OpenES run stays on the CPU.
  const other = settings.algo === 'eggroll' ? 'openes' : 'eggroll';
  const runs: Settings[] = compare ? [settings, { ...settings, algo: other, device: other === 'openes' ? 'cpu' : settings.device }] : [settings];
  workers = runs.map((_, which) => newWorker(which));
  running = workers.length;
  reset('training', 'Starting…');
  stopButton.disabled = false;
  trainingEnv = settings.env;
  policySeed = settings.seed;
  workers.forEach((w, which) => w.postMessage({ type: 'start', settings: runs[which] }));
}

function stopAll(): void {
  for (const w of workers) w.terminate();
  workers = [];
}

function showPolicyReady(): void {
  evaluateButton.disabled = false;
  exportButton.disabled = false;
}

function onMessage(m: FromWorker, which: number): void {
  if (m.type === 'generation' && which === 1) {
    pg.compareCurve.push({ generation: m.generation, mean: m.mean, max: m.max, ms: m.ms, memberStepsPerSecond: m.memberStepsPerSecond });
    curveDirty = true;
  } else if (m.type === 'started') {
    if (which === 0) {
      pg.backend = m.backend;
      pg.threads = m.threads;
    }
  } else if (m.type === 'generation') {
    pg.curve.push({ generation: m.generation, mean: m.mean, max: m.max, ms: m.ms, memberStepsPerSecond: m.memberStepsPerSecond });
    setText(stats, `generation ${m.generation}: mean return ${m.mean.toFixed(1)}, best ${m.max.toFixed(1)}; ${m.ms.toFixed(0)} ms per generation, ${(m.memberStepsPerSecond / 1e6).toFixed(2)} M member-steps/s (${pg.backend}, ${pg.threads} kernel thread${pg.threads === 1 ? '' : 's'})`);
    curveDirty = true;
    showEpisode(m, trainingEnv, `The policy after generation ${m.generation}, without noise: return ${m.episodeReturn}`);
    if (which === 0) showPolicyReady();
  } else if (m.type === 'done' || m.type === 'stopped') {
    if (which === 0 && m.type === 'done') pg.parallelCalls = m.parallelCalls;
    // Done once every worker of the run is (side by side: both algorithms).
    if (--running > 0) return;
    pg.state = 'done';
    stopButton.disabled = true;
    setText(stats, textOf(stats) + (m.type === 'done' ? ' — done.' : ' — stopped.'));
  } else if (m.type === 'exported') {
    download(new Blob([m.bytes], { type: 'application/octet-stream' }), m.fileName);
  } else if (m.type === 'evaluated') {
    pg.evaluation = { mean: m.mean, episodes: m.episodes, seed: m.seed };
    evaluation.textContent = `Evaluation without noise: mean return ${m.mean} over ${m.episodes} episodes (seed ${m.seed}; \`eggroll eval FILE --episodes ${m.episodes} --seed ${m.seed}\` gives the same)`;
  } else if (m.type === 'imported') {
    pg.state = 'done';
    pg.backend = m.backend;
    pg.threads = m.threads;
    pg.imported = { env: m.env, algo: m.algo, generation: m.generation, episodeReturn: m.episodeReturn };
    policySeed = m.seed;
    setText(stats, `Imported policy: ${m.env}, ${m.algo}, generation ${m.generation}; one episode without noise: return ${m.episodeReturn}`);
    showEpisode(m, m.env, `The imported policy, without noise: return ${m.episodeReturn}`);
    showPolicyReady();
  } else {
    fail(m.message);
  }
}

function showEpisode(e: Episode, env: string, caption: string): void {
  episode = e;
  episodeEnv = env;
  frame = 0;
  setText(episodeCaption, caption);
}

function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function fail(message: string): void {
  pg.state = 'error';
  errorLine.textContent = `Failed: ${message}`;
  stopButton.disabled = true;
}

/** Once per frame: the curve if it changed, and the latest episode at the environment's render rate (Gymnasium's render_fps), looping. */
const animate = timed((now: number): void => {
  for (const [e, text] of pendingText) e.textContent = text;
  pendingText.clear();
  if (curveDirty) {
    curveDirty = false;
    drawCurve(curveCanvas, pg.curve, pg.compareCurve);
  }
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
});

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
  // The workers finish their generation and keep the policy (to evaluate or export); 'stopped' follows.
  for (const w of workers) w.postMessage({ type: 'stop' });
  stopButton.disabled = true;
});
evaluateButton.addEventListener('click', () => {
  if (!evalEpisodes.reportValidity() || !workers[0]) return;
  evaluation.textContent = 'Evaluating…';
  workers[0].postMessage({ type: 'evaluate', episodes: Number(evalEpisodes.value), seed: policySeed });
});
exportButton.addEventListener('click', () => workers[0]?.postMessage({ type: 'export' }));
importInput.addEventListener('change', async () => {
  const file = importInput.files?.[0];
  if (!file) return;
  stopAll();
  running = 0;
  reset('training', `Loading ${file.name}…`);
  const bytes = await file.arrayBuffer();
  workers = [newWorker(0)];
  workers[0].postMessage({ type: 'import', bytes, name: file.name, threads: readSettings().threads }, [bytes]);
});
(form.elements.namedItem('env') as HTMLSelectElement).addEventListener('change', (e) => applyPreset((e.target as HTMLSelectElement).value));
drawCurve(curveCanvas, pg.curve);
applyPreset(String(new FormData(form).get('env')));
initTabs(el('tab-rl').parentElement!);
initBooleanPanel(pg.boolean);
requestAnimationFrame(animate);
