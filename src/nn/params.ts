/**
 * Named parameter tensors with a per-parameter tag saying how evolution treats each one (as in
 * HyperscaleES's es_map): 'lowrank' matrices get EGGROLL's A·Bᵀ/√r noise, 'full' tensors get dense
 * Gaussian noise (biases, norms, or every matrix under OpenES), 'frozen' ones are neither perturbed nor
 * updated. A parameter's index in the set is its noise id, so the order of specs is part of a model's
 * identity and never changes between runs.
 */
import type { Backend } from '../backend/types.js';
import type { SafeTensor } from '../io/safetensors.js';

export type EvolveMode = 'lowrank' | 'full' | 'frozen';

export interface ParamSpec {
  name: string;
  /** [rows, cols] for matrices stored out×in; [len] for vectors. */
  shape: number[];
  mode: EvolveMode;
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export class ParamSet {
  readonly values: Float32Array[];
  private readonly byName: Map<string, number>;

  constructor(readonly specs: readonly ParamSpec[], backend: Backend) {
    this.byName = new Map();
    specs.forEach((s, i) => {
      if (this.byName.has(s.name)) throw new Error(`parameter '${s.name}' is declared twice`);
      if (s.mode === 'lowrank' && s.shape.length !== 2) throw new Error(`parameter '${s.name}': low-rank noise needs a matrix, got shape [${s.shape}]`);
      if (s.shape.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`parameter '${s.name}': shape [${s.shape}] must be positive integers`);
      this.byName.set(s.name, i);
    });
    this.values = specs.map((s) => backend.allocF32(sizeOf(s.shape)));
  }

  index(name: string): number {
    const i = this.byName.get(name);
    if (i === undefined) throw new Error(`no parameter named '${name}'`);
    return i;
  }

  /** Whether a parameter of this name exists (optional parts of a model, such as adapters). */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): Float32Array {
    return this.values[this.index(name)];
  }

  get count(): number {
    return this.specs.reduce((a, s) => a + sizeOf(s.shape), 0);
  }

  /** Throws naming the first parameter that holds NaN or ±Inf. */
  assertFinite(): void {
    this.specs.forEach((s, i) => {
      const v = this.values[i];
      for (let j = 0; j < v.length; j++) {
        if (!Number.isFinite(v[j])) throw new Error(`parameter '${s.name}' has a non-finite value at index ${j}`);
      }
    });
  }

  toTensors(prefix = ''): Record<string, SafeTensor> {
    const out: Record<string, SafeTensor> = {};
    this.specs.forEach((s, i) => { out[prefix + s.name] = { dtype: 'F32', shape: [...s.shape], data: this.values[i] }; });
    return out;
  }

  /** Loads values from tensors with the same names and shapes; anything else is an error. */
  loadTensors(tensors: Record<string, SafeTensor>, prefix = ''): void {
    this.specs.forEach((s, i) => {
      const t = tensors[prefix + s.name];
      if (!t) throw new Error(`checkpoint has no tensor '${prefix + s.name}'`);
      if (t.dtype !== 'F32' || t.shape.join('x') !== s.shape.join('x')) {
        throw new Error(`checkpoint tensor '${prefix + s.name}' is ${t.dtype}[${t.shape}], expected F32[${s.shape}]`);
      }
      this.values[i].set(t.data as Float32Array);
    });
  }

  copyFrom(other: ParamSet): void {
    this.values.forEach((v, i) => v.set(other.values[i]));
  }
}
