/**
 * planck (LunarLander, BipedalWalker) must use the project's sin, cos and atan2, not the engine's: its
 * rotations are computed at angles where this engine's Math.sin/cos differ from the correctly rounded
 * value, and must equal ours; and the engine's functions are back on Math afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rot, planckUsesProjectMath } from '../../src/rl/envs/planck.js';
import { sin, cos } from '../../src/math/index.js';

test('planck\'s rotations use the project\'s sin and cos; the global Math is the engine\'s again', (t) => {
  let checked = 0;
  for (let i = 0; i < 20000; i++) {
    const a = -7 + i * 7e-4 + 1e-9;
    const r = new Rot(a);
    assert.ok(Object.is(r.s, sin(a)) && Object.is(r.c, cos(a)), `Rot(${a})`);
    if (Math.sin(a) !== sin(a) || Math.cos(a) !== cos(a)) checked++;
  }
  // Where the engine agrees everywhere (a correctly rounded libm) there is nothing to tell apart.
  t.diagnostic(`${checked} of 20000 angles where this engine's Math.sin/cos differ`);
  assert.equal(planckUsesProjectMath(), true, 'the load-time check agrees');
  assert.notEqual(Math.sin, sin);
  assert.notEqual(Math.cos, cos);
});
