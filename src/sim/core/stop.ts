import type { ExceptionKind } from './breakpoints';
import type { SourceRange } from './source';
import type { Value } from './values';

export interface SimException {
  readonly kind: ExceptionKind;
  readonly message: string;
  /** Values behind the failure (both sides of a failed comparison). */
  readonly details?: Readonly<Record<string, Value>>;
  /** Where it happened in the scenario. */
  readonly line?: number;
  /** The exact source range, for scenario errors. */
  readonly range?: SourceRange;
  /** The JavaScript stack of an internal error, shown only when asked for (`kstep run --debug`). */
  readonly stack?: string;
}

/** A kernel BUG_ON/VM_BUG_ON: the statement stops where it is, and the run ends. */
export class KernelBug extends Error {
  constructor(readonly condition: string) {
    super(`BUG: ${condition}`);
    this.name = 'KernelBug';
  }
}

export type RunMode = 'continue' | 'in' | 'over' | 'out';

export type StopReason =
  | 'entry'
  | 'step'
  | 'breakpoint'
  | 'function breakpoint'
  | 'data breakpoint'
  | 'exception'
  | 'end'
  | 'pause'
  | 'goto';

export interface Stop {
  readonly reason: StopReason;
  readonly exception?: SimException;
  readonly breakpointIds?: readonly number[];
}
