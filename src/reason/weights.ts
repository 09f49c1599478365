/**
 * A language model file: one safetensors file with every parameter (named as in lmSpecs) and, in its
 * header metadata, the model's configuration and provenance (how it was made), so the file alone says
 * what it is. Both the engine and the tfjs twin read it; it is written atomically.
 */
import { z } from 'zod';
import { writeFileAtomic } from '../io/atomic.js';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafeTensor } from '../io/safetensors.js';
import { BadFileError, readFileBounded } from '../io/errors.js';
import { lmSpecs, type LmConfig } from './model.js';
import { sizeOf } from '../nn/params.js';

const configSchema = z.object({ dim: z.number().int().min(1), hidden: z.number().int().min(1), layers: z.number().int().min(1), vocab: z.number().int().min(1) });

export interface LmFile {
  cfg: LmConfig;
  /** In lmSpecs order. */
  values: Float32Array[];
  provenance: Record<string, unknown>;
}

export function encodeLm(cfg: LmConfig, values: readonly Float32Array[], provenance: Record<string, unknown>): Uint8Array {
  const tensors: Record<string, SafeTensor> = {};
  lmSpecs(cfg).forEach((s, i) => { tensors[s.name] = { dtype: 'F32', shape: [...s.shape], data: values[i] }; });
  return encodeSafetensors(tensors, { format: 'eggroll-reason-lm', model: JSON.stringify(cfg), provenance: JSON.stringify(provenance) });
}

export function saveLm(path: string, cfg: LmConfig, values: readonly Float32Array[], provenance: Record<string, unknown>): void {
  writeFileAtomic(path, encodeLm(cfg, values, provenance));
}

/** Reads and checks a model file; anything wrong is a BadFileError naming the file (→ exit 2). */
export function loadLm(path: string): LmFile {
  const bytes = readFileBounded(path, 1 << 30);
  let d;
  try {
    d = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new BadFileError(path, e.message);
    throw e;
  }
  if (d.metadata.format !== 'eggroll-reason-lm') throw new BadFileError(path, `is not a reasoning LM file (metadata format ${JSON.stringify(d.metadata.format)}; make one with: eggroll reason pretrain)`);
  let cfg: LmConfig;
  let provenance: Record<string, unknown>;
  try {
    cfg = configSchema.parse(JSON.parse(d.metadata.model ?? ''));
    provenance = JSON.parse(d.metadata.provenance ?? '{}');
  } catch (e) {
    throw new BadFileError(path, `damaged header metadata: ${(e as Error).message.split('\n')[0]}`);
  }
  const values = lmSpecs(cfg).map((s) => {
    const t = d.tensors[s.name];
    if (!t || t.dtype !== 'F32' || t.data.length !== sizeOf(s.shape)) throw new BadFileError(path, `tensor '${s.name}' is missing or not F32[${s.shape}]`);
    return t.data as Float32Array;
  });
  return { cfg, values, provenance };
}
