/**
 * planck (Box2D) with the project's sin, cos and atan2 instead of the engine's, so LunarLander and
 * BipedalWalker give the same bits in every JavaScript engine. Import planck through this module only:
 * modules are evaluated in the order of their requests, so planck-math-on.ts runs before planck captures
 * Math.sin/cos/atan2 and planck-math-off.ts restores the engine's right after (test/rl/planck-math.test.ts
 * checks that planck's rotations are ours). planck's other Math calls are sqrt, abs, min, max and floor,
 * which IEEE 754 makes the same everywhere.
 */
import './planck-math-on.js';
export { Body, Box, Edge, Polygon, RevoluteJoint, Rot, World, type Contact, type Fixture, type Vec2 } from 'planck';
import './planck-math-off.js';

import { Rot as PlanckRot } from 'planck';
import { sin, cos } from '../../math/index.js';

let checked: boolean | undefined;

/**
 * Whether planck computes rotations with the project's sin and cos. False only when something imported planck
 * before eggroll (it then kept the engine's Math.sin/cos): checked once, when the first Box2D world is made (the
 * environments call it), at 1,000 angles where an engine whose libm is not correctly rounded differs on a few per
 * cent; warns once if not.
 */
export function planckUsesProjectMath(): boolean {
  if (checked !== undefined) return checked;
  checked = Array.from({ length: 1000 }, (_, i) => -3.2 + i * 0.0064).every((a) => {
    const r = new PlanckRot(a);
    return r.s === sin(a) && r.c === cos(a);
  });
  if (!checked) {
    console.warn("eggroll: planck was imported before eggroll and kept this engine's Math.sin/cos, so LunarLander and BipedalWalker results may differ between JavaScript engines (import eggroll first)");
  }
  return checked;
}
