/**
 * A trained RL policy as one self-describing safetensors file: the parameters (`param/<name>`, F32),
 * the task state (`task/state`, F64: observation statistics) and, in the header's `__metadata__`, the
 * run's policy settings (`config`: config.json's fields that define the policy, rl/config.ts
 * POLICY_CONFIG_KEYS) and the generation. The
 * playground exports this; `eggroll train` writes the same metadata into its checkpoints, so
 * `eggroll eval FILE` and the playground's import read either. Pure (no files, no zod): the browser
 * bundle uses it; the CLI adds the full config.json schema on top.
 */
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafeTensor } from '../io/safetensors.js';
import { sizeOf, type ParamSet, type ParamSpec } from '../nn/params.js';
import { ACTIVATIONS } from '../nn/activations.js';
import { ACTION_MODES } from './policy.js';
import { resolveEnv } from './envs/index.js';
import { policyConfigOf, type PolicyConfig } from './config.js';

export const POLICY_FORMAT = 'eggroll-policy';

/** A file that is not a usable policy; the message says what is wrong (callers add the file name). */
export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
}

export interface PolicyFile {
  readonly config: PolicyConfig;
  readonly generation: number;
  readonly tensors: Record<string, SafeTensor>;
}

/** The metadata that makes a checkpoint or an export describe its own policy. */
export function policyMetadata(config: PolicyConfig, generation: number): Record<string, string> {
  return { kind: 'rl', config: JSON.stringify(policyConfigOf(config)), generation: String(generation) };
}

/** The playground's export: parameters, task state and settings in one file. */
export function encodePolicyFile(config: PolicyConfig, params: ParamSet, taskState: Float64Array, generation: number): Uint8Array {
  const tensors = params.toTensors('param/');
  if (taskState.length) tensors['task/state'] = { dtype: 'F64', shape: [taskState.length], data: taskState };
  return encodeSafetensors(tensors, { ...policyMetadata(config, generation), format: POLICY_FORMAT });
}

/**
 * Decodes a policy export or an `eggroll train` checkpoint: a valid safetensors file whose metadata
 * carries the run's config (the fields the policy is built from are checked here). The tensors are
 * checked against the model later (checkPolicyTensors), once its layout is known.
 */
export function decodePolicyFile(bytes: Uint8Array): PolicyFile {
  let d: ReturnType<typeof decodeSafetensors>;
  try {
    d = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new PolicyFileError(`is not a valid safetensors file: ${e.message}`);
    throw e;
  }
  const { format, config: text, generation } = d.metadata;
  if (format !== POLICY_FORMAT && format !== 'eggroll-checkpoint') throw new PolicyFileError(`is not an eggroll policy or checkpoint (format ${JSON.stringify(format ?? null)})`);
  if (d.metadata.kind !== undefined && d.metadata.kind !== 'rl') throw new PolicyFileError(`holds a ${d.metadata.kind} model, not an RL policy`);
  if (text === undefined) throw new PolicyFileError('carries no run config in its metadata (a checkpoint from before configs were embedded: evaluate its run directory instead)');
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new PolicyFileError("has metadata 'config' that is not valid JSON");
  }
  checkPolicyConfig(config);
  const gen = Number(generation ?? 0);
  if (!Number.isSafeInteger(gen) || gen < 0) throw new PolicyFileError(`has metadata 'generation' ${JSON.stringify(generation)}, not a whole number ≥ 0`);
  return { config: config as PolicyConfig, generation: gen, tensors: d.tensors };
}

/** The config fields a policy is built from (taskOptionsFor); one line per problem. */
function checkPolicyConfig(c: unknown): asserts c is PolicyConfig {
  const bad = (field: string, want: string): never => { throw new PolicyFileError(`has config field '${field}' ${want}`); };
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new PolicyFileError("has metadata 'config' that is not a JSON object");
  const o = c as Record<string, unknown>;
  if (typeof o.env !== 'string') bad('env', 'missing or not a string');
  try {
    resolveEnv(o.env as string);
  } catch (e) {
    bad('env', `not usable: ${(e as Error).message}`);
  }
  const int = (k: string, min: number, max: number) => {
    const v = o[k];
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) bad(k, `must be a whole number in ${min}..${max}, got ${JSON.stringify(v)}`);
  };
  int('pop', 2, 1 << 20);
  int('episodes', 1, 1 << 16);
  int('seed', 0, 2 ** 32 - 1);
  if (!Array.isArray(o.hidden) || o.hidden.length === 0 || o.hidden.length > 16 || !o.hidden.every((h) => Number.isSafeInteger(h) && h >= 1 && h <= 65536)) bad('hidden', `must be 1..16 layer widths in 1..65536, got ${JSON.stringify(o.hidden)}`);
  if (!(ACTIVATIONS as readonly unknown[]).includes(o.activation)) bad('activation', `must be one of ${ACTIVATIONS.join(', ')}`);
  if (o.bias !== 'full' && o.bias !== 'frozen') bad('bias', 'must be full or frozen');
  if (typeof o.obsNorm !== 'boolean') bad('obsNorm', 'must be true or false');
  if (!(ACTION_MODES as readonly unknown[]).includes(o.action)) bad('action', `must be one of ${ACTION_MODES.join(', ')}`);
}

/** Throws a PolicyFileError unless the file holds every parameter of `specs` (F32, its size) and the task state. */
export function checkPolicyTensors(file: PolicyFile, specs: readonly ParamSpec[], stateSize: number): void {
  const want: [string, string, number][] = specs.map((s) => [`param/${s.name}`, 'F32', sizeOf(s.shape)]);
  if (stateSize) want.push(['task/state', 'F64', stateSize]);
  for (const [key, dtype, count] of want) {
    const t = file.tensors[key];
    if (!t) throw new PolicyFileError(`has no tensor '${key}' (its config and tensors do not match)`);
    if (t.dtype !== dtype || t.data.length !== count) throw new PolicyFileError(`has tensor '${key}' as ${t.dtype}×${t.data.length}, expected ${dtype}×${count}`);
  }
}
