import type { Chunk, Pos, RegionList } from './region_list';

/**
 * One pass of a kernel loop that may change the list as it goes (list_add
 * before the cursor, list_del or trimming of the region at it). The visited
 * span and what replaces it are written back in one splice when the walk
 * ends, or earlier when something reads the list (a stop in the debugger),
 * so every step point shows the list as the kernel has it, and a walk that
 * no one watches costs one splice.
 */
export class RegionWalk {
  /** The region at the cursor (when not `atEnd`). */
  from = 0;
  to = 0;
  atEnd = false;
  /** The cursor; moved in place, so the loop allocates nothing per region. */
  private cur: Pos;
  /** Start of the span not written back yet; meaningful only while `dirty`. */
  private start: Pos = { c: 0, i: 0 };
  private chunk: Chunk | undefined;
  /** What replaces [start, cur) once something changed. */
  private readonly outFroms: number[] = [];
  private readonly outTos: number[] = [];
  private dirty = false;

  constructor(
    private readonly list: RegionList,
    start: Pos,
    /** `to` of the region just before the first one visited: the largest `to` of those the loop skips. */
    readonly toBefore: number | undefined,
  ) {
    this.cur = { c: start.c, i: start.i };
    this.load();
  }

  /** Moves past the region at the cursor, which stays as [from, to) (trimmed if they differ). */
  keep(from: number, to: number): void {
    this.check();
    if (this.dirty || from !== this.from || to !== this.to) {
      this.edit();
      this.outFroms.push(from);
      this.outTos.push(to);
    }
    this.advance();
  }

  /** list_del of the region at the cursor, moving past it. */
  drop(): void {
    this.check();
    this.edit();
    this.advance();
  }

  /** list_add of a new region before the cursor (after the regions kept so far). */
  insert(from: number, to: number): void {
    if (!this.list.isWalking(this)) throw new Error('RegionWalk used after another change to the list');
    // C `long`s: past 2^53 a JS number would round silently.
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new RangeError(`region [${from}, ${to}) must have safe integer offsets`);
    this.edit();
    this.outFroms.push(from);
    this.outTos.push(to);
  }

  /** The loop is over: its changes are written back. */
  end(): void {
    if (!this.list.isWalking(this)) return;
    this.flush();
    this.list.unregister(this);
  }

  /** @internal Writes back the changes so far; the walk goes on from the same region. */
  flush(): void {
    if (!this.dirty) return;
    this.cur = this.list.splice(this.start, this.cur, this.outFroms.splice(0), this.outTos.splice(0), this.atEnd ? undefined : this.from);
    this.dirty = false;
    this.load();
  }

  /** The first change since the last write-back: the span to replace begins at the cursor. */
  private edit(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.start = { c: this.cur.c, i: this.cur.i };
  }

  private check(): void {
    if (this.atEnd || !this.list.isWalking(this)) throw new Error('RegionWalk used past its end or after another change to the list');
  }

  private advance(): void {
    const p = this.cur;
    if (this.chunk !== undefined && p.i + 1 < this.chunk.froms.length) p.i++;
    else {
      p.c++;
      p.i = 0;
    }
    this.load();
  }

  private load(): void {
    this.chunk = this.list.chunkAt(this.cur.c);
    if (this.chunk === undefined) {
      this.atEnd = true;
      return;
    }
    this.atEnd = false;
    this.from = this.chunk.froms[this.cur.i] as number;
    this.to = this.chunk.tos[this.cur.i] as number;
  }
}
