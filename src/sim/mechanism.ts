import type { KernelSource } from './core/frames';
import type { Machine, Subsystem } from './core/machine';
import type { StatementCompiler } from './scenario/compile';

/**
 * One simulated mechanism (hugetlb, Hyper-V, memory, SCMI memlat): its state
 * (a subsystem with state-tree roots and snapshots), the statements it runs,
 * and the kernel source listings its frames point into.
 */
export interface Mechanism {
  readonly subsystem: Subsystem;
  readonly compilers: ReadonlyMap<string, StatementCompiler>;
  readonly sources: readonly KernelSource[];
  /** Called once the machine exists: register event handlers for `advance`. */
  attach?(m: Machine): void;
}
