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
  } else m.returned = { fn: callee.fn, value: detached(value) };
}

/**
 * The statement-level return value outlives the statement in history
 * snapshots, while a model object it points at (a subpool, a result list)
 * is replaced on restore and goes on changing in the timeline it came from:
 * keep what it held when it was returned (once per statement, so the copy is
 * cheap), as a struct returned by value reads.
 */
export function detached(value: unknown, depth = 0): unknown {
  // Bounded: a model object may point back at its owner.
  if (depth > 3) return value;
  if (Array.isArray(value)) return value.length <= 4096 ? value.map((v: unknown) => detached(v, depth + 1)) : value;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = detached(v, depth + 1);
    return out;
  }
  return value;
}
