/**
 * The wasm backend's linear memory and its allocator.
 *
 * One `WebAssembly.Memory({ shared: true })` holds every tensor the kernels touch. Because it is
 * SharedArrayBuffer-backed, growing it never detaches views made earlier (each grow hands out a new,
 * longer SharedArrayBuffer over the same pages), and worker threads can instantiate the kernel module
 * on the very same memory.
 *
 * Allocator (deliberately simple; tensors are allocated once, outside the hot loop):
 *  - Blocks are 64-byte aligned (a cache line; also what SIMD loads like) and rounded up to a size
 *    class: powers of two from 64 B, so a freed block can be reused by any later request of its class.
 *  - `alloc` takes a block from the class's free list, else bumps the top of the heap, growing the
 *    memory by whole pages (at least doubling, to keep grows rare) when the top passes the end.
 *  - `free` pushes the block back onto its class's free list. Blocks are never split or coalesced:
 *    waste is below 2× per block, which is fine for the few, long-lived buffers an ES run holds.
 *  - Nothing is freed automatically: a view can be GC'd while a subarray of it is still in use, so a
 *    FinalizationRegistry would be unsafe.
 */

import { Wasm, type WasmMemory } from './wasm-api.js';

const ALIGN = 64;
const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB: the wasm32 limit, and the module's declared maximum

export class WasmHeap {
  readonly memory: WasmMemory;
  /** Every SharedArrayBuffer this memory has handed out; a view is ours iff its buffer is in here. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Start address → size class, for free(). */
  private readonly live = new Map<number, number>();
  /** 8 bytes used by owns() to recognise a second buffer object over this memory. */
  private probeAddr = 0;

  constructor(initialPages = 32, base = 0) {
    this.memory = new Wasm.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
    this.buffers.add(this.memory.buffer);
    // Address 0 stays unused so that a pointer of 0 is never a valid buffer.
    this.top = Math.max(ALIGN, roundUp(base, ALIGN));
    // The probe slot is the first block, so it lies inside every buffer this memory ever hands out.
    this.probeAddr = this.alloc(8);
  }

  /** The current buffer (after growth a new, longer SharedArrayBuffer). */
  get buffer(): SharedArrayBuffer {
    return this.memory.buffer as unknown as SharedArrayBuffer;
  }

  /**
   * Whether this typed array is a view into this memory (then its byteOffset is its address).
   * Identity of the SharedArrayBuffer object is the fast check, but V8 may hand out a fresh buffer
   * object for the same shared memory (after a grow it re-creates the JS buffer when it next syncs the
   * memory, apparently also when ANOTHER shared memory in the process grows), so an unknown
   * SharedArrayBuffer is probed: write a random value into a reserved 8-byte slot
   * of this memory and see whether it appears through the other buffer. A hit is remembered.
   */
  owns(view: ArrayBufferView): boolean {
    const buf = view.buffer;
    if (this.buffers.has(buf)) return true;
    // Not `instanceof SharedArrayBuffer`: a page that is not cross-origin isolated has no such global,
    // yet its shared wasm memory's buffer is one.
    if (Object.prototype.toString.call(buf) !== '[object SharedArrayBuffer]') return false;
    if (buf.byteLength < this.probeAddr + 8) return false;
    const mine = new Int32Array(this.memory.buffer, this.probeAddr, 2);
    const theirs = new Int32Array(buf, this.probeAddr, 2);
    for (let attempt = 0; attempt < 2; attempt++) {
      const v = (Math.random() * 2 ** 31) | 0;
      mine[0] = v;
      mine[1] = ~v;
      if (theirs[0] !== v || theirs[1] !== ~v) return false;
    }
    this.buffers.add(buf);
    return true;
  }

  /** Allocates `bytes` bytes (contents undefined) and returns the address. */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const list = this.freeLists.get(size);
    const reused = list?.pop();
    if (reused !== undefined) {
      this.live.set(reused, size);
      return reused;
    }
    const addr = this.top;
    const end = addr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const needPages = Math.ceil((end - have) / PAGE);
      const growBy = Math.min(Math.max(needPages, have / PAGE), MAX_PAGES - have / PAGE);
      if (growBy < needPages) throw new RangeError(`wasm memory exhausted: ${bytes} bytes requested, ${have} in use (4 GiB limit)`);
      this.memory.grow(growBy);
      this.buffers.add(this.memory.buffer);
    }
    this.top = end;
    this.live.set(addr, size);
    return addr;
  }

  free(addr: number): void {
    const size = this.live.get(addr);
    if (size === undefined) throw new Error(`wasm heap: free of an address that is not allocated (${addr})`);
    this.live.delete(addr);
    let list = this.freeLists.get(size);
    if (!list) this.freeLists.set(size, (list = []));
    list.push(addr);
  }

  /** Keeps addresses below `addr` (a module's static data) out of the heap; call before any alloc. */
  reserveBelow(addr: number): void {
    if (this.live.size > 1) throw new Error('wasm heap: reserveBelow after allocations');
    this.live.clear();
    this.top = Math.max(this.top, roundUp(addr, ALIGN));
    this.probeAddr = this.alloc(8);
  }

  /** Bytes reserved from the memory so far (high-water mark), for diagnostics. */
  get reservedBytes(): number {
    return this.top;
  }

  f32(addr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, addr, length);
  }
  i8(addr: number, length: number): Int8Array {
    return new Int8Array(this.memory.buffer, addr, length);
  }
  i32(addr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, addr, length);
  }
}

function roundUp(v: number, to: number): number {
  return Math.ceil(v / to) * to;
}

function sizeClass(bytes: number): number {
  let s = ALIGN;
  while (s < bytes) s *= 2;
  return s;
}

/**
 * Per-thread scratch that grows on demand: `get(bytes)` returns an address with at least that many
 * bytes, reallocating (and freeing the old block) only when a larger size is asked for.
 */
export class Scratch {
  private addr = 0;
  private size = 0;
  constructor(private readonly heap: WasmHeap) {}
  get(bytes: number): number {
    if (bytes > this.size) {
      if (this.addr) this.heap.free(this.addr);
      this.size = sizeClass(bytes);
      this.addr = this.heap.alloc(this.size);
    }
    return this.addr;
  }
}
