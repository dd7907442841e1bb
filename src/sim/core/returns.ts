import type { Frame, KernelFn } from './frames';
import type { Machine } from './machine';

/** A kernel function's return value, as the caller's frame shows it (`region_chg returned`). */
export interface Returned {
  readonly fn: KernelFn;
  readonly value: unknown;
}

/**
 * Records what `callee` returned where its caller will show it, as CodeLLDB
 * and the C/C++ debugger show a return value after Step Out: on the calling
 * kernel frame (two stores, no allocation: `leave` runs at every return), or
 * on the machine when the scenario statement itself made the call.
 */
export function noteReturn(m: Machine, caller: Frame | undefined, callee: Frame, value: unknown): void {
  if (caller) {
    caller.retFn = callee.fn;
    caller.retValue = value;
  } else m.returned = { fn: callee.fn, value };
}
