/**
 * Copy-on-write containers for big memory state. Snapshots share chunks with
 * the live state; the first write to a chunk after a snapshot copies that
 * chunk only, so a snapshot of a million-page state costs one small map copy.
 */

import type { DirSnapshot } from './chunk_dir';
import { ChunkDir, EPOCH } from './chunk_dir';

export { nextEpoch } from './chunk_dir';

interface Chunk<T> {
  epoch: number;
  data: T;
  /** Entries that are not zero (kept by CowInts): an index of the set entries costs a walk of chunks, not of entries. */
  nz: number;
}

export const CHUNK_BITS = 8;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

type IntChunk = Int32Array | Uint8Array;

/** Typed-array chunks by index, with the lookups page walks repeat kept cheap. */
abstract class Chunked<T extends IntChunk | BigUint64Array> {
  protected chunks = new ChunkDir<Chunk<T>>();
  /**
   * The two chunks used last and their indexes: page walks touch one chunk
   * many times in a row, and a migration alternates a system and a device page.
   */
  private lastK = -1;
  private lastC: Chunk<T> | undefined;
  private prevK = -1;
  private prevC: Chunk<T> | undefined;

  /** A zeroed chunk (a method, not a callback: `set` runs on every page-table write). */
  protected abstract newChunk(): T;

  protected chunk(k: number): Chunk<T> | undefined {
    if (k === this.lastK) return this.lastC;
    if (k === this.prevK) return this.prevC;
    const c = this.chunks.get(k);
    if (c) this.remember(k, c);
    return c;
  }

  /** Chunk k, ready to write in this epoch: made when missing, copied when a snapshot shares it. */
  protected writable(k: number): Chunk<T> {
    let c = this.chunk(k);
    if (!c) c = { epoch: EPOCH, data: this.newChunk(), nz: 0 };
    else if (c.epoch !== EPOCH) c = { epoch: EPOCH, data: c.data.slice() as T, nz: c.nz };
    else return c;
    this.chunks.set(k, c);
    this.remember(k, c);
    return c;
  }

  private remember(k: number, c: Chunk<T>): void {
    if (k !== this.lastK) {
      this.prevK = this.lastK;
      this.prevC = this.lastC;
    }
    this.lastK = k;
    this.lastC = c;
  }
}

/**
 * A sparse array of int32 (or of bytes, for flags), indexed by any
 * non-negative safe integer; unset entries read 0.
 */
export class CowInts extends Chunked<IntChunk> {
  constructor(private readonly bytes = false) {
    super();
  }
  /** Bumped on every change (views cache derived indexes by it). */
  version = 0;

  protected newChunk(): IntChunk {
    return this.bytes ? new Uint8Array(CHUNK) : new Int32Array(CHUNK);
  }

  get(i: number): number {
    const c = this.chunk(Math.floor(i / CHUNK));
    return c ? (c.data[i & MASK] as number) : 0;
  }

  set(i: number, v: number): void {
    const k = Math.floor(i / CHUNK);
    if (v === 0 && !this.chunk(k)) return;
    const c = this.writable(k);
    const j = i & MASK;
    c.nz += (v !== 0 ? 1 : 0) - (c.data[j] !== 0 ? 1 : 0);
    c.data[j] = v;
    this.version++;
  }

  /**
   * The non-zero entries in index order, as an index that answers "the i-th"
   * without listing them: built from the chunks' counts (one step per chunk),
   * so a view can rebuild it after every change.
   */
  nonZeroIndex(): NonZeroIndex {
    const keys = this.chunks.keys();
    const before = new Float64Array(keys.length + 1);
    const chunks: IntChunk[] = [];
    for (let n = 0; n < keys.length; n++) {
      const c = this.chunks.get(keys[n] as number) as Chunk<IntChunk>;
      chunks.push(c.data);
      before[n + 1] = (before[n] as number) + c.nz;
    }
    return new NonZeroIndex(keys, before, chunks);
  }

  add(i: number, d: number): number {
    const v = this.get(i) + d;
    this.set(i, v);
    return v;
  }

  /** Chunk indexes in ascending order. */
  chunkKeys(): number[] {
    return this.chunks.keys();
  }

  /** Calls fn(index, value) for every non-zero entry in [from, to), ascending. */
  forEach(from: number, to: number, fn: (i: number, v: number) => void): void {
    if (to <= from) return;
    const k0 = Math.floor(from / CHUNK);
    const k1 = Math.floor((to - 1) / CHUNK);
    const keys = k1 - k0 < this.chunks.size ? range(k0, k1) : this.chunks.keys(k0, k1);
    for (const k of keys) {
      const c = this.chunks.get(k);
      if (!c) continue;
      const base = k * CHUNK;
      const lo = Math.max(from, base) - base;
      const hi = Math.min(to, base + CHUNK) - base;
      const d = c.data;
      for (let j = lo; j < hi; j++) {
        const v = d[j] as number;
        if (v !== 0) fn(base + j, v);
      }
    }
  }

  /** Every index holding a non-zero entry, ascending: counted first, then filled, with no callback per entry. */
  nonZeroIndexes(): Float64Array {
    const keys = this.chunkKeys();
    let n = 0;
    for (const k of keys) {
      const d = (this.chunks.get(k) as Chunk<IntChunk>).data;
      for (let j = 0; j < CHUNK; j++) if (d[j] !== 0) n++;
    }
    const out = new Float64Array(n);
    let o = 0;
    for (const k of keys) {
      const d = (this.chunks.get(k) as Chunk<IntChunk>).data;
      const base = k * CHUNK;
      for (let j = 0; j < CHUNK; j++) if (d[j] !== 0) out[o++] = base + j;
    }
    return out;
  }

  snapshot(): { readonly bytes: boolean; readonly chunks: DirSnapshot<Chunk<IntChunk>> } {
    return { bytes: this.bytes, chunks: this.chunks.snapshot() };
  }

  static restore(s: ReturnType<CowInts['snapshot']>): CowInts {
    const c = new CowInts(s.bytes);
    c.chunks = ChunkDir.from(s.chunks);
    return c;
  }
}

/** The i-th non-zero entry of a CowInts as it was when the index was made. */
export class NonZeroIndex {
  /** The chunk and the offset in it of the entry last found: a view pages through in order. */
  private lastN = -1;
  private lastI = -1;
  private lastJ = -1;

  constructor(
    private readonly keys: readonly number[],
    /** before[n]: non-zero entries in the chunks ahead of chunk n. */
    private readonly before: Float64Array,
    private readonly chunks: readonly IntChunk[],
  ) {}

  get length(): number {
    return this.before[this.keys.length] as number;
  }

  /** The index of the i-th non-zero entry (0-based), or -1. */
  at(i: number): number {
    if (i < 0 || i >= this.length) return -1;
    let lo = 0;
    let hi = this.keys.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.before[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    const d = this.chunks[lo] as IntChunk;
    let seen = this.before[lo] as number;
    let j = 0;
    // Continue from the last answer when it is in the same chunk and not past i.
    if (this.lastN === lo && this.lastI <= i) {
      seen = this.lastI;
      j = this.lastJ;
    }
    for (; j < CHUNK; j++) {
      if (d[j] === 0) continue;
      if (seen === i) break;
      seen++;
    }
    this.lastN = lo;
    this.lastI = i;
    this.lastJ = j;
    return (this.keys[lo] as number) * CHUNK + j;
  }
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let k = a; k <= b; k++) out.push(k);
  return out;
}

export type CowIntsSnapshot = ReturnType<CowInts['snapshot']>;

/** A sparse map from non-negative integers to immutable values, chunked the same way. */
export class CowMap<V> {
  private chunks = new ChunkDir<Chunk<Map<number, V>>>();

  get(i: number): V | undefined {
    // Most pages never have more than their first word written: skip the lookups while the map is empty.
    if (this.chunks.size === 0) return undefined;
    return this.chunks.get(Math.floor(i / CHUNK))?.data.get(i);
  }

  set(i: number, v: V | undefined): void {
    if (v === undefined && this.chunks.size === 0) return;
    const k = Math.floor(i / CHUNK);
    let c = this.chunks.get(k);
    if (!c) {
      if (v === undefined) return;
      c = { epoch: EPOCH, data: new Map(), nz: 0 };
      this.chunks.set(k, c);
    } else if (c.epoch !== EPOCH) {
      c = { epoch: EPOCH, data: new Map(c.data), nz: 0 };
      this.chunks.set(k, c);
    }
    if (v === undefined) {
      c.data.delete(i);
      if (c.data.size === 0) this.chunks.delete(k);
    } else c.data.set(i, v);
  }

  snapshot(): DirSnapshot<Chunk<Map<number, V>>> {
    return this.chunks.snapshot();
  }

  static restore<V>(s: DirSnapshot<Chunk<Map<number, V>>>): CowMap<V> {
    const c = new CowMap<V>();
    c.chunks = ChunkDir.from(s);
    return c;
  }
}

/** A sparse array of u64 (one word per index), chunked like CowInts; unset entries read 0. */
export class CowU64 extends Chunked<BigUint64Array> {
  protected newChunk(): BigUint64Array {
    return new BigUint64Array(CHUNK);
  }

  get(i: number): bigint {
    const c = this.chunk(Math.floor(i / CHUNK));
    return c ? (c.data[i & MASK] as bigint) : 0n;
  }

  set(i: number, v: bigint): void {
    const k = Math.floor(i / CHUNK);
    if (v === 0n && !this.chunk(k)) return;
    this.writable(k).data[i & MASK] = v;
  }

  snapshot(): DirSnapshot<Chunk<BigUint64Array>> {
    return this.chunks.snapshot();
  }

  static restore(s: DirSnapshot<Chunk<BigUint64Array>>): CowU64 {
    const c = new CowU64();
    c.chunks = ChunkDir.from(s);
    return c;
  }
}

/** A stack of non-negative ints (a free list) over CowInts: snapshots share its chunks. */
export class CowStack {
  private items = new CowInts();
  length = 0;

  push(v: number): void {
    this.items.set(this.length++, v);
  }

  pop(): number | undefined {
    if (this.length === 0) return undefined;
    return this.items.get(--this.length);
  }

  at(i: number): number {
    return this.items.get(i);
  }

  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.items.get(i));
    return out;
  }

  snapshot(): { readonly items: CowIntsSnapshot; readonly length: number } {
    return { items: this.items.snapshot(), length: this.length };
  }

  static restore(s: { readonly items: CowIntsSnapshot; readonly length: number }): CowStack {
    const c = new CowStack();
    c.items = CowInts.restore(s.items);
    c.length = s.length;
    return c;
  }
}
