import type { CoverageSink } from '../core/coverage';
import type { Frame } from '../core/frames';
import { skippedThen, tookThen } from './branches';
import type { CoverageLayout } from './layout';

/**
 * One run's (or a merged suite's) counts over a layout: hits per step point,
 * entries per function, and per branch how often the flow entered its
 * then-block and how often it went past it. A function is counted as entered
 * at its first step point, so one that returns before reaching any is not
 * seen (the debugger never shows it either).
 */
export class Coverage implements CoverageSink {
  readonly points: Float64Array;
  readonly functions: Float64Array;
  /** Two per branch: [then, past]. */
  readonly branches: Float64Array;

  constructor(readonly layout: CoverageLayout) {
    this.points = new Float64Array(layout.points.length);
    this.functions = new Float64Array(layout.functions.length);
    this.branches = new Float64Array(layout.branches.length * 2);
  }

  kernelStep(frames: readonly Frame[], step: number): void {
    const top = frames[frames.length - 1];
    if (!top) return;
    for (let i = frames.length - 1; i >= 0; i--) {
      const f = frames[i] as Frame;
      if (f.enteredAt !== step) break;
      const s = this.layout.slot(f.fn);
      if (s) this.functions[s.index]++;
    }
    const slot = this.layout.slot(top.fn);
    if (!slot) return;
    const cur = top.line;
    const p = slot.pointAt[cur] ?? -1;
    if (p >= 0) this.points[p]++;
    const prev = top.covLine || top.fn.line;
    top.covLine = cur;
    const bs = slot.branches;
    for (let k = 0; k < bs.length; k++) {
      const b = bs[k];
      if (!b) continue;
      if (tookThen(b, prev, cur)) this.branches[slot.branchBase + 2 * k]++;
      else if (skippedThen(b, prev, cur)) this.branches[slot.branchBase + 2 * k + 1]++;
    }
  }

  /** Adds another run's counts over the same layout (a suite of scenarios). */
  add(other: Coverage): void {
    if (other.layout !== this.layout) throw new Error('coverage of different layouts cannot be merged');
    for (let i = 0; i < this.points.length; i++) this.points[i] = (this.points[i] ?? 0) + (other.points[i] ?? 0);
    for (let i = 0; i < this.functions.length; i++) this.functions[i] = (this.functions[i] ?? 0) + (other.functions[i] ?? 0);
    for (let i = 0; i < this.branches.length; i++) this.branches[i] = (this.branches[i] ?? 0) + (other.branches[i] ?? 0);
  }
}
