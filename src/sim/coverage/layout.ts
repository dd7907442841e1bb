import type { KernelFn, KernelSource } from '../core/frames';
import type { ListingBranch } from './branches';
import { listingBranches } from './branches';

/** What a step of one function charges: its index, its step points by listing line, its branches' first counter. */
export interface FnSlot {
  readonly index: number;
  /** Listing line → step point index, -1 where the line has none. */
  readonly pointAt: Int32Array;
  readonly branches: readonly ListingBranch[];
  /** Counter of branches[0]'s then-outcome; each branch has two (then, past). */
  readonly branchBase: number;
}

export interface StepPoint {
  readonly source: KernelSource;
  readonly fn: KernelFn;
  readonly line: number;
  readonly label: string;
}

/**
 * Every step point, function and branch of a set of listings, numbered once
 * (when the registry is built) so a run's counters are flat arrays.
 */
export class CoverageLayout {
  readonly points: StepPoint[] = [];
  readonly functions: KernelFn[] = [];
  readonly branches: ListingBranch[] = [];
  private readonly slots = new Map<KernelFn, FnSlot>();

  constructor(readonly sources: readonly KernelSource[]) {
    for (const src of sources) {
      const pointAt = new Int32Array(src.lines.length + 2).fill(-1);
      const byFn = new Map<KernelFn, ListingBranch[]>();
      for (const b of listingBranches(src)) byFn.set(b.fn, [...(byFn.get(b.fn) ?? []), b]);
      for (const fn of [...src.functions.values()].sort((a, b) => a.line - b.line)) {
        for (const [label, line] of [...fn.labels].sort((a, b) => a[1] - b[1])) {
          pointAt[line] = this.points.length;
          this.points.push({ source: src, fn, line, label });
        }
        const branches = byFn.get(fn) ?? [];
        this.slots.set(fn, { index: this.functions.length, pointAt, branches, branchBase: this.branches.length * 2 });
        this.functions.push(fn);
        this.branches.push(...branches);
      }
    }
  }

  slot(fn: KernelFn): FnSlot | undefined {
    return this.slots.get(fn);
  }
}
