import type { KGen } from './frames';
import { STEP } from './frames';
import { ScenarioError } from './source';

type Gen = KGen<unknown>;
type Res = IteratorResult<unknown, unknown>;

/**
 * %GeneratorPrototype%.next, called directly: every kernel function's
 * generator has its own shape, so `g.next` would be a megamorphic lookup at
 * every step point.
 */
const genNext = (Object.getPrototypeOf(Object.getPrototypeOf(oneStep())) as Gen).next;

function* oneStep(): KGen {
  yield STEP;
}

/**
 * Runs a kernel generator and the calls it yields (`yield callee(...)`) on
 * one explicit stack. With `yield*` every step point deep in a call chain
 * resumes each generator above it; here it resumes only the innermost one,
 * so a step point costs the same at any depth. A callee's return value is
 * what its caller's `yield` evaluates to; a throw goes to the caller's
 * `throw()`, as it would through `yield*`.
 */
export class KStack<T> {
  private readonly callers: Gen[] = [];
  private top: Gen;
  /** The result of the last `advance` that returned false. */
  value: T | undefined;

  constructor(g: KGen<T>) {
    this.top = g;
  }

  /** Runs to the next step point (true) or to the end (false; `value` then holds the result). */
  advance(): boolean {
    let r = this.resume(undefined);
    for (;;) {
      if (r.done) {
        const caller = this.callers.pop();
        if (!caller) {
          this.value = r.value as T;
          return false;
        }
        this.top = caller;
        r = this.resume(r.value);
      } else if (r.value === STEP) return true;
      else {
        this.callers.push(this.top);
        this.top = r.value as Gen;
        r = this.resume(undefined);
      }
    }
  }

  /** Resumes the innermost call with `input`; a throw out of it unwinds to its callers until one catches it. */
  private resume(input: unknown): Res {
    let throwing = false;
    let error: unknown;
    for (;;) {
      try {
        return throwing ? this.top.throw(error) : genNext.call(this.top, input);
      } catch (e) {
        const caller = this.callers.pop();
        if (!caller) throw e;
        this.top = caller;
        throwing = true;
        error = e;
      }
    }
  }
}

/**
 * Runs a kernel generator to completion, step points included: the same
 * walk as KStack.advance without stopping at each step point.
 */
export function runToEnd<T>(g: KGen<T>, maxPoints = Number.POSITIVE_INFINITY): T {
  const callers: Gen[] = [];
  let points = 0;
  let top: Gen = g;
  let input: unknown;
  for (;;) {
    let r: Res;
    try {
      r = genNext.call(top, input);
    } catch (e) {
      r = unwind(callers, e);
      top = callers.pop() as Gen;
    }
    input = undefined;
    if (r.done) {
      const caller = callers.pop();
      if (!caller) return r.value as T;
      top = caller;
      input = r.value;
    } else if (r.value !== STEP) {
      callers.push(top);
      top = r.value as Gen;
    } else if (++points > maxPoints) {
      // All inside one step: nothing else (pause, another session) is served until it ends.
      throw new ScenarioError(`the statement ran past ${maxPoints} step points, the most one statement run at once may take: put it in the scenario and run to it`);
    }
  }
}

/**
 * A throw out of the innermost call: each caller gets it at its `yield`
 * until one catches it. Returns what that caller did next, the caller left
 * on top of `callers`; rethrows when none catches it.
 */
function unwind(callers: Gen[], e: unknown): Res {
  for (;;) {
    const caller = callers.pop();
    if (!caller) throw e;
    try {
      const r = caller.throw(e);
      callers.push(caller);
      return r;
    } catch (e2) {
      e = e2;
    }
  }
}
