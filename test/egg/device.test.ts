/**
 * The device-resident EGG generation (egg/device.ts, issue 30): on this machine's WebGPU adapter (SwiftShader here),
 * every step's fitness, moved and clipped counts, and the weights and recurrent states after it equal the CPU's bit
 * for bit — with and without dot4I8Packed, at widths whose MLP input is 64, 1024 and 4096 bytes (the last takes the
 * CPU's double-precision branch of the rank-1 term), across a document start (byte 0 resets the states), with
 * weights held at ±127 (clipped votes), and after a model is loaded mid-run (the device takes the host's copy).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend } from '../../src/backend/index.js';
import { GpuKernels } from '../../src/backend/webgpu/compute.js';
import { EggTrainer, decodeModel, encodeModel, type EggConfig } from '../../src/egg/train.js';
import { webGpuForTests } from '../helpers/webgpu.js';

const { skip } = await webGpuForTests();
const text = new TextEncoder().encode(Array.from({ length: 30 }, (_, i) => `\0Verse ${i}. And the light shineth in darkness.`).join('\n'));

/** Steps a CPU trainer and a device one side by side; asserts every step's results and the final state equal. */
async function sideBySide(gpu: GpuKernels, cfg: EggConfig, steps: number, prepare?: (tr: EggTrainer) => void): Promise<void> {
  const wasm = await createBackend('wasm', { threads: 1 });
  const cpu = new EggTrainer(cfg, wasm, 'wasm', text, 1);
  const dev = new EggTrainer(cfg, wasm, 'wasm', text, 1);
  prepare?.(cpu);
  prepare?.(dev);
  dev.useDevice(gpu);
  try {
    for (let s = 0; s < steps; s++) {
      const { seconds: _a, ...a } = await cpu.trainStep();
      const { seconds: _b, ...b } = await dev.trainStep();
      assert.deepEqual(dev.fitness.subarray(0, cfg.pop), cpu.fitness.subarray(0, cfg.pop), `step ${s}: fitness`);
      assert.deepEqual(b, a, `step ${s}: results`);
    }
    assert.throws(() => dev.score(text), /syncHost/);
    await dev.syncHost();
    assert.ok(Buffer.from(dev.params.buffer).equals(Buffer.from(cpu.params.buffer)), 'weights differ');
    assert.ok(Buffer.from(dev.states.buffer).equals(Buffer.from(cpu.states.buffer)), 'recurrent states differ');
    assert.equal(dev.score(text), cpu.score(text));
  } finally {
    await dev.close();
    await cpu.close();
  }
}

describe('EGG device-resident on WebGPU', { skip, timeout: 600_000 }, () => {
  for (const packedDot of [true, false]) {
    test(`the CPU's bits, step after step (two layers, width 16; dot4I8Packed ${packedDot ? 'where the adapter has it' : 'off'})`, async () => {
      const gpu = await GpuKernels.open({ packedDot });
      await sideBySide(gpu, { layers: 2, width: 16, pop: 12, groupSize: 4, tokens: 6, sigmaShift: 2, alpha: 4, seed: 5 }, 3);
    });
  }

  test('widths 4, 256 and 1024; σ̂ 0 and 8; weights held at ±127 vote into clipping', async () => {
    const gpu = await GpuKernels.open();
    const clamp = (tr: EggTrainer) => { for (let i = 0; i < tr.params.length; i += 7) tr.params[i] = i % 14 === 0 ? 127 : -127; };
    await sideBySide(gpu, { layers: 1, width: 4, pop: 8, groupSize: 2, tokens: 5, sigmaShift: 0, alpha: 1, seed: 1 }, 2, clamp);
    await sideBySide(gpu, { layers: 1, width: 256, pop: 4, groupSize: 2, tokens: 2, sigmaShift: 8, alpha: 1, seed: 2 }, 2, clamp);
    await sideBySide(gpu, { layers: 1, width: 1024, pop: 2, groupSize: 2, tokens: 1, sigmaShift: 1, alpha: 1, seed: 3 }, 1, clamp);
  });

  test('a model loaded mid-run goes to the device before the next step', async () => {
    const gpu = await GpuKernels.open();
    const cfg: EggConfig = { layers: 1, width: 16, pop: 8, groupSize: 4, tokens: 4, sigmaShift: 3, alpha: 4, seed: 7 };
    const wasm = await createBackend('wasm', { threads: 1 });
    const straight = new EggTrainer(cfg, wasm, 'wasm', text, 1);
    for (let s = 0; s < 3; s++) await straight.trainStep();
    const first = new EggTrainer(cfg, wasm, 'wasm', text, 1);
    await first.trainStep();
    const saved = decodeModel(encodeModel(first.arch, first.params, first.states, cfg, first.step));
    const dev = new EggTrainer(cfg, wasm, 'wasm', text, 1);
    dev.useDevice(gpu);
    await dev.trainStep(); // the device now holds a different model …
    dev.loadModel(saved, 'step-1'); // … which this replaces
    while (dev.step < 3) await dev.trainStep();
    await dev.syncHost();
    assert.ok(Buffer.from(dev.params.buffer).equals(Buffer.from(straight.params.buffer)), 'weights differ from a straight run');
    assert.ok(Buffer.from(dev.states.buffer).equals(Buffer.from(straight.states.buffer)), 'states differ from a straight run');
    await dev.close();
  });
});
