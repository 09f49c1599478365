/**
 * One public surface (issue 29): src/index.ts (the package) and src/browser.ts (the bundle) export the same flat
 * names and the same namespaces, each name the same object in both; the browser leaves out only what needs Node,
 * listed here with why. A name added to one entry and not the other fails here until it is added or listed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as node from '../../src/index.js';
import * as web from '../../src/browser.js';

/** Names of src/index.ts the browser does not have, and why (files, threads, the cluster). */
const NODE_ONLY: Record<string, string> = {
  Trainer: 'worker threads (the browser has LocalTrainer)', workerObjective: 'worker threads',
  saveCheckpoint: 'files', loadCheckpoint: 'files', hasCheckpoint: 'files', MetricsLog: 'files', readJsonl: 'files', recordLogger: 'files',
  writeFileAtomic: 'files', writeJsonAtomic: 'files', writePlot: 'files', svgToPng: 'a native PNG renderer (resvg)',
  linePlotSvg: 'the plots module writes files', scatterPlotSvg: 'the plots module writes files', heatmapSvg: 'the plots module writes files', barChartSvg: 'the plots module writes files',
  runLoop: 'run directories', RunClock: 'run directories', RunStopped: 'run directories',
  'rl.runRl': 'run directories', 'rl.readRunConfig': 'files', 'rl.readPolicyFile': 'files', 'rl.rlTaskRef': 'worker threads', 'rl.meanStd': 'part of whole runs',
  'egg.loadCorpus': 'files', 'egg.readTextFile': 'files', 'egg.splitParagraphs': 'part of the corpus reader', 'egg.defaultCorpusPath': 'files', 'egg.MAX_TEXT_BYTES': 'part of the corpus reader',
  'egg.computeBaselines': 'gzip (node:zlib)', 'egg.NgramModel': 'part of the baselines', 'egg.gzipBpb': 'gzip (node:zlib)',
  'egg.EggTrainer': 'worker threads', 'egg.initParams': 'part of the trainer', 'egg.encodeModel': 'part of the trainer', 'egg.decodeModel': 'part of the trainer', 'egg.findCheckpoint': 'files',
  'egg.eggConfigSchema': 'zod', 'egg.runEgg': 'run directories', 'egg.resolveEggRunConfig': 'part of whole runs', 'egg.readEggRunConfig': 'files', 'egg.scoredSlice': 'part of whole runs',
  'boolean.samplePrior': 'worker threads', 'boolean.PRIOR_MAX_N': 'part of the prior sampler',
  'reason.REASON_ALGOS': 'run settings (zod)', 'reason.ALGO_DEFAULTS': 'run settings (zod)', 'reason.OPTIONAL_DEFAULTS': 'run settings (zod)', 'reason.resolveReasonConfig': 'run settings (zod)', 'reason.EVAL_PROBLEM_SEED': 'run settings (zod)', 'reason.runReason': 'run directories, tfjs', 'reason.readReasonConfig': 'files',
  'reason.loadLm': 'files', 'reason.saveLm': 'files', 'reason.encodeLm': 'part of the model files', 'reason.pretrain': 'tfjs', 'reason.loadTextCorpus': 'files',
};

/** Every exported value, flat names as they are and namespace members as 'ns.name'. */
function surface(mod: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(mod)) {
    if (['math', 'rl', 'gym', 'egg', 'boolean', 'reason'].includes(k)) for (const [kk, vv] of Object.entries(v as object)) out.set(`${k}.${kk}`, vv);
    else out.set(k, v);
  }
  return out;
}

test('the browser entry has the same namespaces as the package entry', () => {
  const spaces = (m: object) => Object.entries(m).filter(([, v]) => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === null).map(([k]) => k).sort();
  assert.deepEqual(spaces(web), spaces(node));
  assert.deepEqual(spaces(node), ['boolean', 'egg', 'gym', 'math', 'reason', 'rl']);
});

test('every browser name is the same object in the package; the package has only the listed Node-only names more', () => {
  const n = surface(node as unknown as Record<string, unknown>), w = surface(web as unknown as Record<string, unknown>);
  const onlyWeb = [...w.keys()].filter((k) => !n.has(k));
  assert.deepEqual(onlyWeb, [], 'names only the browser has');
  const different = [...w.keys()].filter((k) => n.get(k) !== w.get(k));
  assert.deepEqual(different, [], 'names bound to different objects');
  const onlyNode = [...n.keys()].filter((k) => !w.has(k)).sort();
  assert.deepEqual(onlyNode, Object.keys(NODE_ONLY).sort(), 'names only the package has: each must be in NODE_ONLY with its reason');
});

test('internals stay out: no cluster kinds, task-module URLs, plot writers or schema objects in the namespaces', () => {
  const n = surface(node as unknown as Record<string, unknown>);
  for (const k of ['rl.TASK_MODULE', 'rl.RL_KIND', 'rl.plotLearningCurve', 'rl.rlRunConfigSchema', 'rl.envModuleFor', 'rl.adoptEnvModule', 'rl.gym', 'egg.EGG_KIND', 'egg.writeLossPlot', 'egg.eggRunConfigSchema', 'StepResult']) {
    assert.ok(!n.has(k), `${k} is exported`);
  }
});
