import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../examples/ask-tell.js';

test('the ask/tell example learns its regression', async () => {
  const { before, after } = await main(60, () => {});
  assert.ok(after < 0.5 * before, `mse ${before} → ${after}`);
});
