import type { StatementRef } from './source';
import type { MemorySpace, Subsystem } from './subsystem';
import type { RunMode, SimException, Stop } from './stop';
import { KernelBug } from './stop';
import { checkStop, stepStop } from './stop_check';
import { budgetError, thrownException } from './internal';
import { reverseScan, stepBackTo } from './reverse';
import { noteReturn, type Returned } from './returns';
import { Raised } from './raised';
import { StateRoots } from './roots';
import type { ExceptionFilter, ExceptionKind } from './breakpoints';
import { Breakpoints } from './breakpoints';
import type { Code, CStmt } from './control';
import { ControlStack } from './control';
import { EventQueue } from './events';
import type { SimEvent } from './events';
import type { FrameValue, KernelFn, KGen } from './frames';
import { Frame } from './frames';
import type { Input, Snapshot, View } from './history';
import { History, PointKind } from './history';
import { KStack, runToEnd } from './kstack';
import type { StateNode } from './state';
import { fixedRecord, leaf, valueNode } from './state';
import type { Value } from './values';
import type { CoverageSink } from './coverage';
import { workUsed } from './work';

export type { MemorySpace, Subsystem } from './subsystem';
export type { RunMode, SimException, Stop, StopReason } from './stop';
export { KernelBug } from './stop';

export interface CompiledProgram {
  readonly file: string;
  readonly code: Code;
}

export type PointAt = 'stmt' | 'kernel' | 'exception' | 'input' | 'end';

export interface MachineOptions {
  /** Record a timeline for stepBack / reverseContinue / goto. Off for headless runs. */
  readonly history?: boolean;
  /** Minimum step points between snapshots. */
  readonly snapshotEvery?: number;
  readonly output?: (text: string, category: 'stdout' | 'console' | 'stderr') => void;
  /** Every exception filter of the simulated mechanisms: those on by default stop from the start. */
  readonly exceptionFilters?: readonly ExceptionFilter[];
  /** Step points the scenario may take before it stops with an error (default: no limit). */
  readonly maxSteps?: number;
  /** Charged at every kernel step point of a coverage run. */
  readonly coverage?: CoverageSink;
}

const RECENT = 32;

/**
 * A statement that charges this much work (pages or bytes it walks) keeps
 * views of its kernel step points (history.ts View): replaying it from its
 * start to go back inside it would cost milliseconds per step back.
 */
export const VIEW_WORK = 16384;
/** A long statement's views come at every kernel step point for this many, then twice as far apart, and so on
 *  (and at least a view's size >> 3 apart, as snapshots are, so a big state is not copied every few steps). */
const VIEWS_PER_SPACING = 256;
/**
 * Going back inside a long statement to a step point without a view replays
 * the statement; that replay keeps views of this many kernel step points up
 * to where it went, so the next steps back from there each cost a restore.
 */
export const VIEW_WINDOW = 256;

const KIND_OF: Record<PointAt, PointKind> = {
  stmt: PointKind.Stmt,
  kernel: PointKind.Kernel,
  exception: PointKind.Exception,
  input: PointKind.Input,
  end: PointKind.Exception,
};

/**
 * The step engine. It moves from step point to step point: the start of
 * each scenario statement, and every `yield` inside the simulated kernel
 * functions a statement runs. Everything is deterministic, so any earlier
 * step point can be reached again exactly by restoring a snapshot and
 * replaying.
 */
export class Machine {
  readonly breakpoints: Breakpoints;
  readonly history: History | undefined;
  readonly events = new EventQueue();
  readonly eventHandlers = new Map<string, (m: Machine, e: SimEvent) => KGen>();
  /** Simulated time in nanoseconds; moves only on `advance`. */
  now = 0n;
  last: Value = {};
  frames: Frame[] = [];
  /** On a kernel before a patch: the listings' functions its frames show instead (kernel_select). */
  kernelVariants: ReadonlyMap<KernelFn, KernelFn> | undefined;
  control: ControlStack;
  step = 0;
  at: PointAt = 'stmt';
  private readonly raised = new Raised();

  /** The kind of the exception at the current step point, without building its message. */
  get exceptionKind(): ExceptionKind | undefined {
    return this.raised.kind;
  }

  /** The exception reported at the current step point. */
  get exception(): SimException | undefined {
    return this.raised.get();
  }

  set exception(e: SimException | undefined) {
    this.raised.set(e);
  }
  /** Set by a BUG or a scenario error: no further statement runs. */
  dead = false;
  /** While a statement's own code runs (its executor and its kernel generators): its reads may create state, a debugger's reads at a stop must not. */
  executing = false;
  pauseRequested = false;
  /** The results (`last`) of the most recent statements that set one, oldest first, one per line. */
  recent: ReadonlyArray<{ readonly line: number; readonly last: Value }> = [];
  private lastAtStart: Value = this.last;
  private pending: CStmt | undefined;
  private gen: KStack<void> | undefined;
  private run: { mode: RunMode; depth: number } | undefined;
  /**
   * At a view inside a statement (goto restored it): the state and frames are
   * the step point's, but no generator runs them; the next transition
   * rebuilds it by replaying the statement from its snapshot.
   */
  private detached = false;
  /** The current statement's views so far, or -1 when it is not long enough to keep any (or it is a replay). */
  private stmtViews = -1;
  /** The work charged before the current statement started; -1 after a restore (a replay keeps no views). */
  private stmtWork = -1;
  private stmtStart = 0;
  private viewEvery = 1;
  /** The step point from which the next view of the current statement is due. */
  private nextView = 0;
  /** While a replay goes to a step point (`replayTo`): it, and the views it keeps just before it. */
  private windowTo = -1;
  private windowViews: View[] = [];
  private windowSize = 0;
  /**
   * Above zero while replaying history or looking ahead (goto, stepBack,
   * reverseContinue, seekForward): statements re-run to rebuild a state, not
   * for the first time, so their `print` output must not reach the user again.
   */
  private silent = 0;
  readonly output: (text: string, category: 'stdout' | 'console' | 'stderr') => void;

  constructor(
    readonly program: CompiledProgram,
    opts: MachineOptions = {},
  ) {
    const out = opts.output ?? (() => undefined);
    this.output = (text, category) => {
      if (this.silent === 0) out(text, category);
    };
    this.breakpoints = new Breakpoints(opts.exceptionFilters);
    this.history = opts.history ? new History(opts.snapshotEvery ?? 512) : undefined;
    this.control = new ControlStack(program.code);
    this.maxSteps = opts.maxSteps ?? Number.POSITIVE_INFINITY;
    this.coverage = opts.coverage;
  }
  private readonly maxSteps: number;
  private readonly coverage: CoverageSink | undefined;

  private readonly roots = new StateRoots();

  get subsystems(): readonly Subsystem[] {
    return this.roots.subsystems;
  }

  /** Registers subsystems, then positions at the first statement (step 0). */
  start(subsystems: readonly Subsystem[]): void {
    this.roots.add('time', fixedRecord({ ticks: leaf(() => this.now / 100n), ns: leaf(() => this.now) }));
    for (const s of subsystems) this.roots.addSubsystem(s);
    const first = this.control.fetch();
    if (first) this.pending = first;
    else this.at = 'end';
    this.record();
  }

  // ---- state tree ----------------------------------------------------------

  /** A state-tree root by name (`time`, `last`, `resv`, ...), or undefined when there is none. */
  root(name: string): StateNode | undefined {
    return name === 'last' ? valueNode(this.last) : this.roots.get(name);
  }

  /** Whether the mechanism owning a root has been used (undefined: it cannot tell). */
  rootActive(name: string): boolean | undefined {
    return this.roots.active(name);
  }

  /** A byte-addressed space by name (see `StateNode.memory`). */
  memorySpace(name: string): MemorySpace | undefined {
    return this.roots.memorySpace(name);
  }

  memorySpaceNames(): string[] {
    return this.roots.memorySpaceNames();
  }

  /** Root names that exist now, in display order. */
  rootNames(): string[] {
    return ['time', 'last', ...this.roots.names().filter((k) => k !== 'time')];
  }

  // ---- position ------------------------------------------------------------

  /** The statement the scenario is at (running or about to run). */
  get statement(): StatementRef | undefined {
    return (this.pending ?? this.control.current)?.stmt;
  }

  get ended(): boolean {
    return this.at === 'end';
  }

  depth(): number {
    return this.control.callDepth + 1 + this.frames.length;
  }

  // ---- kernel-function API -------------------------------------------------

  /** Runs `body` as a kernel function frame: `yield* m.call(fn, args, function* (fr) { ... })`. */
  *call<T>(fn: KernelFn, args: Readonly<Record<string, FrameValue>>, body: (fr: Frame) => KGen<T>, aliases?: readonly string[]): KGen<T> {
    const fr = this.enter(fn, args, aliases);
    return this.leave(fr, yield* body(fr));
  }

  /**
   * Pushes a kernel frame; the function calls `leave` on every return path.
   * A throw (a BUG) leaves the frames in place so the stop shows where it fired.
   */
  enter(fn: KernelFn, args: Readonly<Record<string, FrameValue>>, aliases?: readonly string[]): Frame {
    const v = this.kernelVariants;
    const fr = new Frame(v ? (v.get(fn) ?? fn) : fn, args, aliases);
    fr.enteredAt = this.step + 1;
    this.frames.push(fr);
    return fr;
  }

  /** Pops the frame; `return m.leave(fr, ret)` also shows `ret` in the caller as `fn returned` (the scenario's frame when none). */
  leave(fr: Frame): void;
  leave<T>(fr: Frame, ret: T): T;
  leave<T>(fr: Frame, ret?: T): T | undefined {
    const fs = this.frames;
    if (fs[fs.length - 1] !== fr) throw new Error(`leave(${fr.fn.name}) out of order`);
    fs.pop();
    if (ret !== undefined) noteReturn(this, fs[fs.length - 1], fr, ret);
    return ret;
  }
  /** What the last kernel call a statement made returned into it; cleared when the next statement starts. */
  returned: Returned | undefined;

  /**
   * Reports an exception at the next step point (or at the statement, if it
   * finishes first).
   */
  raise(kind: ExceptionKind, message: string, details?: Readonly<Record<string, Value>>): void {
    const line = this.statement?.line;
    this.exception = { kind, message, ...(details ? { details } : {}), ...(line !== undefined ? { line } : {}) };
  }

  /** raise() whose message is `fmt(a, b, c)`, built only when read: no closure per raise on hot paths. */
  raiseWith<A, B, C>(kind: ExceptionKind, fmt: (a: A, b: B, c: C) => string, a: A, b: B, c: C): void {
    this.raised.later(kind, this.statement?.line, fmt, a, b, c);
  }

  /** VM_BUG_ON(cond): stops the statement here and ends the run. */
  bugOn(cond: boolean, text: string): void {
    if (cond) throw new KernelBug(text);
  }

  // ---- stepping ------------------------------------------------------------

  /** Engine-internal (the reverse scan replays through it): moves to the next step point; false when already at the end. */
  transition(): boolean {
    if (this.detached) this.materialize();
    this.exception = undefined;
    const input = this.history?.inputs.size ? this.history.inputs.get(this.step) : undefined;
    if (input) {
      input.apply();
      this.step++;
      this.at = 'input';
      this.record();
      return true;
    }
    if (this.at === 'end') return false;
    try {
      if (this.step >= this.maxSteps && !this.dead) {
        // The statement about to run stays the current one (the error's line) but must not run after the stop.
        this.pending = undefined;
        throw budgetError(this.maxSteps);
      }
      this.executing = true;
      if (this.pending) {
        const s = this.pending;
        this.pending = undefined;
        this.lastAtStart = this.last;
        this.returned = undefined;
        if (this.history) this.noteStart(this.history);
        const g = s.exec(this);
        if (typeof g === 'object') this.gen = new KStack(g);
      }
      const more = this.gen?.advance();
      this.executing = false;
      if (this.gen) {
        if (more) {
          this.step++;
          this.at = 'kernel';
          this.coverage?.kernelStep(this.frames, this.step);
          this.record();
          return true;
        }
        this.gen = undefined;
        this.frames.length = 0;
      }
    } catch (e) {
      this.gen = undefined;
      this.executing = false;
      this.dead = true;
      this.exception = thrownException(e, this.statement?.line);
      this.step++;
      this.at = 'exception';
      this.record();
      return true;
    }
    if (this.raised.kind !== undefined) {
      this.step++;
      this.at = 'exception';
      this.record();
      return true;
    }
    this.frames.length = 0;
    this.noteResult();
    const next = this.dead ? undefined : this.control.fetch();
    this.step++;
    if (next) {
      this.pending = next;
      this.at = 'stmt';
    } else this.at = 'end';
    this.record();
    return true;
  }

  /** Remembers what the statement that just finished left in `last`, for inline values in the editor. */
  private noteResult(): void {
    if (this.last === this.lastAtStart) return;
    const line = this.control.current?.stmt.line;
    this.lastAtStart = this.last;
    if (line === undefined) return;
    this.recent = [...this.recent.filter((r) => r.line !== line).slice(-(RECENT - 1)), { line, last: this.last }];
  }

  /**
   * A statement starts: it keeps views once it has charged VIEW_WORK (only a first run charges work), or at once
   * if an earlier run of it on this timeline kept some (a replay that goes on past where that run got to, after
   * going back inside it or after an input, makes its new step points' views).
   */
  private noteStart(h: History): void {
    this.stmtWork = workUsed(this);
    this.stmtViews = h.keptViews(this.step) ? 0 : -1;
    this.stmtStart = this.step;
    this.viewEvery = 1;
    this.nextView = 0;
  }

  private record(): void {
    const h = this.history;
    if (!h) return;
    if (this.at === 'kernel' && this.stmtWork >= 0) {
      if (this.step > h.maxStep) this.recordView(h);
      else if (this.windowTo >= 0 && this.step > this.windowTo - VIEW_WINDOW && this.step <= this.windowTo && h.keptViews(this.stmtStart)) {
        this.keepInWindow(h, this.view());
      }
    }
    h.mark(this.step, this.depth(), KIND_OF[this.at], this.statement?.line ?? 0, this.raised.kind);
    if ((this.at === 'stmt' || this.step === 0) && h.wantSnapshot(this.step)) h.add(this.snapshot());
  }

  /** A kernel step point reached for the first time: a view if the statement is long and one is due. */
  private recordView(h: History): void {
    if (this.stmtViews < 0 && workUsed(this) - this.stmtWork >= VIEW_WORK) this.stmtViews = 0;
    if (this.stmtViews < 0 || this.step < this.nextView) return;
    const v = this.view();
    h.addView(v);
    if (++this.stmtViews % VIEWS_PER_SPACING === 0) this.viewEvery *= 2;
    this.nextView = this.step + Math.max(this.viewEvery, v.snap.size >> 3);
  }

  /** A replay's view near its target: the latest ones are kept, within half the views' size budget. */
  private keepInWindow(h: History, v: View): void {
    const w = this.windowViews;
    w.push(v);
    this.windowSize += v.snap.size;
    while (w.length > 1 && (w.length > VIEW_WINDOW || this.windowSize > h.maxViewSize >> 1)) this.windowSize -= (w.shift() as View).snap.size;
  }

  /** Begins a run; `slice` then advances it in bounded chunks so a caller can stay responsive. */
  startRun(mode: RunMode): void {
    this.run = { mode, depth: this.depth() };
    this.pauseRequested = false;
  }

  /** Advances the current run by at most `budget` step points; undefined means "not stopped yet". */
  slice(budget = Number.POSITIVE_INFINITY): Stop | undefined {
    const run = this.run;
    if (!run) throw new Error('slice() without startRun()');
    for (let n = 0; n < budget; n++) {
      if (this.pauseRequested) {
        this.pauseRequested = false;
        this.run = undefined;
        return { reason: 'pause' };
      }
      if (!this.transition()) {
        this.run = undefined;
        return { reason: 'end' };
      }
      const stop = checkStop(this, true) ?? stepStop(this, run);
      if (stop) {
        this.run = undefined;
        return stop;
      }
    }
    return undefined;
  }

  /** Runs to the next stop with no budget (headless callers and tests). */
  resume(mode: RunMode): Stop {
    this.startRun(mode);
    return this.slice() as Stop;
  }

  /** Re-reads every data watch at the current position, so the next change is measured from here. */
  rebaseWatches(): void {
    for (const w of this.breakpoints.data) w.last = w.read(this);
  }

  // ---- history -------------------------------------------------------------

  private requireHistory(): History {
    if (!this.history) throw new Error('this machine keeps no history');
    return this.history;
  }

  private snapshot(): Snapshot {
    const { subsystems, size } = this.roots.snapshot();
    return {
      step: this.step,
      control: this.control.clone(),
      pending: this.pending,
      now: this.now,
      events: this.events.snapshot(),
      last: this.last,
      returned: this.returned,
      recent: this.recent,
      dead: this.dead,
      subsystems,
      size: size + 1,
    };
  }

  private view(): View {
    return {
      start: this.stmtStart,
      snap: this.snapshot(),
      frames: this.frames.map((f) => f.clone()),
      exception: this.raised.kind !== undefined ? this.exception : undefined,
    };
  }

  /** Puts the machine at a view: detached until it moves on (`materialize`). */
  private restoreView(v: View): void {
    this.restoreSnapshot(v.snap);
    this.frames = v.frames.map((f) => f.clone());
    this.at = 'kernel';
    this.exception = v.exception;
    this.detached = true;
  }

  /** Rebuilds the generators of the statement a view is inside: a silent replay from the statement's snapshot to here. */
  private materialize(): void {
    const target = this.step;
    const seen = this.frames;
    // The run that moved on from the view goes on after the replay: restoring the snapshot must not end it.
    const run = this.run;
    this.restoreSnapshot(this.requireHistory().snapAtOrBefore(target));
    this.run = run;
    this.replayTo(target);
    this.frames.forEach((f, i) => {
      f.fresh = seen[i]?.fresh ?? false;
      f.late = seen[i]?.late;
    });
  }

  /**
   * Moves forward silently to `target` (or the end). Replaying is re-making step points history already has, so
   * it makes no views, except inside a long statement just before the target: a window of VIEW_WINDOW views
   * that replaces the previous one, so stepping back from the target restores instead of replaying again.
   */
  private replayTo(target: number): void {
    const h = this.history;
    if (h && this.step < target) {
      this.windowTo = target;
      this.windowViews = [];
      this.windowSize = 0;
    }
    this.silent++;
    try {
      while (this.step < target && this.transition()) {
        // Replay: silent, deterministic.
      }
    } finally {
      this.silent--;
      if (h && this.windowTo >= 0 && this.windowViews.length) h.setWindow(this.windowViews);
      this.windowTo = -1;
      this.windowViews = [];
    }
  }

  /** Engine-internal (the reverse scan starts each segment here): puts the machine back at a snapshot. */
  restoreSnapshot(s: Snapshot): void {
    this.detached = false;
    this.stmtWork = -1;
    this.step = s.step;
    this.control = s.control.clone();
    this.pending = s.pending;
    this.now = s.now;
    this.events.restore(s.events);
    this.last = s.last;
    this.returned = s.returned;
    this.lastAtStart = s.last;
    this.recent = s.recent;
    this.dead = s.dead;
    this.roots.restore(s.subsystems);
    this.gen = undefined;
    this.frames = [];
    this.at = this.pending ? 'stmt' : 'end';
    this.exception = undefined;
    this.run = undefined;
  }

  /** Moves to step point `target` (earlier or later) without stopping on the way. */
  goto(target: number): void {
    const h = this.requireHistory();
    if (target < 0) target = 0;
    const view = target < this.step || this.detached ? h.viewAt(target) : undefined;
    if (view) this.restoreView(view);
    else if (target < this.step) this.restoreSnapshot(h.snapAtOrBefore(target));
    this.replayTo(target);
    this.markFramesSeen();
    this.rebaseWatches();
  }

  /** Frames reached by goto/step-back are not "fresh": a function breakpoint there already had its chance. */
  private markFramesSeen(): void {
    for (const f of this.frames) {
      f.fresh = false;
      f.late = undefined;
    }
  }

  /** The reverse of `over` (the previous step point at the same or a shallower depth); `into`: of `in`, into the last call (`reverse.ts`). */
  stepBack(into = false): Stop {
    return stepBackTo(this, this.requireHistory(), into);
  }

  /** Runs backwards to the latest earlier step point where a breakpoint, exception filter or data watch would stop. */
  reverseContinue(): Stop {
    const run = this.reverseRun();
    for (;;) {
      const r = run.next();
      if (r.done) return r.value;
    }
  }

  /**
   * reverseContinue in slices: the generator yields every few hundred replayed
   * step points so a caller can answer other requests; a pause request makes
   * it return to where it started, with reason 'pause'. Run it to completion.
   */
  *reverseRun(): Generator<void, Stop, void> {
    this.silent++;
    try {
      return yield* reverseScan(this, this.requireHistory());
    } finally {
      this.silent--;
    }
  }

  /**
   * Applies a change from outside the scenario as a new step point in history; the future after
   * it is forgotten. If applying it fails, nothing changes and the error is rethrown.
   */
  inject(input: Input): void {
    const h = this.requireHistory();
    const at = this.step;
    h.truncate(at);
    h.inputs.set(at, input);
    try {
      this.transition();
    } catch (e) {
      h.inputs.delete(at);
      this.restoreSnapshot(h.snapAtOrBefore(at)); // it failed part way, still at step `at`: rebuild that step
      this.goto(at);
      throw e;
    }
    this.rebaseWatches();
  }

  /**
   * Moves forward silently until `pred` holds at a step point, the end, or
   * `limit` step points. Returns whether `pred` held.
   */
  seekForward(pred: (m: Machine) => boolean, limit = Number.POSITIVE_INFINITY): boolean {
    this.silent++;
    try {
      for (let n = 0; n < limit; n++) {
        if (!this.transition()) return false;
        if (pred(this)) {
          this.markFramesSeen();
          this.rebaseWatches();
          return true;
        }
      }
      return false;
    } finally {
      this.silent--;
    }
  }

  /** Runs a kernel generator to completion inside the current step (REPL statements, benchmarks). */
  drain<T>(g: KGen<T>, maxPoints?: number): T {
    return runToEnd(g, maxPoints);
  }
}
