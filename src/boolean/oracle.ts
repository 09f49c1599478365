/**
 * The min-norm oracle (paper Alg. 2): the minimum-length DNF consistent with the training set, test
 * points as don't-cares. The paper calls SymPy's SOPform (minimum terms first, β = +1 only); we use our
 * exact minimum-LITERALS cover (complexity.ts) over BOTH polarities β = ±1, which is the quantity the
 * paper's argument is about (K restricted to S). `exact` says whether branch and bound finished.
 */
import { evalDnf, dnfLength, normalizeDnf, type Dnf } from './dnf.js';
import { fromDnf } from './dfcn.js';
import { minimumDnf } from './complexity.js';
import type { LearnResult } from './learner.js';
import { popcount32 } from './truth-table.js';
import type { BooleanTask } from './state.js';

export function runOracle(n: number, H: number, task: BooleanTask, nodeBudget = 200_000): LearnResult {
  const r = minimumDnf(task.target, { n, words: task.test.slice() }, { cost: 'literals', nodeBudget });
  return oracleResult(r.dnf, H, task, { exact: r.exact, primes: r.primes, nodes: r.nodes });
}

/**
 * The oracle's report for formula `f`. The minimiser may return the constant-true cover as β = +1 with
 * one empty clause (it ties with the empty β = −1 formula at 0 literals); a network cannot hold an
 * empty clause (an all-zero row is masked), so the formula is normalised first and the DNF, the
 * network and every count (clauses, ‖θ‖₁) describe the same function: the one the network computes.
 */
export function oracleResult(f: Dnf, H: number, task: BooleanTask, extra: Record<string, unknown> = {}): LearnResult {
  const dnf = normalizeDnf(f);
  const out = evalDnf(dnf);
  let trainErr = 0, testErr = 0, nTest = 0;
  for (let w = 0; w < out.words.length; w++) {
    const diff = out.words[w] ^ task.target.words[w];
    trainErr += popcount32(diff & task.train[w]);
    testErr += popcount32(diff & task.test[w]);
    nTest += popcount32(task.test[w]);
  }
  const len = dnfLength(dnf);
  const clauses = dnf.clauses.length;
  const net = clauses <= H ? fromDnf(dnf, H) : undefined;
  const entry = {
    step: 0, train_acc: 1 - trainErr / task.m, test_acc: nTest === 0 ? 1 : 1 - testErr / nTest,
    l1_w1: len, l1_theta: len + clauses, active_clauses: clauses, dnf_length: len,
  };
  return { algo: 'oracle', net, dnf, ...entry, steps: 0, zero_train_step: trainErr === 0 ? 0 : -1, log: [entry], extra };
}
