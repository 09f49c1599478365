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
