import type { Machine } from './machine';
import { ScenarioError } from './source';

/**
 * The work budget: what the step budget does not see. One step point may
 * cover a million pages (an mlock of 4G) or build a 64K list (`gpa read`), so
 * a `repeat (1 << 40)` of such a statement stayed far inside the step budget
 * and ran for days. Kernel code charges its per-page and per-byte loops here;
 * past the budget the statement ends with a scenario error at its line.
 *
 * A unit is one element of such a loop: a page a statement walks, a byte it
 * reads into a list. The default is reached in well under a minute by the
 * slowest of them (a page through the fault path), and is far above any
 * example, test or benchmark scenario (a million-page run is a few million).
 */
export const DEFAULT_MAX_WORK = 1 << 25;

/**
 * The work done so far, counted once per step point however often history
 * replays it: a transition counts only when the machine makes it for the
 * first time on its timeline (history's `maxStep`), so stepping back and
 * forth, goto and reverse scans cost nothing. The step point where the
 * budget ran out is remembered with how far into it, so a replay fails at
 * the same place with the same state.
 */
class WorkMeter {
  used = 0;
  /** The step point whose transition charged last, and how much it charged. */
  private current = -1;
  private inStep = 0;
  private out: { readonly step: number; readonly inStep: number } | undefined;

  constructor(readonly limit: number) {}

  charge(m: Machine, n: number): void {
    const step = m.step;
    if (step !== this.current) {
      this.current = step;
      this.inStep = 0;
    }
    this.inStep += n;
    const out = this.out;
    if (out && step === out.step) {
      if (this.inStep >= out.inStep) this.fail(m);
      return;
    }
    const h = m.history;
    if (h && step < h.maxStep) return;
    this.used += n;
    if (this.used > this.limit) {
      this.out = { step, inStep: this.inStep };
      this.fail(m);
    }
  }

  private fail(m: Machine): never {
    // Every run of the failing transition ends here: the next one starts counting afresh.
    this.current = -1;
    throw workError(m, this.limit);
  }
}

export interface WorkOptions {
  /** The work budget (default DEFAULT_MAX_WORK). */
  readonly maxWork?: number;
}

const meters = new WeakMap<Machine, WorkMeter>();

function meterOf(m: Machine): WorkMeter {
  let w = meters.get(m);
  if (!w) meters.set(m, (w = new WorkMeter(DEFAULT_MAX_WORK)));
  return w;
}

/** Sets a machine's work budget (before it runs): `kstep run --max-work`, the launch configuration's maxWork, tests. */
export function setWorkLimit(m: Machine, limit: number): void {
  meters.set(m, new WorkMeter(limit));
}

/** Charges `n` units of work to the statement running; throws the budget's scenario error past it. */
export function work(m: Machine, n: number): void {
  if (n > 0) meterOf(m).charge(m, n);
}

/** The units charged so far (each step point's once). */
export function workUsed(m: Machine): number {
  return meterOf(m).used;
}

function workError(m: Machine, limit: number): ScenarioError {
  return new ScenarioError(
    `the scenario ran out of its work budget (${limit} pages or bytes worked through by its statements): raise it with --max-work (kstep run) or maxWork (launch configuration)`,
    m.statement?.range,
  );
}
