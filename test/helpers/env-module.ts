/**
 * Writes a user's environment module, as a user of the CLI would (`eggroll train <id> --import FILE`): a point on a
 * line moved to the origin, registered without { module } (the CLI's --import records the file for worker threads).
 * `stepMs` makes each step sleep (a slow simulator: generations of known length with the main thread idle);
 * `endless` keeps every episode to maxSteps (it never terminates early), so a generation's length is fixed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from './temp.js';

export function writeEnvModule(registry: string, opts: { id: string; alias: string; stepMs?: number; maxSteps?: number; endless?: boolean }): string {
  const file = join(tempDir('eggroll-env-'), `${opts.alias}.mjs`);
  writeFileSync(file, `
import { registerEnv } from ${JSON.stringify(pathToFileURL(registry).href)};
const nap = new Int32Array(new SharedArrayBuffer(4));
registerEnv({
  id: ${JSON.stringify(opts.id)}, aliases: [${JSON.stringify(opts.alias)}], description: 'test: a point moved to the origin',
  observationSpace: { kind: 'box', dim: 1, low: [-1], high: [1] },
  actionSpace: { kind: 'box', dim: 1, low: [-1], high: [1] },
  maxSteps: ${opts.maxSteps ?? 20}, rewardThreshold: null, solvedThreshold: -3, stateDim: 1, resetUniforms: 1,
  reset(state, size, i, u) { state[i] = -1 + 2 * u[0]; },
  step(state, size, active, count, actions, reward, terminated) {
    ${opts.stepMs ? `Atomics.wait(nap, 0, 0, ${opts.stepMs});` : ''}
    for (let j = 0; j < count; j++) {
      const i = active[j];
      const x = Math.min(Math.max(state[i] + 0.1 * Math.min(Math.max(actions[i], -1), 1), -1), 1);
      state[i] = x; reward[i] = -Math.abs(x); terminated[i] = ${opts.endless ? '0' : 'Math.abs(x) < 0.1 ? 1 : 0'};
    }
  },
  observe(state, size, i, obs, offset) { obs[offset] = state[i]; },
});
`);
  return file;
}
