import type { Machine, Stop } from './core/machine';

/** How a headless run ended, for `kstep run` and the editor's "Run Scenario". */
export interface Outcome {
  /** 0 every expect held; 1 an expect failed or a kernel BUG; 2 a scenario error; 3 an internal error. */
  readonly code: 0 | 1 | 2 | 3;
  readonly kind?: 'expect' | 'bug' | 'error' | 'internal';
  readonly line?: number;
  readonly col?: number;
  readonly message?: string;
  /** The JavaScript stack of an internal error. */
  readonly stack?: string;
}

export function outcomeOf(m: Machine, stop: Stop): Outcome {
  const exc = stop.exception;
  if (stop.reason !== 'exception' || !exc) return { code: 0 };
  const line = exc.line ?? 0;
  if (exc.kind === 'expect' || exc.kind === 'bug') return { code: 1, kind: exc.kind, line, message: exc.message };
  // An internal error is kstep's fault, not the scenario's: a distinct code, so CI never reads it as a failed expect.
  if (exc.kind === 'internal') return { code: 3, kind: 'internal', line, message: exc.message, ...(exc.stack ? { stack: exc.stack } : {}) };
  const col = exc.range?.col ?? m.statement?.range.col ?? 1;
  return { code: 2, kind: 'error', line, col, message: exc.message };
}
