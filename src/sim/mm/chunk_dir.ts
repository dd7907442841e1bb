/**
 * The directory of a copy-on-write container's chunks: a persistent 32-way
 * trie from chunk index to chunk. A snapshot keeps the root and nothing
 * else; the first write after it copies only the nodes on the way to the
 * chunk it writes (each node remembers the epoch it was made in). A flat
 * Map here made every snapshot copy every chunk's entry, so history under
 * a debugger grew with the square of the state.
 */

/** Bumped by every snapshot or restore: nodes and chunks of an older epoch are shared, never written. */
export let EPOCH = 1;

export function nextEpoch(): number {
  return ++EPOCH;
}

const BITS = 5;
const FAN = 1 << BITS;
const LOW = FAN - 1;

interface Node<C> {
  readonly epoch: number;
  readonly kids: Array<Node<C> | C | undefined>;
}

/** What a snapshot keeps: the root as it was. */
export interface DirSnapshot<C> {
  readonly root: Node<C> | undefined;
  readonly levels: number;
  readonly size: number;
}

/** FAN ** l, for the level digits of indexes past 2^31 (no bitwise arithmetic on them). */
const POW: number[] = Array.from({ length: 12 }, (_, l) => FAN ** l);

export class ChunkDir<C extends object> {
  private root: Node<C> | undefined;
  /** Levels of nodes under (and including) the root: the trie holds indexes below FAN ** levels. */
  private levels = 0;
  size = 0;

  get(k: number): C | undefined {
    let n = this.root;
    if (!n || k >= (POW[this.levels] as number)) return undefined;
    for (let l = this.levels - 1; l > 0; l--) {
      n = n.kids[Math.floor(k / (POW[l] as number)) & LOW] as Node<C> | undefined;
      if (!n) return undefined;
    }
    return n.kids[k & LOW] as C | undefined;
  }

  set(k: number, c: C | undefined): void {
    if (c === undefined && this.get(k) === undefined) return;
    while (!this.root || k >= (POW[this.levels] as number)) {
      this.root = { epoch: EPOCH, kids: this.root ? [this.root] : [] };
      this.levels++;
    }
    let n = own(this.root);
    this.root = n;
    for (let l = this.levels - 1; l > 0; l--) {
      const i = Math.floor(k / (POW[l] as number)) & LOW;
      const kid = n.kids[i] as Node<C> | undefined;
      const next = kid ? own(kid) : { epoch: EPOCH, kids: [] };
      n.kids[i] = next;
      n = next;
    }
    const had = n.kids[k & LOW] !== undefined;
    n.kids[k & LOW] = c;
    this.size += (c !== undefined ? 1 : 0) - (had ? 1 : 0);
  }

  delete(k: number): void {
    this.set(k, undefined);
  }

  /** Chunk indexes in [lo, hi] that hold a chunk, ascending. */
  keys(lo = 0, hi = Number.MAX_SAFE_INTEGER): number[] {
    const out: number[] = [];
    if (this.root) walk(this.root, this.levels - 1, 0, lo, hi, out);
    return out;
  }

  snapshot(): DirSnapshot<C> {
    return { root: this.root, levels: this.levels, size: this.size };
  }

  static from<C extends object>(s: DirSnapshot<C>): ChunkDir<C> {
    const d = new ChunkDir<C>();
    d.root = s.root;
    d.levels = s.levels;
    d.size = s.size;
    return d;
  }
}

function own<C>(n: Node<C>): Node<C> {
  return n.epoch === EPOCH ? n : { epoch: EPOCH, kids: n.kids.slice() };
}

function walk<C>(n: Node<C>, level: number, base: number, lo: number, hi: number, out: number[]): void {
  const span = POW[level] as number;
  for (let i = 0; i < n.kids.length; i++) {
    const kid = n.kids[i];
    if (kid === undefined) continue;
    const first = base + i * span;
    if (first > hi || first + span - 1 < lo) continue;
    if (level === 0) out.push(first);
    else walk(kid as Node<C>, level - 1, first, lo, hi, out);
  }
}
