import type { Frame } from './frames';
import type { Machine } from './machine';

/**
 * What stopped a statement: the engine's own kinds (`expect`, `bug`, and
 * `error`, a scenario that cannot go on) and those each mechanism declares
 * in its exception filters (`fault`, `hv_error`, ...).
 */
export type ExceptionKind = string;

/** An exception filter a debugger can switch. */
export interface ExceptionFilter {
  readonly kind: ExceptionKind;
  /** What the Breakpoints view shows: the id itself, the name launch configurations and the exception filters' docs use. */
  readonly label: string;
  /** Whether it is on before the debugger says anything. */
  readonly default: boolean;
  readonly description: string;
}

/** The engine's own filters; `error` and `internal` are none: a scenario that cannot go on always stops. */
export const CORE_EXCEPTION_FILTERS: readonly ExceptionFilter[] = [
  { kind: 'expect', label: 'expect', default: true, description: 'expect failed: an expect statement was false' },
  { kind: 'bug', label: 'bug', default: true, description: 'kernel BUG: a BUG_ON/VM_BUG_ON condition or a broken invariant' },
];

/**
 * A predicate over the machine's state at a step point: a compiled condition. `frame` is the kernel frame a
 * function breakpoint stopped on (its arguments and locals are what `frame.<name>` reads); otherwise the innermost.
 */
export type Condition = (m: Machine, frame?: Frame) => boolean;

export interface LineBreakpoint {
  readonly id: number;
  readonly line: number;
  readonly condition?: Condition;
  /** Stops when it returns true for the hit count so far (hit counts grow only going forward). */
  readonly hitCondition?: (hits: number) => boolean;
  /** A logpoint: print instead of stopping. */
  readonly log?: (m: Machine) => string;
  hits: number;
}

export interface FunctionBreakpoint {
  readonly id: number;
  readonly name: string;
  readonly condition?: Condition;
  readonly hitCondition?: (hits: number) => boolean;
  hits: number;
}

export interface DataWatch {
  readonly id: number;
  /** Reads the watched value as a canonical string (undefined when the path does not resolve). */
  readonly read: (m: Machine) => string | undefined;
  readonly condition?: Condition;
  /** Stops when it returns true for the number of changes seen so far (counted going forward). */
  readonly hitCondition?: (hits: number) => boolean;
  hits?: number;
  last: string | undefined;
}

export class Breakpoints {
  lines = new Map<number, LineBreakpoint[]>();
  /** Breakpoints in the kernel listings: by listing path, then by the listing's line (a step point's line). */
  kernelLines = new Map<string, Map<number, LineBreakpoint[]>>();
  functions = new Map<string, FunctionBreakpoint>();
  exceptions: Map<ExceptionKind, Condition | undefined>;
  data: DataWatch[] = [];

  /** `filters`: every filter there is; those on by default start switched on. */
  constructor(filters: readonly ExceptionFilter[] = CORE_EXCEPTION_FILTERS) {
    this.exceptions = new Map(filters.filter((f) => f.default).map((f) => [f.kind, undefined]));
  }

  setLines(bps: readonly LineBreakpoint[]): void {
    this.lines = new Map();
    for (const b of bps) this.lines.set(b.line, [...(this.lines.get(b.line) ?? []), b]);
  }

  /** The breakpoints of one kernel listing (`path` as its KernelSource names it), replacing that listing's. */
  setKernelLines(path: string, bps: readonly LineBreakpoint[]): void {
    const byLine = new Map<number, LineBreakpoint[]>();
    for (const b of bps) byLine.set(b.line, [...(byLine.get(b.line) ?? []), b]);
    if (byLine.size) this.kernelLines.set(path, byLine);
    else this.kernelLines.delete(path);
  }

  setFunctions(bps: readonly FunctionBreakpoint[]): void {
    this.functions = new Map(bps.map((b) => [b.name, b]));
  }

  setExceptions(kinds: ReadonlyArray<{ kind: ExceptionKind; condition?: Condition }>): void {
    this.exceptions = new Map(kinds.map((k) => [k.kind, k.condition]));
  }

  stopsOn(kind: ExceptionKind): boolean {
    return kind === 'error' || kind === 'internal' || this.exceptions.has(kind);
  }
}
