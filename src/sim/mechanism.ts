import type { ExceptionFilter } from './core/breakpoints';
import type { CallDecls } from './core/call_graph';
import type { KernelSource } from './core/frames';
import type { Machine, Subsystem } from './core/machine';
import type { StatementCompiler } from './scenario/compile';
import type { NameSet, VerbDecl } from './scenario/verbs';

export type { NameSet } from './scenario/verbs';

/** A state-tree root a mechanism provides, and the Variables scope that shows it. */
export interface RootSpec {
  readonly name: string;
  /** The name of one of the mechanism's `scopes`. */
  readonly scope: string;
  /** What it holds, for hovers and completion. */
  readonly summary: string;
}

/** A Variables-view scope; the roots that name it are its children. */
export interface ScopeSpec {
  readonly name: string;
  readonly hint?: 'registers';
}

/**
 * A debugger thread besides the scenario's (a Hyper-V VP): it stands where
 * the scenario stands, and its scopes are state paths.
 */
export interface ThreadView {
  readonly name: string;
  readonly scopes: ReadonlyArray<{ readonly name: string; readonly path: string; readonly hint?: 'registers' }>;
}

/** What a mechanism is once a machine is built: its state, its statements' executors and its hooks. */
export interface MechanismInstance<S extends Subsystem = Subsystem> {
  readonly subsystem: S;
  /** An executor builder for each verb the descriptor declares, no more, no fewer. */
  readonly compilers: ReadonlyMap<string, StatementCompiler>;
  /** Called once the machine exists: register event handlers for `advance`. */
  attach?(m: Machine): void;
  /** Its sections of the editor's state picture, plain JSON, by section name. */
  picture?(m: Machine): Readonly<Record<string, unknown>>;
  /** Debugger threads it adds at this step point. */
  threads?(m: Machine): readonly ThreadView[];
}

/**
 * One simulated mechanism, known without building a machine: everything the
 * parser, the debugger, the editor and the grammar need to know of it. The
 * list in `mechanisms.ts` is the only place a mechanism is named; the verb
 * table, state roots, scopes, exception filters, kernel sources and
 * breakpoint names are all derived from it (`registry.ts`).
 */
export interface MechanismDescriptor<S extends Subsystem = Subsystem> {
  /** Short id: the `section` of its verbs. */
  readonly id: string;
  /** What it simulates, for messages and documentation. */
  readonly title: string;
  readonly verbs: readonly VerbDecl[];
  /** Its Variables scopes, in display order. */
  readonly scopes: readonly ScopeSpec[];
  readonly roots: readonly RootSpec[];
  readonly exceptionFilters: readonly ExceptionFilter[];
  /** Its kernel listings: the debugger's sources and function-breakpoint names. */
  readonly sources: readonly KernelSource[];
  /** Other names its frames answer to as function breakpoints (a hypercall's name and code). */
  readonly breakpointAliases: readonly string[];
  /** The fixed name sets its verbs' arguments name (`register`, `hypercall`), by the key their specs use. */
  readonly nameSets?: Readonly<Record<string, NameSet>>;
  /**
   * Lines that make one of each thing it keeps (`partition vps=1`, `hugetlb file f`):
   * the editor learns the shape of its state paths from the tree they leave.
   */
  readonly sample?: readonly string[];
  /** Ids of mechanisms whose state this one reads; they come earlier in the list. */
  readonly needs?: readonly string[];
  /** Calls its listings do not spell and the functions its verbs enter first (the debugger's step-in targets). */
  readonly calls?: CallDecls;
  /** Builds a fresh instance; `deps` holds the subsystems of `needs` by id. */
  create(deps: ReadonlyMap<string, Subsystem>): MechanismInstance<S>;
}
