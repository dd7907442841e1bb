import type { Machine } from './machine';

export type ExceptionKind =
  | 'expect'
  | 'bug'
  | 'fault'
  | 'device_private'
  | 'sigbus'
  | 'sigsegv'
  | 'hv_error'
  | 'scmi_error'
  | 'error';

/** Exception filters a debugger can switch; `error` (a scenario that cannot go on) always stops. */
export const EXCEPTION_FILTERS: ReadonlyArray<{ kind: ExceptionKind; label: string; default: boolean; description: string }> = [
  { kind: 'expect', label: 'expect failed', default: true, description: 'an expect statement was false' },
  { kind: 'bug', label: 'kernel BUG', default: true, description: 'a BUG_ON/VM_BUG_ON condition or a broken invariant' },
  { kind: 'fault', label: 'page fault', default: false, description: 'any page fault' },
  { kind: 'device_private', label: 'device-private fault', default: false, description: 'a CPU fault on a device-private entry' },
  { kind: 'sigbus', label: 'SIGBUS', default: false, description: 'a simulated task got SIGBUS' },
  { kind: 'sigsegv', label: 'SIGSEGV', default: false, description: 'a simulated task got SIGSEGV' },
  { kind: 'hv_error', label: 'hypercall error', default: false, description: 'a hypercall status other than HV_STATUS_SUCCESS' },
  { kind: 'scmi_error', label: 'SCMI error', default: false, description: 'an SCMI status other than SCMI_SUCCESS' },
];

/** A predicate over the machine's state at a step point: a compiled condition. */
export type Condition = (m: Machine) => boolean;

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
  functions = new Map<string, FunctionBreakpoint>();
  exceptions = new Map<ExceptionKind, Condition | undefined>(
    EXCEPTION_FILTERS.filter((f) => f.default).map((f) => [f.kind, undefined]),
  );
  data: DataWatch[] = [];

  setLines(bps: readonly LineBreakpoint[]): void {
    this.lines = new Map();
    for (const b of bps) this.lines.set(b.line, [...(this.lines.get(b.line) ?? []), b]);
  }

  setFunctions(bps: readonly FunctionBreakpoint[]): void {
    this.functions = new Map(bps.map((b) => [b.name, b]));
  }

  setExceptions(kinds: ReadonlyArray<{ kind: ExceptionKind; condition?: Condition }>): void {
    this.exceptions = new Map(kinds.map((k) => [k.kind, k.condition]));
  }

  stopsOn(kind: ExceptionKind): boolean {
    return kind === 'error' || this.exceptions.has(kind);
  }
}
