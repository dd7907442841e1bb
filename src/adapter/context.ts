import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Frame, Machine, Program, Registry, Simulation, StatementRef, Stop, ThreadView } from '../sim';
import { BreakpointBook } from './breakpoint_book';
import { sameProgram } from './program_path';
import { UserError } from './routes';
import { KernelSources } from './sources';
import { VariableStore } from './variables';

/** The scenario's thread; the mechanisms' own threads follow from MECHANISM_THREAD_BASE, in the order they list them. */
export const THREAD_ID = 1;
export const MECHANISM_THREAD_BASE = 1000;

/** What a stack frame id stands for until the next stop. */
export type FrameRef =
  | { kind: 'kernel'; frame: Frame }
  | { kind: 'scenario'; index: number; stmt: StatementRef | undefined }
  | { kind: 'thread'; view: ThreadView };

/**
 * The state one debug session shares between its request handlers: the
 * simulated run, the ids handed to the client (frames, variables, sources,
 * breakpoints) and whether a run is in progress.
 */
export class SessionContext {
  sim: Simulation | undefined;
  program: Program | undefined;
  programPath = '';
  running = false;
  /** The last stop was the scenario's end: one more continue ends the session. */
  atEnd = false;
  noDebug = false;
  lastStop: Stop | undefined;
  /** The views' hex/decimal choice (hex kinds in hex, or every value in decimal); undefined: hex. */
  hexDefault: boolean | undefined;
  /**
   * Bumped whenever the timeline itself changes (a new machine, a console statement, an edited value or
   * memory): a client that read the whole history (a plot) reads it again only when this differs.
   */
  timeline = 0;
  readonly vars = new VariableStore();
  readonly frameRefs = new Map<number, FrameRef>();
  readonly book: BreakpointBook;
  readonly sources: KernelSources;

  constructor(
    readonly registry: Registry,
    readonly send: (event: DebugProtocol.Event) => void,
  ) {
    this.book = new BreakpointBook(registry);
    this.sources = new KernelSources(registry);
  }

  get simulation(): Simulation {
    if (!this.sim) throw new UserError('no scenario is running');
    return this.sim;
  }

  get machine(): Machine {
    return this.simulation.machine;
  }

  /** Before launch or after disconnect there is nothing to step: a `next` answered with success would leave the client waiting for a stop. */
  requireStopped(): void {
    if (this.running) throw new UserError('the scenario is running: pause it first');
    if (!this.sim) throw new UserError('no scenario is running');
  }

  samePath(p: string | undefined): boolean {
    return p !== undefined && sameProgram(p, this.programPath);
  }
}
