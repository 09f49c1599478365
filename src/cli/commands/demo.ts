/** `eggroll demo`: the quick first run — EGGROLL trains a CartPole policy from scratch and reports. */
import type { Command } from '../command.js';
import { parseFlags } from '../flags.js';
import { backendFlag, forceFlag, jsonFlag, outFlag, quietFlag, seedFlag, workersFlag } from '../common-flags.js';
import { log, printResult } from '../output.js';
import { prepareRunDir } from '../../experiment/run-dir.js';
import { resolveRlConfig } from '../../rl/config.js';
import { runRl } from '../../rl/run.js';
import { fmt, generationProgress } from '../progress.js';

const flags = { seed: seedFlag, workers: workersFlag, backend: backendFlag, out: outFlag, force: forceFlag, json: jsonFlag, quiet: quietFlag };

export const demoCommand: Command = {
  name: 'demo',
  summary: 'a short EGGROLL run: train CartPole-v1 from scratch, then evaluate it without noise',
  example: 'eggroll demo --seed 1',
  flags,
  async run(argv) {
    const { flags: f } = parseFlags(argv, flags);
    const config = resolveRlConfig('CartPole-v1', { seed: f.seed, workers: f.workers, backend: f.backend });
    const dir = prepareRunDir({ out: f.out, force: f.force, prefix: 'demo-CartPole-v1', kind: 'rl', command: 'demo', log });
    if (!f.quiet) log(`EGGROLL demo: CartPole-v1, population ${config.pop}, rank ${config.rank}, ${config.gens} generations; run directory ${dir}`);
    const s = await runRl(config, dir, false, { onGeneration: generationProgress('CartPole-v1 eggroll', f.quiet), log });
    printResult(s as unknown as Record<string, unknown>, f.json, [
      `CartPole-v1 with EGGROLL (rank ${s.rank}, population ${s.pop}, ${s.gens} generations, backend ${s.backend}):`,
      `  final population mean return ${fmt(s.final_mean_return)}`,
      `  evaluation without noise: ${fmt(s.eval_mean_return)} ± ${fmt(s.eval_std_return)} over ${s.eval_episodes} episodes — ${s.solved ? 'solved (≥ 475)' : 'not solved yet (475 needed)'}`,
      `  ${fmt(s.seconds)} s; learning curve in ${dir}/plots/learning-curve.svg`,
    ].join('\n'));
  },
};
