import type { Value } from './values';
import { detached } from './returns';

/**
 * A simulated kernel source file: a read-only listing that follows the kernel
 * code the references define, served to the debugger so "step in" lands on
 * text that says what the kernel does at that point.
 *
 * Markers at line ends are stripped from the listing: `//@@ name` opens the
 * function `name`; `//@label` marks a step point inside the current function.
 */
export interface KernelSource {
  readonly path: string;
  readonly lines: readonly string[];
  readonly functions: ReadonlyMap<string, KernelFn>;
}

export interface KernelFn {
  readonly name: string;
  readonly source: KernelSource;
  /** 1-based line of the function's signature. */
  readonly line: number;
  readonly labels: ReadonlyMap<string, number>;
  /** The same as a plain object: `at` runs at every step point, and a property load is cheaper than Map.get there. */
  readonly lineOf: Readonly<Record<string, number>>;
}

function kernelFn(name: string, source: KernelSource, line: number, labels: ReadonlyMap<string, number>): KernelFn {
  const lineOf: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [k, v] of labels) lineOf[k] = v;
  return { name, source, line, labels, lineOf };
}

export function kernelSource(path: string, text: string): KernelSource {
  const lines: string[] = [];
  const functions = new Map<string, KernelFn>();
  let current: { name: string; line: number; labels: Map<string, number> } | undefined;
  const src: KernelSource = { path, lines, functions };
  const close = (): void => {
    if (current) functions.set(current.name, kernelFn(current.name, src, current.line, current.labels));
  };
  for (const raw of text.replace(/^\n/, '').split('\n')) {
    const m = /\s*\/\/@(@\s*)?(\w+)\s*$/.exec(raw);
    const lineNo = lines.length + 1;
    lines.push(m ? raw.slice(0, m.index) : raw);
    if (!m) continue;
    if (m[1] !== undefined) {
      close();
      current = { name: m[2] as string, line: lineNo, labels: new Map() };
    } else if (current) {
      if (current.labels.has(m[2] as string)) throw new Error(`${path}: label ${m[2]} twice in ${current.name}`);
      current.labels.set(m[2] as string, lineNo);
    } else throw new Error(`${path}:${lineNo}: label outside a function`);
  }
  close();
  return src;
}

export function fnOf(src: KernelSource, name: string): KernelFn {
  const f = src.functions.get(name);
  if (!f) throw new Error(`${src.path} has no function ${name}`);
  return f;
}

/** The token every step point yields; where the step is is read from the frames. */
export interface Step {
  readonly step: true;
}
export const STEP: Step = Object.freeze({ step: true });
/**
 * A kernel function: it yields STEP at each step point. It calls another
 * either with `yield* callee(...)` or, on hot paths, with `yield callee(...)`,
 * which the driver (KStack) runs on its own stack so deep step points stay
 * cheap; that `yield` evaluates to the callee's return value.
 */
export type KGen<T = void> = Generator<Step | KGen<unknown>, T, unknown>;

/**
 * An argument or local that is a state-tree node (a resv map, a page, a
 * task's vma): it reads as that node and the debugger expands it, lazily, to
 * the node's fields, so no state is copied into the frame. The node is
 * `root` then `keys` (a string: a field; a number: a list position; a
 * bigint: a keyed list's key, as `page[0x1200]`); `label` is what it reads
 * as where the path no longer resolves. Only the path's parts are kept: the
 * text is made when a debugger looks.
 */
export class NodeRef {
  constructor(
    readonly root: string,
    readonly keys: readonly (string | number | bigint)[],
    readonly label: Value,
  ) {}

  /** The state path, as an expression (`resv.f`, `task.a.vma[0]`, `page[0x1200]`). */
  get path(): string {
    let p = this.root;
    for (const k of this.keys) {
      if (typeof k === 'bigint') p += `[0x${k.toString(16)}]`;
      else if (typeof k === 'number') p += `[${k}]`;
      else p += /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
    }
    return p;
  }
}

/**
 * Arguments and locals: plain JS numbers are allowed beside values because
 * the hot paths keep page offsets as numbers; views turn them into integers.
 */
export type FrameValue = Value | number | NodeRef;

const NO_ALIASES: readonly string[] = Object.freeze([]);

/** One simulated kernel function activation. */
export class Frame {
  line: number;
  /** True until the frame's first step point: function breakpoints stop there. */
  fresh = true;
  /**
   * Names a function breakpoint may use for this frame at its next step point only, set by code that learns late
   * which breakpoints it answers to (the hypercall dispatcher, refusing a call before the call's own handler frame
   * exists: a breakpoint on that hypercall must still stop there).
   */
  late: readonly string[] | undefined = undefined;
  /** The step point at which the frame first stopped: where "restart frame" goes back to. */
  enteredAt = 0;
  /** The line of the frame's previous step point, kept only by a coverage run (branch outcomes); 0 before the first. */
  covLine = 0;
  readonly locals: Record<string, FrameValue> = {};
  /** The callee that returned last into this frame, and what it returned (shown as `callee returned`). */
  retFn: KernelFn | undefined = undefined;
  retValue: unknown = undefined;
  constructor(
    readonly fn: KernelFn,
    readonly args: Readonly<Record<string, FrameValue>>,
    /** Extra names a function breakpoint may use for this frame (a hypercall's name and code). */
    readonly aliases: readonly string[] = NO_ALIASES,
  ) {
    this.line = fn.line;
  }

  /** A copy as it stands, for a history view inside a statement: later steps change this frame, not the copy. */
  clone(): Frame {
    const c = new Frame(this.fn, this.args, this.aliases);
    c.line = this.line;
    c.fresh = this.fresh;
    c.late = this.late;
    c.enteredAt = this.enteredAt;
    c.covLine = this.covLine;
    Object.assign(c.locals, this.locals);
    c.retFn = this.retFn;
    // A returned model object goes on changing in the live run: the copy keeps what it held (returns.ts).
    c.retValue = detached(this.retValue);
    return c;
  }

  /** Moves to a step point and yields it: `yield fr.at('retry')`. */
  at(label: string): Step {
    const l = this.fn.lineOf[label];
    if (l === undefined) throw new Error(`${this.fn.name} has no step point '${label}'`);
    this.line = l;
    return STEP;
  }
}
