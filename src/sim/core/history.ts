import type { ControlStack, CStmt } from './control';
import type { SimEvent } from './events';
import type { Returned } from './returns';
import type { Value } from './values';
import type { Frame } from './frames';
import type { SimException } from './stop';

/** What kind of step point a history entry is; stepBack skips exception and end points. */
export const enum PointKind {
  Stmt = 0,
  Kernel = 1,
  Exception = 2,
  Input = 3,
}

/** A change made from outside the scenario (setVariable, a REPL statement): part of history so replay redoes it. */
export interface Input {
  readonly text: string;
  readonly apply: () => void;
}

export interface Snapshot {
  readonly step: number;
  readonly control: ControlStack;
  readonly pending: CStmt | undefined;
  readonly now: bigint;
  readonly events: { heap: SimEvent[]; seq: number };
  readonly last: Value;
  /** Machine.returned: what the last statement's outermost kernel call returned. */
  readonly returned: Returned | undefined;
  readonly recent: ReadonlyArray<{ readonly line: number; readonly last: Value }>;
  readonly dead: boolean;
  readonly subsystems: readonly unknown[];
  /** Rough cost in small-object units: spaces snapshots so big states are not copied every few steps. */
  readonly size: number;
}

/**
 * A step point inside a long statement as it stood: a snapshot plus the
 * kernel frames and the exception there. A generator cannot be copied, so a
 * view cannot be run on from; it lets going back to that step point cost a
 * restore instead of a replay of the statement from its start, and the
 * machine rebuilds the statement's generators only if it moves on from it.
 */
export interface View {
  /** The step point of the statement start the view is inside. */
  readonly start: number;
  readonly snap: Snapshot;
  readonly frames: readonly Frame[];
  readonly exception: SimException | undefined;
}

/**
 * The timeline: one entry per step point (depth and kind, 2 bytes), sparse
 * snapshots at statement starts, and the inputs that replay must re-apply.
 * Going back to step k is: restore the last snapshot at or before k, replay.
 */
export class History {
  /** Depth and kind of every step point, in fixed-size chunks: growing never copies and leaves at most one
   *  chunk unused, where doubling one array held up to 3x the marks at its peak. A chunk holds a byte per
   *  point until a point deeper than 63 frames needs two. */
  private readonly marks: Array<Uint8Array | Uint16Array> = [];
  /** The scenario line of each statement start: line searches look only at statement starts, so kernel step
   *  points (most of a long run's) carry no line. */
  private readonly starts = new StartList();
  readonly snaps: Snapshot[] = [];
  /** Views inside long statements, ascending by step (see View), spaced as the run made them. */
  readonly views: View[] = [];
  /** Views at consecutive kernel step points just before where a replay last went to, ascending (see `setWindow`). */
  window: View[] = [];
  /** The snapshot size of every view held (`views` and `window`). */
  viewSize = 0;
  readonly inputs = new Map<number, Input>();
  /** The furthest step point ever reached on the current timeline. */
  maxStep = 0;

  /**
   * Snapshots kept at most: past this, every other one is dropped and the
   * spacing doubles, so a run that never ends holds a bounded number of
   * them (each step point still costs its byte of marks, which the step
   * budget bounds). Every step point stays reachable; going back to one
   * replays from further away.
   */
  static readonly MAX_SNAPSHOTS = 4096;

  constructor(public every: number) {}

  /** Exception points by kind, ascending: reverseContinue finds the latest one it stops on without replaying. */
  private readonly raised = new Map<string, StepList>();

  mark(step: number, depth: number, kind: PointKind, line: number, exception?: string): void {
    const c = step >>> CHUNK_BITS;
    while (c >= this.marks.length) this.marks.push(new Uint8Array(CHUNK));
    const v = (Math.min(depth, 0x3fff) << 2) | kind;
    let chunk = this.marks[c] as Uint8Array | Uint16Array;
    if (v > 0xff && chunk instanceof Uint8Array) this.marks[c] = chunk = Uint16Array.from(chunk);
    chunk[step & CHUNK_MASK] = v;
    if (kind === PointKind.Stmt) this.starts.push(step, line);
    if (step > this.maxStep) this.maxStep = step;
    if (exception !== undefined) {
      let list = this.raised.get(exception);
      if (!list) this.raised.set(exception, (list = new StepList()));
      list.push(step);
    }
  }

  /** The exception kinds raised anywhere on the timeline. */
  raisedKinds(): IterableIterator<string> {
    return this.raised.keys();
  }

  /** The latest exception point of `kind` before `step`, or -1. */
  lastRaised(kind: string, before: number): number {
    return this.raised.get(kind)?.lastBefore(before) ?? -1;
  }

  /** The latest statement start before `before` and after `after` whose line is in `lines`, or -1. */
  lastStartIn(lines: ReadonlyMap<number, unknown>, before: number, after: number): number {
    return this.starts.lastIn(lines, Math.min(before, this.maxStep + 1), after);
  }

  /** The scenario line of the statement step point `step` belongs to (0 before the first). */
  lineAt(step: number): number {
    return this.starts.lineAtOrBefore(step);
  }

  private markAt(step: number): number {
    return (this.marks[step >>> CHUNK_BITS] as Uint8Array | Uint16Array)[step & CHUNK_MASK] as number;
  }
  depthAt(step: number): number {
    return this.markAt(step) >> 2;
  }
  kindAt(step: number): PointKind {
    return (this.markAt(step) & 3) as PointKind;
  }

  /** The latest statement start of `line` before `step`, or -1. */
  lastStartOf(line: number, before: number): number {
    return this.lastStartIn(new Map([[line, true]]), before, -1);
  }

  /** Whether a statement start at `step` should get a snapshot. */
  wantSnapshot(step: number): boolean {
    const last = this.snaps[this.snaps.length - 1];
    if (!last) return true;
    if (step <= last.step) return false;
    return step - last.step >= Math.max(this.every, last.size >> 3);
  }

  add(s: Snapshot): void {
    this.snaps.push(s);
    if (this.snaps.length > History.MAX_SNAPSHOTS) this.thin();
  }

  /** Views kept at most: past this the older half is dropped (going back there replays the statement again). */
  static readonly MAX_VIEWS = 4096;
  /**
   * The snapshot size all views may hold together, in Snapshot.size units.
   * Views of a big state (a hugetlb page cache) each copy part of it: past
   * this the older half is dropped, so what views hold stays bounded however
   * long the statement or large the state.
   */
  static readonly MAX_VIEW_SIZE = 1 << 14;
  maxViewSize = History.MAX_VIEW_SIZE;

  /** Adds a view at a step point reached for the first time on this timeline (a replay makes none). */
  addView(v: View): void {
    const last = this.views[this.views.length - 1];
    if (last && last.snap.step >= v.snap.step) return;
    this.views.push(v);
    this.viewSize += v.snap.size;
    while (this.views.length > History.MAX_VIEWS || (this.viewSize > this.maxViewSize && this.views.length > 1)) {
      for (const d of this.views.splice(0, this.views.length >> 1)) this.viewSize -= d.snap.size;
    }
  }

  /** Whether the statement starting at `start` was long enough to keep views. */
  keptViews(start: number): boolean {
    const v = this.views[this.views.length - 1];
    if (!v || v.snap.step < start) return false;
    const i = this.indexAtOrAfter(this.views, start);
    return (this.views[i] as View).start === start;
  }

  /** The views a replay made at the step points just before its target, replacing the previous ones. */
  setWindow(views: View[]): void {
    for (const v of this.window) this.viewSize -= v.snap.size;
    this.window = views;
    for (const v of views) this.viewSize += v.snap.size;
  }

  /** The view at exactly `step`, if one was kept. */
  viewAt(step: number): View | undefined {
    return this.find(this.window, step) ?? this.find(this.views, step);
  }

  private find(vs: readonly View[], step: number): View | undefined {
    const v = vs[this.indexAtOrAfter(vs, step)];
    return v && v.snap.step === step ? v : undefined;
  }

  private indexAtOrAfter(vs: readonly View[], step: number): number {
    let lo = 0;
    let hi = vs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((vs[mid] as View).snap.step < step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Keeps the first snapshot (step 0) and every other one after it; the next ones come twice as far apart. */
  private thin(): void {
    let w = 1;
    for (let r = 2; r < this.snaps.length; r += 2) this.snaps[w++] = this.snaps[r] as Snapshot;
    this.snaps.length = w;
    this.every *= 2;
  }

  /** The last snapshot at or before `step` (the first one always exists: step 0). */
  snapAtOrBefore(step: number): Snapshot {
    let lo = 0;
    let hi = this.snaps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.snaps[mid] as Snapshot).step <= step) lo = mid;
      else hi = mid - 1;
    }
    return this.snaps[lo] as Snapshot;
  }

  /** Forget the future after `step`: an input there makes a new timeline. */
  truncate(step: number): void {
    while (this.snaps.length > 1 && (this.snaps[this.snaps.length - 1] as Snapshot).step > step) this.snaps.pop();
    while (this.views.length && (this.views[this.views.length - 1] as View).snap.step > step) this.viewSize -= (this.views.pop() as View).snap.size;
    this.setWindow(this.window.filter((v) => v.snap.step <= step));
    for (const k of [...this.inputs.keys()]) if (k >= step) this.inputs.delete(k);
    for (const list of this.raised.values()) list.dropAfter(step);
    this.starts.dropAfter(step);
    this.maxStep = step;
  }

  /** Bytes held by the timeline (marks and snapshot bookkeeping), for the benchmark. */
  markBytes(): number {
    let bytes = this.starts.bytes();
    for (const c of this.marks) bytes += c.byteLength;
    for (const list of this.raised.values()) bytes += list.bytes();
    return bytes;
  }
}

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** Statement starts, ascending, with their lines, in fixed-size chunks (no copy on growth). Replay re-marks
 *  starts it already holds: those are not added twice. */
class StartList {
  private readonly steps: Int32Array[] = [];
  private readonly lines: Int32Array[] = [];
  private n = 0;

  private stepAt(i: number): number {
    return (this.steps[i >>> CHUNK_BITS] as Int32Array)[i & CHUNK_MASK] as number;
  }

  push(step: number, line: number): void {
    if (this.n > 0 && this.stepAt(this.n - 1) >= step) return;
    const c = this.n >>> CHUNK_BITS;
    if (c === this.steps.length) {
      this.steps.push(new Int32Array(CHUNK));
      this.lines.push(new Int32Array(CHUNK));
    }
    (this.steps[c] as Int32Array)[this.n & CHUNK_MASK] = step;
    (this.lines[c] as Int32Array)[this.n & CHUNK_MASK] = line;
    this.n++;
  }

  private lineOf(i: number): number {
    return (this.lines[i >>> CHUNK_BITS] as Int32Array)[i & CHUNK_MASK] as number;
  }

  /** How many starts come before `step`. */
  private countBefore(step: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.stepAt(mid) < step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  lineAtOrBefore(step: number): number {
    const i = this.countBefore(step + 1) - 1;
    return i >= 0 ? this.lineOf(i) : 0;
  }

  /** The latest start before `before` and after `after` whose line is in `lines`, or -1. */
  lastIn(lines: ReadonlyMap<number, unknown>, before: number, after: number): number {
    for (let i = this.countBefore(before) - 1; i >= 0; i--) {
      const step = this.stepAt(i);
      if (step <= after) return -1;
      if (lines.has(this.lineOf(i))) return step;
    }
    return -1;
  }

  dropAfter(step: number): void {
    while (this.n > 0 && this.stepAt(this.n - 1) > step) this.n--;
  }

  bytes(): number {
    return this.steps.length * CHUNK * 8;
  }
}

/** Ascending step numbers in a growable Int32Array. Replay re-marks steps it already holds: those are not added twice. */
class StepList {
  private steps = new Int32Array(64);
  private n = 0;

  push(step: number): void {
    if (this.n > 0 && (this.steps[this.n - 1] as number) >= step) return;
    if (this.n === this.steps.length) {
      const grown = new Int32Array(this.n * 2);
      grown.set(this.steps);
      this.steps = grown;
    }
    this.steps[this.n++] = step;
  }

  lastBefore(before: number): number {
    let lo = 0;
    let hi = this.n; // the answer is steps[lo - 1] once lo === hi
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.steps[mid] as number) < before) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? (this.steps[lo - 1] as number) : -1;
  }

  dropAfter(step: number): void {
    while (this.n > 0 && (this.steps[this.n - 1] as number) > step) this.n--;
  }

  bytes(): number {
    return this.steps.byteLength;
  }
}
