/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
 * header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then
 * the raw little-endian tensor bytes. Tensors are written in name order so that files are reproducible.
 */
export type SafeDType = 'F64' | 'F32' | 'I32' | 'I16' | 'I8' | 'U8' | 'U32';
export type SafeArray = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint32Array;

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data: SafeArray;
}

const CTORS = {
  F64: Float64Array, F32: Float32Array, I32: Int32Array, I16: Int16Array, I8: Int8Array, U8: Uint8Array, U32: Uint32Array,
} as const;

export function dtypeOf(a: SafeArray): SafeDType {
  if (a instanceof Float64Array) return 'F64';
  if (a instanceof Float32Array) return 'F32';
  if (a instanceof Int32Array) return 'I32';
  if (a instanceof Int16Array) return 'I16';
  if (a instanceof Int8Array) return 'I8';
  if (a instanceof Uint32Array) return 'U32';
  return 'U8';
}

export function tensor(data: SafeArray, shape: number[] = [data.length]): SafeTensor {
  const count = shape.reduce((x, y) => x * y, 1);
  if (count !== data.length) throw new RangeError(`tensor: shape [${shape}] holds ${count} values, data has ${data.length}`);
  return { dtype: dtypeOf(data), shape, data };
}

export function encodeSafetensors(tensors: Record<string, SafeTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const bytes = t.data.byteLength;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // TextEncoder/TextDecoder rather than Buffer: the browser bundle encodes and decodes too (playground export/import).
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts 8-byte aligned (allowed by the format).
  const headerBytes = new Uint8Array(json.length + ((8 - ((8 + json.length) % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Record<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** A malformed safetensors file; the message says what is wrong (callers add the file name). */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

/** Headers beyond this are not something this library wrote (ours are a few KiB). */
const MAX_HEADER = 100 << 20;

/**
 * Decodes and validates: the header must be a JSON object whose every tensor has a known dtype, a shape
 * of whole numbers, and data offsets that lie inside the file, hold exactly shape × dtype bytes, and
 * neither overlap nor leave gaps. Anything else throws a SafetensorsError saying what is wrong.
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const fail = (why: string): never => { throw new SafetensorsError(why); };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than its 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const big = view.getBigUint64(0, true);
  if (big > BigInt(bytes.length - 8) || big > BigInt(MAX_HEADER)) fail(`header length ${big} exceeds the file size ${bytes.length} (truncated or not a safetensors file)`);
  const n = Number(big);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    fail('header is not valid JSON (corrupted or not a safetensors file)');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const base = 8 + n;
  const dataBytes = bytes.length - base;
  const tensors: Record<string, SafeTensor> = {};
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header as Record<string, any>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info) || Object.values(info).some((v) => typeof v !== 'string')) fail('__metadata__ must map names to strings');
      metadata = info;
      continue;
    }
    if (info === null || typeof info !== 'object') fail(`tensor '${name}' has no dtype/shape/data_offsets`);
    const ctor = CTORS[info.dtype as SafeDType];
    if (!ctor || !Object.hasOwn(CTORS, info.dtype)) fail(`tensor '${name}' has unsupported dtype ${JSON.stringify(info.dtype)}`);
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d: unknown) => Number.isSafeInteger(d) && (d as number) >= 0)) fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    const offs = info.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o: unknown) => Number.isSafeInteger(o) && (o as number) >= 0)) fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offs)}`);
    const [b, e] = offs as [number, number];
    const count = (shape as number[]).reduce((x, y) => x * y, 1);
    if (b > e || e > dataBytes) fail(`tensor '${name}' lies outside the file (bytes ${b}..${e} of ${dataBytes}; truncated?)`);
    if (e - b !== count * ctor.BYTES_PER_ELEMENT) fail(`tensor '${name}' has ${e - b} bytes but shape [${shape}] × ${info.dtype} needs ${count * ctor.BYTES_PER_ELEMENT}`);
    spans.push([b, e, name]);
    // Copy into a fresh, aligned buffer (Buffer.slice would return a view of a pooled buffer).
    const raw = new Uint8Array(bytes.subarray(base + b, base + e));
    const data = new ctor(raw.buffer, 0, count);
    tensors[name] = { dtype: info.dtype, shape: shape as number[], data };
  }
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let at = 0;
  for (const [b, e, name] of spans) {
    if (b !== at) fail(b < at ? `tensor '${name}' overlaps another tensor's bytes` : `there is a gap before tensor '${name}'`);
    at = e;
  }
  if (at !== dataBytes) fail(`the file has ${dataBytes - at} bytes after the last tensor (corrupted?)`);
  return { tensors, metadata };
}
