/**
 * The region list's sequence of chunks, in groups: each group an array that
 * is never changed once built. A clone copies only the array of groups, and
 * a splice rebuilds only the groups it touches, so the history snapshot of a
 * million-region map, and the first change after it, cost a few hundred
 * pointers instead of every chunk's (which made history quadratic).
 */

const GROUP = 64;
/** Groups smaller than this are merged into a neighbour, so the groups array stays short. */
const MIN_GROUP = GROUP / 4;

export class ChunkSeq<T> {
  private groups: ReadonlyArray<readonly T[]> = [];
  /** Index of each group's first item; replaced (never changed in place) after a splice, so clones share it. */
  private firsts: readonly number[] = [];
  private n = 0;
  /** The group of the item read last: walks read one group's items in a row. */
  private lastG = 0;

  static of<T>(items: readonly T[]): ChunkSeq<T> {
    const s = new ChunkSeq<T>();
    s.groups = cut(items);
    s.reindex();
    return s;
  }

  get length(): number {
    return this.n;
  }

  at(c: number): T {
    const g = this.groupOf(c);
    return (this.groups[g] as readonly T[])[c - (this.firsts[g] as number)] as T;
  }

  /** The first index whose item satisfies `pred`, for a `pred` false then true along the sequence; `length` if none. */
  search(pred: (item: T) => boolean): number {
    const groups = this.groups;
    let lo = 0;
    let hi = groups.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const g = groups[mid] as readonly T[];
      if (pred(g[g.length - 1] as T)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === groups.length) return this.n;
    const g = groups[lo] as readonly T[];
    let a = 0;
    let b = g.length - 1; // the last item satisfies pred
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (pred(g[mid] as T)) b = mid;
      else a = mid + 1;
    }
    return (this.firsts[lo] as number) + a;
  }

  /** Array.prototype.splice: `del` items from `c0` give way to `items`. */
  splice(c0: number, del: number, items: readonly T[]): void {
    if (this.groups.length === 0) {
      this.groups = cut(items);
      this.reindex();
      return;
    }
    let g0 = c0 === this.n ? this.groups.length - 1 : this.groupOf(c0);
    let g1 = del > 0 ? this.groupOf(c0 + del - 1) : g0;
    let flat: T[] = [];
    for (let g = g0; g <= g1; g++) flat = flat.concat(this.groups[g] as readonly T[]);
    const at = c0 - (this.firsts[g0] as number);
    // Not splice(...items): a bulk fill can insert more chunks than a call takes arguments.
    flat = flat.slice(0, at).concat(items, flat.slice(at + del));
    if (flat.length < MIN_GROUP) {
      if (g1 + 1 < this.groups.length) flat = flat.concat(this.groups[++g1] as readonly T[]);
      else if (g0 > 0) flat = (this.groups[--g0] as readonly T[]).concat(flat);
    }
    this.groups = this.groups.slice(0, g0).concat(cut(flat), this.groups.slice(g1 + 1));
    this.reindex();
  }

  clone(): ChunkSeq<T> {
    const s = new ChunkSeq<T>();
    s.groups = this.groups;
    s.firsts = this.firsts;
    s.n = this.n;
    return s;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const g of this.groups) yield* g;
  }

  private groupOf(c: number): number {
    const firsts = this.firsts;
    const last = this.lastG;
    if (last < firsts.length && (firsts[last] as number) <= c && (last + 1 === firsts.length || (firsts[last + 1] as number) > c)) return last;
    let lo = 0;
    let hi = firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((firsts[mid] as number) <= c) lo = mid;
      else hi = mid - 1;
    }
    this.lastG = lo;
    return lo;
  }

  private reindex(): void {
    const firsts = new Array<number>(this.groups.length);
    let n = 0;
    for (let g = 0; g < this.groups.length; g++) {
      firsts[g] = n;
      n += (this.groups[g] as readonly T[]).length;
    }
    this.firsts = firsts;
    this.n = n;
    this.lastG = 0;
  }
}

/** Near-equal groups of at most GROUP items (none when there are no items). */
function cut<T>(items: readonly T[]): Array<readonly T[]> {
  if (items.length === 0) return [];
  if (items.length <= GROUP) return [items.slice()];
  const pieces = Math.ceil(items.length / GROUP);
  const size = Math.ceil(items.length / pieces);
  const out: Array<readonly T[]> = [];
  for (let k = 0; k < items.length; k += size) out.push(items.slice(k, k + size));
  return out;
}
