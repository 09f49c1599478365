/**
 * How many float64 states of a classic-control trajectory are the bits NumPy gives (Gymnasium's own step
 * code over np.sin/np.cos/np.clip on float64 scalars, transcribed in scripts/gym-numpy-parity.py):
 * this script runs each environment from Gymnasium-range start states under seeded random actions, writes
 * the states as hex bits to a JSON file, and the Python side recomputes them with NumPy and counts equal bits.
 *
 *   npx tsx scripts/gym-numpy-parity.ts [--dist DIR] > /tmp/traj.json && python3 scripts/gym-numpy-parity.py /tmp/traj.json
 *
 * `--dist DIR` runs the envs of another build (DIR/rl/envs/index.js), e.g. a tree from before src/math.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const { values } = parseArgs({ options: { dist: { type: 'string' }, episodes: { type: 'string', default: '20' }, steps: { type: 'string', default: '200' } } });
const mod = values.dist ? await import(pathToFileURL(join(resolve(values.dist), 'rl/envs/index.js')).href) : await import('../src/rl/envs/index.js');
const { makeEnv } = mod as { makeEnv: (name: string, n: number) => { reset(seed: number, ep: number): void; state: Float64Array; step(a: number[]): void; terminated: Uint8Array } };

const hex = (v: number) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v); return b.getBigUint64(0).toString(16).padStart(16, '0'); };
let rng = 12345;
const nextU = () => { rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0; return rng / 4294967296; };

const out: Record<string, { s0: string[]; actions: number[]; states: string[][] }[]> = {};
const ACTIONS: Record<string, () => number> = {
  'CartPole-v1': () => (nextU() < 0.5 ? 0 : 1), 'Acrobot-v1': () => Math.floor(nextU() * 3), 'MountainCar-v0': () => Math.floor(nextU() * 3),
  'Pendulum-v1': () => 4 * nextU() - 2,
};
for (const [name, act] of Object.entries(ACTIONS)) {
  out[name] = [];
  for (let ep = 0; ep < Number(values.episodes); ep++) {
    const env = makeEnv(name, 1);
    env.reset(7, ep);
    const dim = name === 'Acrobot-v1' || name === 'CartPole-v1' ? 4 : 2;
    const s0 = Array.from(env.state.subarray(0, dim), hex);
    const actions: number[] = [], states: string[][] = [];
    for (let t = 0; t < Number(values.steps) && !env.terminated[0]; t++) {
      const a = act();
      env.step([a]);
      actions.push(a);
      states.push(Array.from(env.state.subarray(0, dim), hex));
    }
    out[name].push({ s0, actions, states });
  }
}
process.stdout.write(JSON.stringify(out));
