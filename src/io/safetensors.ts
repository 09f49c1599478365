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
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (allowed by the format).
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = Buffer.from(json, 'utf8');
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

export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) throw new Error('safetensors: file shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new Error(`safetensors: header length ${n} exceeds the file size ${bytes.length}`);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8')) as Record<string, any>;
  const base = 8 + n;
  const tensors: Record<string, SafeTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') { metadata = info; continue; }
    const ctor = CTORS[info.dtype as SafeDType];
    if (!ctor) throw new Error(`safetensors: tensor '${name}' has unsupported dtype ${info.dtype}`);
    const [b, e] = info.data_offsets as [number, number];
    if (base + e > bytes.length || b > e) throw new Error(`safetensors: tensor '${name}' lies outside the file`);
    // Copy into a fresh, aligned buffer (Buffer.slice would return a view of a pooled buffer).
    const raw = new Uint8Array(bytes.subarray(base + b, base + e));
    const data = new ctor(raw.buffer, 0, (e - b) / ctor.BYTES_PER_ELEMENT);
    tensors[name] = { dtype: info.dtype, shape: info.shape, data };
  }
  return { tensors, metadata };
}
