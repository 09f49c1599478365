#!/usr/bin/env node
// Regenerates docs/results/boolean.md's measured sections: the exact commands behind every table.
// Long: all steps together take several hours on 2 shared cores (p4 alone is three 5·10⁷-proposal chains);
// each step can also be run on its own.
// Usage: node scripts/boolean-results.mjs [step ...]   (no step: all of them, in the order of `steps` below;
//        an unknown step lists them)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';

const E = ['--import', 'tsx', 'src/cli/bin.ts'];
const run = (args) => {
  console.error(`$ eggroll ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [...E, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const grid = 'parity:1,parity:2,parity:3,parity:4,parity:7,entropy:4,entropy:64,repeat:2,repeat:5';
const steps = {
  prior() {
    for (const n of [4, 3, 2]) run(['boolean', 'prior', '--n', `${n}`, '--samples', '1e8', '--workers', '2', '--seed', '1', '--out', `runs/boolean/prior-n${n}`, '--json', '--quiet']);
    run(['boolean', 'prior', '--n', '5', '--samples', '1e7', '--k-limit', '20000', '--workers', '2', '--seed', '1', '--out', 'runs/boolean/prior-n5', '--json', '--quiet']);
    for (const n of [2, 3, 4, 5]) {
      mkdirSync(`docs/results/boolean/prior-n${n}`, { recursive: true });
      for (const f of readdirSync(`runs/boolean/prior-n${n}/plots`)) if (f.endsWith('.png')) cpSync(`runs/boolean/prior-n${n}/plots/${f}`, `docs/results/boolean/prior-n${n}/${f}`);
      cpSync(`runs/boolean/prior-n${n}/report.md`, `docs/results/boolean/prior-n${n}/report.md`);
    }
  },
  n7: () => run(['boolean', 'sweep', '--n', '7', '--draws', '10', '--learners', 'mh:0,mh:0.01,mh:1,greedy,oracle', '--mh-steps', '2e6', '--greedy-steps', '1500', '--workers', '2', '--seed', '1', '--out', 'runs/boolean/sweep-n7', '--figures', 'docs/results/boolean/n7', '--doc', 'docs/results/boolean.md', '--json']),
  'n7-eggroll': () => run(['boolean', 'sweep', '--n', '7', '--targets', 'parity:1,parity:2,parity:3,parity:4,parity:5,parity:6,parity:7', '--draws', '3', '--learners', 'eggroll', '--eggroll-steps', '300', '--pairs', '32', '--workers', '1', '--seed', '1', '--out', 'runs/boolean/sweep-n7-eggroll', '--figures', 'docs/results/boolean/n7-eggroll', '--doc', 'docs/results/boolean.md', '--section', 'n7-eggroll', '--json']),
  'n7-eggroll-big': () => run(['boolean', 'sweep', '--n', '7', '--targets', 'parity:1,parity:2,parity:3,parity:4', '--ms', '32,96', '--draws', '2', '--learners', 'eggroll', '--eggroll-steps', '600', '--pairs', '256', '--density', '0.25', '--alpha', '0.01', '--workers', '1', '--seed', '1', '--out', 'runs/boolean/sweep-n7-eggroll-big', '--figures', 'docs/results/boolean/n7-eggroll-big', '--doc', 'docs/results/boolean.md', '--section', 'n7-eggroll-big', '--json']),
  p4: () => {
    for (const lam of ['0.01', '0.3', '1']) run(['boolean', 'train', '--n', '7', '--target', 'parity:4', '--m', '96', '--lambda', lam, '--steps', '5e7', '--log-every', '500000', '--seed', '1', '--out', `runs/boolean/p4-long-${lam}`, '--json', '--quiet']);
    run(['boolean', 'train', '--n', '7', '--target', 'parity:4', '--m', '96', '--lambda', '1', '--steps', '500000', '--log-every', '500000', '--seed', '1', '--out', 'runs/boolean/p4-minimal', '--json', '--quiet']);
  },
  'prior-width': () => { for (const a of ['0.5', '2', '4']) run(['boolean', 'prior', '--n', '4', '--width-mult', a, '--samples', '1e7', '--workers', '1', '--seed', '1', '--out', `runs/boolean/prior-n4-w${a}`, '--json', '--quiet']); },
  'n10-wide': () => run(['boolean', 'sweep', '--n', '10', '--width-mult', '2', '--targets', 'parity:1,parity:2,parity:3', '--ms', '32,96', '--draws', '2', '--learners', 'mh:1', '--mh-steps', '5e6', '--workers', '1', '--seed', '1', '--out', 'runs/boolean/sweep-n10-wide', '--json']),
  'big-greedy': () => { for (const [n, w] of [['10', '0.5'], ['12', '0.125']]) run(['boolean', 'sweep', '--n', n, '--width-mult', w, '--targets', grid, '--draws', '3', '--learners', 'greedy', '--greedy-steps', '2000', '--workers', '2', '--seed', '1', '--out', `runs/boolean/sweep-n${n}-greedy`, '--figures', `docs/results/boolean/n${n}-greedy`, '--doc', 'docs/results/boolean.md', '--section', `n${n}-greedy`, '--json']); },
  n10: () => run(['boolean', 'sweep', '--n', '10', '--width-mult', '0.5', '--targets', grid, '--draws', '3', '--learners', 'mh:0.01,mh:1,oracle', '--mh-steps', '2e6', '--workers', '1', '--seed', '1', '--out', 'runs/boolean/sweep-n10', '--figures', 'docs/results/boolean/n10', '--doc', 'docs/results/boolean.md', '--json']),
  n12: () => run(['boolean', 'sweep', '--n', '12', '--width-mult', '0.125', '--targets', grid, '--draws', '3', '--learners', 'mh:0.01,mh:1,oracle', '--mh-steps', '2e6', '--workers', '1', '--seed', '1', '--out', 'runs/boolean/sweep-n12', '--figures', 'docs/results/boolean/n12', '--doc', 'docs/results/boolean.md', '--json']),
  bench: () => { run(['bench', 'boolean', '--json']); run(['bench', 'boolean', '--n', '12', '--width-mult', '0.125', '--proposals', '2e5', '--json']); },
};
const which = process.argv.slice(2);
for (const k of which.length ? which : Object.keys(steps)) {
  if (!steps[k]) { console.error(`unknown step '${k}'; steps: ${Object.keys(steps).join(', ')}`); process.exit(2); }
  steps[k]();
}
