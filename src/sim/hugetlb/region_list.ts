/**
 * The `resv->regions` list of a hugetlb resv_map: `[from, to)` page-offset
 * ranges sorted by `from`, non-overlapping (touching allowed), never empty.
 *
 * Since "hugetlb: disable region_add file_region coalescing" (reference 004)
 * the kernel no longer merges neighbours, so a file touched one page at a
 * time ends up with one region per page. A linked list (or a single sorted
 * array with O(n) splices) would make a scenario with 100,000 faults
 * quadratic, so regions live in chunked sorted arrays: a sequence of
 * chunks (ChunkSeq, itself in groups), each holding up to MAX_CHUNK regions
 * in parallel `froms`/`tos` arrays. Lookups binary-search the chunks by
 * their last entry, then the chunk; every mutation rewrites only the chunks
 * it touches.
 *
 * The public operations are the kernel loops of add_reservation_in_range,
 * region_count and region_del, reproduced exactly (see the doc comments);
 * test/hugetlb/literal_resv_map.ts is the line-by-line port they are checked
 * against.
 */

import { ChunkSeq } from './chunk_seq';
import { RegionWalk } from './region_walk';

const MAX_CHUNK = 128;
/** Chunks smaller than this are merged into a neighbour, so lookups stay O(log n) and chunks don't fragment. */
const MIN_CHUNK = MAX_CHUNK / 4;

/**
 * Chunks are never changed once built: every mutation builds new chunks and
 * swaps them in. So a clone shares all of them, and a history snapshot of a
 * million-region map costs the ChunkSeq's array of groups.
 */
export interface Chunk {
  readonly froms: readonly number[];
  readonly tos: readonly number[];
}

/** A position in the list: chunk index and offset inside it. `{ c: chunks.length, i: 0 }` is the end. */
export interface Pos {
  c: number;
  i: number;
}

/** First index whose value is `> x` (strict) or `>= x`; `a.length` if none. */
function bound(a: readonly number[], x: number, strict: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? a[mid] > x : a[mid] >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Cut parallel arrays into near-equal chunks of at most MAX_CHUNK (each > MAX_CHUNK / 2 when there are several). */
function buildChunks(froms: number[], tos: number[]): Chunk[] {
  const len = froms.length;
  if (len === 0) return [];
  if (len <= MAX_CHUNK) return [{ froms, tos }];
  const pieces = Math.ceil(len / MAX_CHUNK);
  const size = Math.ceil(len / pieces);
  const out: Chunk[] = [];
  for (let k = 0; k < len; k += size) {
    out.push({ froms: froms.slice(k, k + size), tos: tos.slice(k, k + size) });
  }
  return out;
}

function checkOffset(name: string, x: number): void {
  // Offsets are C `long`s; beyond 2^53 a JS number would silently round and
  // the page arithmetic would stop being exact.
  if (!Number.isSafeInteger(x)) throw new RangeError(`${name} must be a safe integer, got ${x}`);
}

function checkOrdered(op: string, f: number, t: number): void {
  // region_del with f > t would "split" a region into two overlapping ones;
  // no kernel caller does that (hugetlb_reserve_pages rejects from > to), so
  // refuse rather than corrupt the list.
  if (f > t) throw new RangeError(`${op}: f (${f}) > t (${t})`);
}

export class RegionList {
  private chunks = new ChunkSeq<Chunk>();
  private count = 0;
  /** Global index of each chunk's first region; rebuilt lazily after a mutation changed chunk sizes. */
  private starts: number[] | null = null;
  /** A kernel walk editing the list (RegionWalk): its edits so far are written back before anything reads the list. */
  private walking: RegionWalk | null = null;

  /** Build from regions already in kernel order (sorted, non-overlapping, non-empty). */
  static from(regions: Iterable<readonly [number, number]>): RegionList {
    const froms: number[] = [];
    const tos: number[] = [];
    let prevTo = -Infinity;
    for (const [from, to] of regions) {
      checkOffset('from', from);
      checkOffset('to', to);
      if (from >= to) throw new RangeError(`empty or inverted region [${from}, ${to})`);
      if (from < prevTo) throw new RangeError(`region [${from}, ${to}) overlaps or precedes its predecessor`);
      froms.push(from);
      tos.push(to);
      prevTo = to;
    }
    const list = new RegionList();
    list.chunks = ChunkSeq.of(buildChunks(froms, tos));
    list.count = froms.length;
    return list;
  }

  get length(): number {
    this.settle();
    return this.count;
  }

  /** Number of internal chunks (for tests and diagnostics). */
  get chunkCount(): number {
    this.settle();
    return this.chunks.length;
  }

  at(i: number): [number, number] {
    this.settle();
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new RangeError(`region index ${i} out of range [0, ${this.count})`);
    }
    const p = this.locate(i);
    const ch = this.chunks.at(p.c);
    return [ch.froms[p.i], ch.tos[p.i]];
  }

  /** Up to `count` regions starting at index `start` (fewer at the end of the list). */
  slice(start: number, count: number): Array<[number, number]> {
    this.settle();
    if (!Number.isInteger(start) || start < 0 || start > this.count) {
      throw new RangeError(`slice start ${start} out of range [0, ${this.count}]`);
    }
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`slice count ${count} must be a non-negative integer`);
    const out: Array<[number, number]> = [];
    const want = Math.min(count, this.count - start);
    if (want === 0) return out;
    const p = this.locate(start);
    for (let c = p.c, i = p.i; out.length < want; c++, i = 0) {
      const { froms, tos } = this.chunks.at(c);
      for (; i < froms.length && out.length < want; i++) out.push([froms[i], tos[i]]);
    }
    return out;
  }

  toArray(): Array<[number, number]> {
    this.settle();
    const out: Array<[number, number]> = [];
    for (const { froms, tos } of this.chunks) {
      for (let i = 0; i < froms.length; i++) out.push([froms[i], tos[i]]);
    }
    return out;
  }

  clone(): RegionList {
    this.settle();
    const copy = new RegionList();
    copy.chunks = this.chunks.clone();
    copy.count = this.count;
    // Never changed in place (a mutation drops it), so the copy can share it.
    copy.starts = this.starts;
    return copy;
  }

  /**
   * add_reservation_in_range(count_only = true): pages in [f, t) not covered
   * and the number of regions it would insert (region_chg's regions_needed).
   */
  countGaps(f: number, t: number): { add: number; gaps: number } {
    this.settle();
    checkOffset('f', f);
    checkOffset('t', t);
    let add = 0;
    let gaps = 0;
    this.walkGaps(f, t, (from, to) => {
      add += to - from;
      gaps++;
    });
    return { add, gaps };
  }

  /**
   * add_reservation_in_range(count_only = false): insert one region per gap
   * and return the pages added. `onInsert` runs once per new region, left to
   * right, before that region is inserted (the kernel takes a cache entry at
   * that point). If it throws, the regions already accepted are inserted and
   * the error propagates, which is the state the kernel is left in.
   * `onInsert` must not read or modify this list: insertion is batched.
   */
  fillGaps(f: number, t: number, onInsert: (from: number, to: number) => void): number {
    this.endWalk();
    checkOffset('f', f);
    checkOffset('t', t);
    const gapFroms: number[] = [];
    const gapTos: number[] = [];
    const walk = this.walkGaps(f, t, (from, to) => {
      gapFroms.push(from);
      gapTos.push(to);
    });
    if (gapFroms.length === 0) return 0;

    let accepted = 0;
    let add = 0;
    try {
      for (; accepted < gapFroms.length; accepted++) {
        onInsert(gapFroms[accepted], gapTos[accepted]);
        add += gapTos[accepted] - gapFroms[accepted];
      }
    } finally {
      if (accepted > 0) this.insertGaps(walk.start, walk.stop, gapFroms, gapTos, accepted);
    }
    return add;
  }

  /** region_count: pages of [f, t) covered by regions (negative, like the kernel, if f > t lies inside one region). */
  countOverlap(f: number, t: number): number {
    this.settle();
    checkOffset('f', f);
    checkOffset('t', t);
    let chg = 0;
    // Regions are sorted and disjoint, so `to` increases too: everything
    // before the first region with to > f is the kernel's `continue` prefix.
    const p = this.seek('tos', f, true);
    for (let c = p.c, i = p.i; c < this.chunks.length; c++, i = 0) {
      const { froms, tos } = this.chunks.at(c);
      for (; i < froms.length; i++) {
        if (froms[i] >= t) return chg;
        chg += Math.min(tos[i], t) - Math.max(froms[i], f);
      }
    }
    return chg;
  }

  /**
   * Index of the region region_del(f, t) would split, or -1. Only the first
   * region ending after f can qualify: every later one starts at or after
   * its end, which is > f.
   */
  findSplit(f: number, t: number): number {
    this.settle();
    checkOffset('f', f);
    checkOffset('t', t);
    checkOrdered('findSplit', f, t);
    const p = this.seek('tos', f, true);
    if (p.c === this.chunks.length) return -1;
    const ch = this.chunks.at(p.c);
    if (f > ch.froms[p.i] && t < ch.tos[p.i]) return this.indexOf(p);
    return -1;
  }

  /** region_del's split: region `index` becomes [from, f) followed by [t, to). Returns the pages deleted, t - f. */
  splitAt(index: number, f: number, t: number): number {
    this.endWalk();
    checkOffset('f', f);
    checkOffset('t', t);
    checkOrdered('splitAt', f, t);
    const [from, to] = this.at(index);
    if (!(f > from && t < to)) {
      throw new RangeError(`splitAt: [${f}, ${t}] is not strictly inside region ${index} [${from}, ${to})`);
    }
    const p = this.locate(index);
    this.replace(p, { c: p.c, i: p.i + 1 }, [from, t], [f, to]);
    return t - f;
  }

  /**
   * region_del when no split is needed: remove regions inside [f, t], trim
   * those crossing an edge. Returns the kernel's `del`.
   */
  deleteRange(f: number, t: number): number {
    this.endWalk();
    checkOffset('f', f);
    checkOffset('t', t);
    checkOrdered('deleteRange', f, t);
    const start = this.seek('tos', f, true);
    let del = 0;
    const keepFroms: number[] = [];
    const keepTos: number[] = [];
    let c = start.c;
    let i = start.i;
    scan: for (; c < this.chunks.length; c++, i = 0) {
      const { froms, tos } = this.chunks.at(c);
      for (; i < froms.length; i++) {
        const from = froms[i];
        const to = tos[i];
        if (from >= t) break scan;
        if (f > from && t < to) {
          throw new Error(`deleteRange: [${f}, ${t}] needs a split of [${from}, ${to}); use findSplit/splitAt`);
        }
        if (f <= from && t >= to) {
          del += to - from;
        } else if (f <= from) {
          del += t - from;
          keepFroms.push(t);
          keepTos.push(to);
        } else {
          del += to - f;
          keepFroms.push(from);
          keepTos.push(f);
        }
      }
    }
    // The loops leave (c, i) at the first region not visited, or at the end.
    const stop = { c, i };
    if (stop.c !== start.c || stop.i !== start.i) this.replace(start, stop, keepFroms, keepTos);
    return del;
  }

  /**
   * A kernel loop over the regions, one region at a time: from the first
   * region with `from >= x` (key 'from': add_reservation_in_range skips the
   * regions before its range) or with `to > x` (key 'to': region_del's).
   * Any walk still open ends first.
   */
  walk(key: 'from' | 'to', x: number): RegionWalk {
    checkOffset('x', x);
    this.endWalk();
    const start = key === 'from' ? this.seek('froms', x, false) : this.seek('tos', x, true);
    const before = this.prev(start);
    const w = new RegionWalk(this, start, before === null ? undefined : this.chunks.at(before.c).tos[before.i]);
    this.walking = w;
    return w;
  }

  /** @internal RegionWalk's access to the chunks. */
  chunkAt(c: number): Chunk | undefined {
    return c < this.chunks.length ? this.chunks.at(c) : undefined;
  }

  /** @internal RegionWalk's write-back: the regions of [s, e) become the given ones; the position of the region that was at `e` after it. */
  splice(s: Pos, e: Pos, froms: number[], tos: number[], atFrom: number | undefined): Pos {
    this.replace(s, e, froms, tos);
    return atFrom === undefined ? { c: this.chunks.length, i: 0 } : this.seek('froms', atFrom, false);
  }

  /** @internal A walk that is over. */
  unregister(w: RegionWalk): void {
    if (this.walking === w) this.walking = null;
  }

  /** @internal Whether `w` may still edit the list. */
  isWalking(w: RegionWalk): boolean {
    return this.walking === w;
  }

  /** Writes back what the open walk has changed so far, so a reader sees the list as the kernel has it now. */
  private settle(): void {
    if (this.walking !== null) this.walking.flush();
  }

  /** A whole-range operation: the open walk (if any) is written back and closed. */
  private endWalk(): void {
    if (this.walking !== null) {
      this.walking.flush();
      this.walking = null;
    }
  }

  /** Throw if the internal structure is inconsistent (tests call this after every operation). */
  assertInvariants(): void {
    this.settle();
    let total = 0;
    let prevTo = -Infinity;
    for (const [c, ch] of [...this.chunks].entries()) {
      const n = ch.froms.length;
      if (n !== ch.tos.length) throw new Error(`chunk ${c}: froms/tos length mismatch`);
      if (n === 0) throw new Error(`chunk ${c} is empty`);
      if (n > MAX_CHUNK) throw new Error(`chunk ${c} has ${n} > ${MAX_CHUNK} entries`);
      if (n < MIN_CHUNK && this.chunks.length > 1) throw new Error(`chunk ${c} has ${n} < ${MIN_CHUNK} entries`);
      for (let i = 0; i < n; i++) {
        const from = ch.froms[i];
        const to = ch.tos[i];
        if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new Error(`chunk ${c}[${i}]: non-integer`);
        if (from >= to) throw new Error(`chunk ${c}[${i}]: empty region [${from}, ${to})`);
        if (from < prevTo) throw new Error(`chunk ${c}[${i}]: [${from}, ${to}) overlaps predecessor ending at ${prevTo}`);
        prevTo = to;
      }
      total += n;
    }
    if (total !== this.count) throw new Error(`count ${this.count} but chunks hold ${total}`);
    if (this.starts !== null) {
      let s = 0;
      for (const [c, ch] of [...this.chunks].entries()) {
        if (this.starts[c] !== s) throw new Error(`stale starts index at chunk ${c}`);
        s += ch.froms.length;
      }
    }
  }

  /**
   * The add_reservation_in_range walk. Calls `gap` for each gap in order and
   * returns the span of regions it visited (from the first with from >= f to
   * the one it stopped at), which is where the gaps belong.
   */
  private walkGaps(f: number, t: number, gap: (from: number, to: number) => void): { start: Pos; stop: Pos } {
    const start = this.seek('froms', f, false);
    // Regions with from < f only raise last_accounted_offset, and since `to`
    // increases along the list the last of them has the largest `to`.
    let lao = f;
    const before = this.prev(start);
    if (before !== null) {
      const prevTo = this.chunks.at(before.c).tos[before.i];
      if (prevTo > lao) lao = prevTo;
    }
    let c = start.c;
    let i = start.i;
    scan: for (; c < this.chunks.length; c++, i = 0) {
      const { froms, tos } = this.chunks.at(c);
      for (; i < froms.length; i++) {
        const from = froms[i];
        if (from > t) break scan;
        if (from > lao) gap(lao, from);
        lao = tos[i];
      }
    }
    if (lao < t) gap(lao, t);
    return { start, stop: { c, i } };
  }

  /** Insert the first `n` gaps found by walkGaps between the regions of [start, stop). */
  private insertGaps(start: Pos, stop: Pos, gapFroms: number[], gapTos: number[], n: number): void {
    const froms: number[] = [];
    const tos: number[] = [];
    let g = 0;
    // Gaps and visited regions are disjoint, so merging by `from` restores
    // exactly the kernel's list_add-before-rg order.
    for (let c = start.c, i = start.i; c < stop.c || (c === stop.c && i < stop.i); c++, i = 0) {
      const ch = this.chunks.at(c);
      const end = c === stop.c ? stop.i : ch.froms.length;
      for (; i < end; i++) {
        while (g < n && gapFroms[g] < ch.froms[i]) {
          froms.push(gapFroms[g]);
          tos.push(gapTos[g]);
          g++;
        }
        froms.push(ch.froms[i]);
        tos.push(ch.tos[i]);
      }
    }
    for (; g < n; g++) {
      froms.push(gapFroms[g]);
      tos.push(gapTos[g]);
    }
    this.replace(start, stop, froms, tos);
  }

  /** First position whose `key` value is `> x` (strict) or `>= x`. */
  private seek(key: 'froms' | 'tos', x: number, strict: boolean): Pos {
    const chunks = this.chunks;
    const lo = chunks.search((ch) => {
      const a = ch[key];
      const last = a[a.length - 1];
      return strict ? last > x : last >= x;
    });
    if (lo === chunks.length) return { c: lo, i: 0 };
    return { c: lo, i: bound(chunks.at(lo)[key], x, strict) };
  }

  private prev(p: Pos): Pos | null {
    if (p.i > 0) return { c: p.c, i: p.i - 1 };
    if (p.c > 0) return { c: p.c - 1, i: this.chunks.at(p.c - 1).froms.length - 1 };
    return null;
  }

  private ensureStarts(): number[] {
    if (this.starts === null) {
      const starts: number[] = new Array<number>(this.chunks.length);
      let s = 0;
      let c = 0;
      for (const ch of this.chunks) {
        starts[c++] = s;
        s += ch.froms.length;
      }
      this.starts = starts;
    }
    return this.starts;
  }

  private indexOf(p: Pos): number {
    return p.c === this.chunks.length ? this.count : this.ensureStarts()[p.c] + p.i;
  }

  /** Position of index `i` (0 <= i < count). */
  private locate(i: number): Pos {
    const starts = this.ensureStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return { c: lo, i: i - starts[lo] };
  }

  /**
   * Array.prototype.splice for the chunked list: replace the regions in
   * [s, e) with the given ones (already in order and consistent with their
   * neighbours). Only the chunks containing s and e are rewritten, plus one
   * neighbour when the result would be too small.
   */
  private replace(s: Pos, e: Pos, insFroms: number[], insTos: number[]): void {
    const chunks = this.chunks;
    const n = chunks.length;
    this.starts = null;
    if (n === 0) {
      this.chunks = ChunkSeq.of(buildChunks(insFroms.slice(), insTos.slice()));
      this.count = insFroms.length;
      return;
    }
    // Positions at the end of the list are moved onto the end of the last
    // chunk so that c0..c1 always name real chunks.
    let c0 = s.c;
    let i0 = s.i;
    if (c0 === n) {
      c0 = n - 1;
      i0 = chunks.at(c0).froms.length;
    }
    let c1 = e.c;
    let i1 = e.i;
    if (c1 === n) {
      c1 = n - 1;
      i1 = chunks.at(c1).froms.length;
    }
    let removed = i1 - i0;
    for (let c = c0; c < c1; c++) removed += chunks.at(c).froms.length;

    let froms = chunks.at(c0).froms.slice(0, i0).concat(insFroms, chunks.at(c1).froms.slice(i1));
    let tos = chunks.at(c0).tos.slice(0, i0).concat(insTos, chunks.at(c1).tos.slice(i1));
    if (froms.length < MIN_CHUNK) {
      if (c1 + 1 < n) {
        c1++;
        froms = froms.concat(chunks.at(c1).froms);
        tos = tos.concat(chunks.at(c1).tos);
      } else if (c0 > 0) {
        c0--;
        froms = chunks.at(c0).froms.concat(froms);
        tos = chunks.at(c0).tos.concat(tos);
      }
    }
    chunks.splice(c0, c1 - c0 + 1, buildChunks(froms, tos));
    this.count += insFroms.length - removed;
  }
}
