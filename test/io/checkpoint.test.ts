import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSafetensors, decodeSafetensors, tensor } from '../../src/io/safetensors.js';
import { saveCheckpoint, loadCheckpoint } from '../../src/io/checkpoint.js';
import { tempDir } from '../helpers/temp.js';

test('safetensors round-trips every dtype with an 8-byte aligned, valid header', () => {
  const t = {
    a: tensor(Float32Array.from([1.5, -2, 3e-8]), [3]),
    b: tensor(Int8Array.from([-128, 127, 0, 5]), [2, 2]),
    c: tensor(Int32Array.from([2 ** 31 - 1, -(2 ** 31)])),
    d: tensor(Float64Array.from([Math.PI])),
  };
  const bytes = encodeSafetensors(t, { note: 'x' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString());
  assert.deepEqual(header.b, { dtype: 'I8', shape: [2, 2], data_offsets: [12, 16] });
  const back = decodeSafetensors(bytes);
  assert.equal(back.metadata.note, 'x');
  for (const k of Object.keys(t) as (keyof typeof t)[]) {
    assert.deepEqual(Array.from(back.tensors[k].data as ArrayLike<number>), Array.from(t[k].data as ArrayLike<number>));
    assert.deepEqual(back.tensors[k].shape, t[k].shape);
  }
  assert.throws(() => decodeSafetensors(bytes.subarray(0, 20)), /exceeds the file size/);
});

test('checkpoints are written atomically, keep the newest few, and load back exactly', () => {
  const dir = tempDir('ck-');
  for (let g = 1; g <= 5; g++) saveCheckpoint(dir, { generation: g, state: { step: g }, tensors: { w: tensor(Float32Array.from([g, g + 0.25])) } }, 2);
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['gen-0000004.json', 'gen-0000004.safetensors', 'gen-0000005.json', 'gen-0000005.safetensors', 'latest.json']);
  const ck = loadCheckpoint(dir);
  assert.equal(ck.generation, 5);
  assert.deepEqual(ck.state, { step: 5 });
  assert.deepEqual(Array.from(ck.tensors.w.data as Float32Array), [5, 5.25]);
  assert.equal(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')).checkpoint, 'gen-0000005');
});
