/** MhChain (src/boolean/chain.ts): advanced in chunks, it is runMh step for step (the playground's Boolean tab runs it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MhChain } from '../../src/boolean/chain.js';
import { runMh } from '../../src/boolean/mcmc.js';
import { makeTarget, makeTask } from '../../src/boolean/experiments.js';
import { widthFor, netKey, toDnf } from '../../src/boolean/dfcn.js';
import { formatDnf } from '../../src/boolean/dnf.js';

test('a chain advanced in uneven chunks matches runMh at every logged step, and learns 2-parity at n = 5', () => {
  const n = 5, seed = 0, H = widthFor(n, 1);
  const task = makeTask(makeTarget('parity:2', n, seed), 24, seed);
  const o = { kappa: 1000, lambda: 1, seed };
  const ref = runMh(n, H, task, { ...o, steps: 40_000, logEvery: 5_000 });
  const chain = new MhChain(n, H, task, o);
  let views = [chain.view()];
  for (const chunk of [1_000, 4_000, 5_000, 2_500, 2_500, 5_000, 5_000, 5_000, 5_000, 5_000]) {
    chain.advance(chunk);
    if (chain.step % 5_000 === 0) views.push(chain.view());
  }
  views = views.slice(0, ref.log.length);
  assert.equal(views.length, ref.log.length);
  ref.log.forEach((e, i) => {
    const v = views[i];
    assert.deepEqual([v.step, v.train_acc, v.test_acc, v.l1_theta, v.dnf_length], [e.step, e.train_acc, e.test_acc, e.l1_theta, e.dnf_length], `step ${e.step}`);
  });
  assert.equal(netKey(chain.net), netKey(ref.net!));
  const last = views.at(-1)!;
  assert.equal(last.all_acc, 1, `the network reads as ${last.dnf}`);
  assert.equal(last.dnf, formatDnf(toDnf(ref.net!)));
  assert.equal(last.w1.length, H * n);
});
