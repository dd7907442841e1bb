import type { Machine, Subsystem } from './core/machine';
import type { StatementCompiler } from './scenario/compile';

/**
 * One simulated mechanism (hugetlb, Hyper-V, memory, SCMI memlat): its state
 * (a subsystem with state-tree roots and snapshots) and the statements it runs.
 * Its kernel listings are a constant of its module (`*_SOURCES`).
 */
export interface Mechanism {
  readonly subsystem: Subsystem;
  readonly compilers: ReadonlyMap<string, StatementCompiler>;
  /** Called once the machine exists: register event handlers for `advance`. */
  attach?(m: Machine): void;
}
