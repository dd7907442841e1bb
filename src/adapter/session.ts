import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  InitializedEvent,
  CapabilitiesEvent,
  InvalidatedEvent,
  Logger,
  MemoryEvent,
  LoggingDebugSession,
  logger,
  OutputEvent,
  StoppedEvent,
  TerminatedEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EvalEnv, Frame, KernelSource, Machine, Program, Registry, RunMode, Simulation, StatementRef, StateNode, Stop, ThreadView, Value } from '../sim';
import { compileLine, evalRef, fixedRecord, formatDiagnostic, formatValue, loadScenario, parseExpression, REGISTRY, Sym, valueNode } from '../sim';
import { pictureOf, recentResults } from './picture';
import { bindLine, statementLines, unverified } from './breakpoints';
import { childPath, frameNode, plainValue, VariableStore } from './variables';
import { consoleCompletions, isStatementLine } from './console';
import { BreakpointBook } from './breakpoint_book';
import { MAX_READ, parseMemoryRef } from './memory';

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The scenario to run. */
  program?: string;
  stopOnEntry?: boolean;
  /** Log the DAP traffic to the Debug Console. */
  trace?: boolean;
}

const THREAD_ID = 1;
/** How long a slice of a run may take before the adapter looks at its inbox again (pause, cancel). */
const SLICE_MS = 10;
/** Step points between looks at the clock during a slice. */
const CHUNK = 256;
/** How far `goto` searches forward for a line that has not run yet. */
const GOTO_FORWARD_LIMIT = 10_000_000;

type FrameRef =
  | { kind: 'kernel'; frame: Frame }
  | { kind: 'scenario'; index: number; stmt: StatementRef | undefined }
  | { kind: 'thread'; view: ThreadView };

/** Thread ids of the mechanisms' own threads (the Hyper-V VPs), in the order they list them. */
const MECHANISM_THREAD_BASE = 1000;

class UserError extends Error {}

/** The setter of a value the debugger may change: a writable leaf, or a record that is also a value (a register). */
function writable(n: StateNode): ((v: Value) => void) | undefined {
  return n.kind === 'list' ? undefined : n.set;
}

/**
 * A kernel frame as a call: `region_chg(resv=f, f=0, t=1)`. A string argument
 * names an object (a resv_map by its file), so it is shown bare, as the
 * scenario statement wrote it, not as a quoted string.
 */
function callLabel(f: Frame): string {
  const args = Object.entries(f.args).map(([k, v]) => `${k}=${typeof v === 'string' ? v : formatValue(typeof v === 'number' ? BigInt(v) : v)}`);
  return `${f.fn.name}(${args.join(', ')})`;
}

/**
 * The kstep debug adapter: a DAP session over one simulated run. Everything
 * it shows is read from the machine's state tree; everything it changes goes
 * through the machine's history, so stepping back undoes it.
 */
export class KstepSession extends LoggingDebugSession {
  private sim: Simulation | undefined;
  private program: Program | undefined;
  private programPath = '';
  private launchArgs: LaunchArguments = {};
  private configured!: () => void;
  private readonly configDone = new Promise<void>((r) => (this.configured = r));
  private readonly vars = new VariableStore();
  /** The Variables view's hex/decimal toggle; undefined: each value's own default. */
  private hexDefault: boolean | undefined;
  private frameRefs = new Map<number, FrameRef>();
  private running = false;
  private atEnd = false;
  private noDebug = false;
  private lastStop: Stop | undefined;
  private readonly book: BreakpointBook;
  private readonly sourceRefs = new Map<number, KernelSource>();
  private readonly sourceRefOf = new Map<KernelSource, number>();

  /** `registry`: the mechanisms to simulate; a test may add one of its own. */
  constructor(private readonly registry: Registry = REGISTRY) {
    super();
    this.book = new BreakpointBook(registry);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    registry.sources.forEach((s, i) => {
      this.sourceRefs.set(i + 1, s);
      this.sourceRefOf.set(s, i + 1);
    });
  }

  private get machine(): Machine {
    if (!this.sim) throw new UserError('no scenario is running');
    return this.sim.machine;
  }

  // ---- lifecycle -----------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsBreakpointLocationsRequest: true,
      exceptionBreakpointFilters: this.registry.exceptionFilters.map((f) => ({
        filter: f.kind,
        label: f.label,
        description: f.description,
        default: f.default,
        supportsCondition: true,
        conditionDescription: 'a kstep expression, e.g. resv.f.adds_in_progress > 2',
      })),
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsRestartFrame: true,
      supportsGotoTargetsRequest: true,
      supportsStepInTargetsRequest: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsSetExpression: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: ['.', '['],
      supportsValueFormattingOptions: true,
      supportsDataBreakpoints: true,
      supportsCancelRequest: true,
      supportsDelayedStackTraceLoading: true,
      supportsLoadedSourcesRequest: true,
      supportsSingleThreadExecutionRequests: false,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    // This handler is async: whatever it throws would be an unhandled rejection, which ends the
    // adapter process instead of reaching dispatchRequest's catch. A launch without arguments
    // (or with non-object ones) is a launch without a program.
    try {
      await this.launch(response, typeof args === 'object' && args !== null ? args : {});
    } catch (e) {
      const msg = `launch: ${e instanceof Error ? e.message : String(e)}`;
      if (response.seq === 0) this.sendError(response, 1003, msg, true);
      else this.sendEvent(new OutputEvent(`${msg}\n`, 'stderr'));
    }
  }

  private async launch(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    this.launchArgs = args;
    this.noDebug = args.noDebug === true;
    if (args.trace) logger.setup(Logger.LogLevel.Verbose, false);
    const loaded = this.load(args.program);
    if ('error' in loaded) {
      this.sendError(response, 1001, loaded.error, true);
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.sendEvent(new InitializedEvent());
    // Breakpoints arrive between `initialized` and configurationDone; a client that never configures still starts.
    await Promise.race([this.configDone, new Promise((r) => setTimeout(r, 2000))]);
    this.sendResponse(response);
    this.begin();
  }

  /** Reads and parses the program; on success a fresh machine stands at its first statement. */
  private load(program: string | undefined): { ok: true } | { error: string } {
    if (typeof program !== 'string' || program === '') return { error: "launch needs 'program': the path of a .kstep scenario" };
    const path = resolve(program);
    let source: string;
    try {
      source = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { error: code === 'ENOENT' ? `scenario '${program}' does not exist` : `cannot read scenario '${program}': ${code ?? String(e)}` };
    }
    const { program: parsed, diagnostics } = loadScenario(path, source, this.registry);
    if (diagnostics.length) {
      for (const d of diagnostics) this.sendEvent(new OutputEvent(`${formatDiagnostic(d)}\n`, 'stderr'));
      const first = diagnostics[0] ? formatDiagnostic(diagnostics[0]) : '';
      return { error: `${basename(path)} has ${diagnostics.length} error${diagnostics.length > 1 ? 's' : ''}; nothing was run. ${first}` };
    }
    this.programPath = path;
    this.program = parsed;
    this.sim = this.registry.createSimulation(parsed, {
      history: true,
      output: (text, category) => this.sendEvent(new OutputEvent(`${text}\n`, category)),
    });
    this.atEnd = false;
    this.book.applyAll(parsed, this.sim.machine);
    // The memory view is offered once there is byte-backed state to show.
    if (this.sim.machine.memorySpaceNames().length) {
      this.sendEvent(new CapabilitiesEvent({ supportsReadMemoryRequest: true, supportsWriteMemoryRequest: true }));
    }
    return { ok: true };
  }

  private begin(): void {
    if (this.noDebug) {
      this.machine.breakpoints.setLines([]);
      this.machine.breakpoints.setFunctions([]);
      this.machine.breakpoints.setExceptions([]);
      this.machine.breakpoints.data = [];
      this.run('continue');
    } else if (this.launchArgs.stopOnEntry) this.stopped({ reason: 'entry' });
    else this.run('continue');
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): void {
    // `arguments` (and the whole arguments object) is optional in DAP: without it, restart with the last launch configuration.
    const launch = (args?.arguments ?? this.launchArgs) as LaunchArguments;
    this.launchArgs = { ...this.launchArgs, ...launch };
    this.stopRun();
    const loaded = this.load(this.launchArgs.program);
    if ('error' in loaded) {
      this.sendError(response, 1002, loaded.error, true);
      return;
    }
    this.sendResponse(response);
    this.begin();
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.stopRun();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.stopRun();
    this.sim = undefined;
    this.sendResponse(response);
  }

  private stopRun(): void {
    if (this.sim && this.running) this.sim.machine.pauseRequested = true;
    this.running = false;
  }

  // ---- running -------------------------------------------------------------

  private run(mode: RunMode): void {
    const sim = this.sim;
    if (!sim) return;
    if (this.atEnd && mode === 'continue') {
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const m = sim.machine;
    m.startRun(mode);
    this.running = true;
    const tick = (): void => {
      if (this.sim !== sim || !this.running) return;
      // A slice is bounded by time, not by a count of step points: their cost varies by orders of
      // magnitude (a data breakpoint on a large list reads it at every step point), and a fixed
      // 20,000 slow ones left pause, threads and every other request unanswered for seconds.
      const until = performance.now() + SLICE_MS;
      let stop: Stop | undefined;
      do stop = m.slice(CHUNK);
      while (!stop && performance.now() < until);
      if (!stop) {
        setImmediate(tick);
        return;
      }
      this.stopped(stop);
    };
    setImmediate(tick);
  }

  private stopped(stop: Stop): void {
    this.running = false;
    this.lastStop = stop;
    this.vars.reset();
    this.frameRefs.clear();
    if (stop.reason === 'end') {
      if (this.noDebug || this.atEnd) {
        this.sendEvent(new TerminatedEvent());
        return;
      }
      this.atEnd = true;
      const ev = new StoppedEvent('end', THREAD_ID) as DebugProtocol.StoppedEvent;
      ev.body.allThreadsStopped = true;
      ev.body.description = 'End of the scenario: step back to look again, or continue to finish';
      this.sendEvent(ev);
      return;
    }
    this.atEnd = this.machine.ended;
    const ev = new StoppedEvent(stop.reason, THREAD_ID) as DebugProtocol.StoppedEvent;
    // One simulated run: the VP threads stop with the scenario.
    ev.body.allThreadsStopped = true;
    if (stop.exception) {
      ev.body.description = stop.exception.kind === 'error' ? 'Scenario error' : `Exception: ${stop.exception.kind}`;
      ev.body.text = stop.exception.message;
      if (stop.exception.kind === 'error' || stop.exception.kind === 'bug') {
        this.sendEvent(new OutputEvent(`${basename(this.programPath)}:${stop.exception.line ?? 0}: ${stop.exception.message}\n`, 'stderr'));
      }
    }
    if (stop.breakpointIds) ev.body.hitBreakpointIds = [...stop.breakpointIds];
    this.sendEvent(ev);
  }

  /**
   * An error response whose text is shown exactly. The text goes in as a
   * variable: a `format` is a template, where `{{` stays doubled and a
   * `{_name}` is looked up (and throws without variables).
   */
  private sendError(response: DebugProtocol.Response, id: number, message: string, showUser: boolean): void {
    this.sendErrorResponse(response, { id, format: '{_message}', variables: { _message: message }, showUser });
  }

  private guard<T extends DebugProtocol.Response>(response: T, fn: () => void): void {
    try {
      if (this.running && !['pause', 'cancel', 'threads'].includes(response.command)) {
        throw new UserError('the scenario is running: pause it first');
      }
      // Before launch or after disconnect there is nothing to step: a `next` answered with success would leave the client waiting for a stop.
      if (!this.sim) throw new UserError('no scenario is running');
      fn();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.sendError(response, 2000, msg, e instanceof UserError);
    }
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.guard(response, () => {
      response.body = { allThreadsContinued: true };
      this.sendResponse(response);
      this.run('continue');
    });
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.guard(response, () => {
      this.sendResponse(response);
      this.run('over');
    });
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.guard(response, () => {
      if (args.targetId !== undefined) {
        this.machine.goto(args.targetId);
        this.sendResponse(response);
        this.stopped({ reason: 'step' });
        return;
      }
      this.sendResponse(response);
      this.run('in');
    });
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.guard(response, () => {
      this.sendResponse(response);
      this.run('out');
    });
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.guard(response, () => {
      const stop = this.machine.stepBack();
      this.atEnd = false;
      this.sendResponse(response);
      this.stopped(stop);
    });
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.guard(response, () => {
      const sim = this.sim as Simulation;
      // Replaying a long history backwards takes a while: run it in time slices, like a forward run.
      const scan = this.machine.reverseRun();
      this.atEnd = false;
      this.running = true;
      this.sendResponse(response);
      const tick = (): void => {
        if (this.sim !== sim) return;
        const until = performance.now() + SLICE_MS;
        for (;;) {
          const r = scan.next();
          if (r.done) {
            // After terminate/disconnect the scan ran out on its pause request: nothing to report.
            if (this.running) this.stopped(r.value);
            return;
          }
          if (performance.now() >= until) break;
        }
        setImmediate(tick);
      };
      setImmediate(tick);
    });
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    if (this.sim && this.running) this.sim.machine.pauseRequested = true;
    this.sendResponse(response);
  }

  protected override cancelRequest(response: DebugProtocol.CancelResponse): void {
    // Only a run is long enough to cancel; it stops at the next slice boundary.
    if (this.sim && this.running) this.sim.machine.pauseRequested = true;
    this.sendResponse(response);
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    this.guard(response, () => {
      const stmt = this.program && this.samePath(args.source.path) ? bindLine(statementLines(this.program), args.line) : undefined;
      response.body = {
        targets: stmt ? [{ id: stmt.line, label: `${stmt.line}: ${stmt.text}`, line: stmt.line, column: stmt.range.col }] : [],
      };
      this.sendResponse(response);
    });
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    this.guard(response, () => {
      const m = this.machine;
      const h = m.history;
      const line = args.targetId;
      const origin = m.step;
      const back = h ? h.lastStartOf(line, m.step) : -1;
      if (back >= 0) m.goto(back);
      else if (!m.seekForward((mm) => mm.at === 'stmt' && mm.statement?.line === line, GOTO_FORWARD_LIMIT)) {
        // The search ran the machine forward: a failed goto must leave it where the user is.
        m.goto(origin);
        throw new UserError(`line ${line} does not run again in this scenario`);
      }
      this.atEnd = m.ended;
      this.sendResponse(response);
      this.stopped({ reason: 'goto' });
    });
  }

  protected override restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): void {
    this.guard(response, () => {
      const ref = this.frameRefs.get(args.frameId);
      if (!ref) throw new UserError('that frame is gone: the scenario has moved on');
      if (ref.kind === 'thread') throw new UserError(`the ${ref.view.name} thread has no frame to restart: restart a kernel or scenario frame`);
      const m = this.machine;
      if (ref.kind === 'kernel') m.goto(ref.frame.enteredAt);
      else if (ref.index === 0) m.goto(0);
      else {
        const call = m.control.scenarioFrames()[ref.index - 1]?.at;
        const k = call && m.history ? m.history.lastStartOf(call.stmt.line, m.step) : -1;
        m.goto(Math.max(0, k));
      }
      this.atEnd = false;
      this.sendResponse(response);
      this.stopped({ reason: 'restart' as Stop['reason'] });
    });
  }

  protected override stepInTargetsRequest(response: DebugProtocol.StepInTargetsResponse): void {
    this.guard(response, () => {
      const m = this.machine;
      const origin = m.step;
      const depth = m.depth();
      const targets: DebugProtocol.StepInTarget[] = [];
      // Frames already on the stack are not entered by this step: stepping "into" one would go back to its start.
      const seen = new Set<Frame>(m.frames);
      const calls = m.control.callDepth;
      let procEntered = false;
      // The run is deterministic: look ahead through the statement, then come back.
      m.seekForward((mm) => {
        // `call p` steps into the proc itself before any kernel function inside it.
        if (!procEntered && mm.at === 'stmt' && mm.control.callDepth > calls) {
          procEntered = true;
          const name = mm.control.scenarioFrames().pop()?.name ?? 'proc';
          targets.push({ id: mm.step, label: `${name}() — proc`, line: mm.statement?.line ?? 0 });
        }
        for (const f of mm.frames) {
          if (seen.has(f)) continue;
          seen.add(f);
          targets.push({ id: f.enteredAt, label: callLabel(f), line: f.line });
        }
        return mm.depth() <= depth || mm.at === 'end';
      });
      m.goto(origin);
      response.body = { targets };
      this.sendResponse(response);
    });
  }

  // ---- breakpoints ---------------------------------------------------------

  private samePath(p: string | undefined): boolean {
    return p !== undefined && resolve(p) === this.programPath;
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    if (!this.samePath(args.source.path)) {
      response.body = {
        breakpoints: (args.breakpoints ?? []).map((b) => unverified(b.line, 'not the scenario being debugged', this.book.freshId())),
      };
      this.sendResponse(response);
      return;
    }
    response.body = { breakpoints: this.book.setLines(args.breakpoints ?? [], this.program, this.sim?.machine) };
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const end = args.endLine ?? args.line;
    const stmts = this.program && this.samePath(args.source.path) ? statementLines(this.program) : [];
    response.body = {
      breakpoints: stmts.filter((s) => s.line >= args.line && s.line <= end).map((s) => ({ line: s.line, column: s.range.col })),
    };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    response.body = { breakpoints: this.book.setFunctions(args.breakpoints, this.sim?.machine) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    response.body = { breakpoints: this.book.setExceptions(args, this.sim?.machine) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const exc = this.lastStop?.exception;
    if (!exc) {
      this.sendErrorResponse(response, { id: 2001, format: 'not stopped on an exception', showUser: false });
      return;
    }
    const stack = this.sim ? this.sim.machine.frames.map((f) => `${f.fn.name} (${f.fn.source.path}:${f.line})`).reverse().join('\n') : '';
    response.body = {
      exceptionId: exc.kind,
      description: exc.message,
      breakMode: exc.kind === 'expect' || exc.kind === 'bug' ? 'always' : 'userUnhandled',
      details: {
        message: exc.message,
        typeName: exc.kind,
        ...(stack ? { stackTrace: stack } : {}),
        ...(exc.details
          ? { innerException: Object.entries(exc.details).map(([k, v]) => ({ message: `${k} = ${formatValue(v)}`, typeName: k })) }
          : {}),
      },
    };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    let path: string | undefined;
    if (args.variablesReference !== undefined && args.variablesReference > 0) {
      const h = this.vars.get(args.variablesReference);
      if (h && h.path !== 'frame' && !h.path.startsWith('frame.') && !h.path.startsWith('frame[')) {
        path = h.node.kind === 'list' ? `${h.path}${args.name}` : childPath(h.path, args.name);
      }
    } else path = args.name;
    const ok = path !== undefined && this.sim !== undefined && this.tryResolve(path);
    response.body = ok
      ? { dataId: path as string, description: `when ${path} changes`, accessTypes: ['write'], canPersist: true }
      : { dataId: null, description: path ? `${path} is not a state path that can be watched` : 'locals of a kernel frame cannot be watched: watch the state they change instead' };
    this.sendResponse(response);
  }

  /** The state node at a path, or undefined when it does not resolve here. */
  private tryNode(path: string): StateNode | undefined {
    const e = parseExpression(path);
    if ('error' in e || !this.sim) return undefined;
    try {
      const r = evalRef(this.sim.machine, e);
      return 'node' in r ? r.node : undefined;
    } catch {
      return undefined;
    }
  }

  private tryResolve(path: string): boolean {
    const e = parseExpression(path);
    if ('error' in e || !this.sim) return false;
    try {
      evalRef(this.sim.machine, e);
      return true;
    } catch {
      return false;
    }
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    response.body = { breakpoints: this.book.setData(args.breakpoints, this.sim?.machine) };
    this.sendResponse(response);
  }

  // ---- threads, stack, scopes, variables -----------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const threads: DebugProtocol.Thread[] = [{ id: THREAD_ID, name: 'scenario' }];
    this.mechanismThreads().forEach((t, i) => threads.push({ id: MECHANISM_THREAD_BASE + i, name: t.name }));
    response.body = { threads };
    this.sendResponse(response);
  }

  private mechanismThreads(): ThreadView[] {
    return this.sim?.threads() ?? [];
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guard(response, () => {
      const m = this.machine;
      const all: DebugProtocol.StackFrame[] = [];
      // Frame ids stay valid until the next stop, across the threads' stack traces.
      let id = this.frameRefs.size + 1;
      const k = args.threadId - MECHANISM_THREAD_BASE;
      if (k >= 0) {
        const view = this.mechanismThreads()[k];
        if (!view) throw new UserError(`no thread ${args.threadId}`);
        const stmt = m.statement;
        // A mechanism's thread stands where the scenario stands: one frame, whose scopes are its state.
        this.frameRefs.set(id, { kind: 'thread', view });
        response.body = {
          stackFrames: [{ id, name: view.name, source: { name: basename(this.programPath), path: this.programPath }, line: stmt?.line ?? 1, column: stmt?.range.col ?? 1 }],
          totalFrames: 1,
        };
        this.sendResponse(response);
        return;
      }
      for (let i = m.frames.length - 1; i >= 0; i--) {
        const f = m.frames[i] as Frame;
        const ref = this.sourceRefOf.get(f.fn.source) ?? 0;
        this.frameRefs.set(id, { kind: 'kernel', frame: f });
        all.push({
          id: id++,
          name: callLabel(f),
          source: { name: basename(f.fn.source.path), path: `kstep-kernel:/${f.fn.source.path}`, sourceReference: ref, origin: 'simulated kernel source' },
          line: f.line,
          column: 1,
        });
      }
      const sframes = m.control.scenarioFrames();
      for (let i = sframes.length - 1; i >= 0; i--) {
        const sf = sframes[i] as { name: string; at: { stmt: StatementRef } | undefined };
        const stmt = i === sframes.length - 1 ? (m.statement ?? sf.at?.stmt) : sf.at?.stmt;
        this.frameRefs.set(id, { kind: 'scenario', index: i, stmt });
        all.push({
          id: id++,
          name: i === 0 ? basename(this.programPath) : `${sf.name}()`,
          source: { name: basename(this.programPath), path: this.programPath },
          line: stmt?.line ?? 1,
          column: stmt?.range.col ?? 1,
        });
      }
      const start = args.startFrame ?? 0;
      const levels = args.levels && args.levels > 0 ? args.levels : all.length;
      response.body = { stackFrames: all.slice(start, start + levels), totalFrames: all.length };
      this.sendResponse(response);
    });
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      const m = this.machine;
      const scopes: DebugProtocol.Scope[] = [];
      const ref = this.frameRefs.get(args.frameId);
      if (ref?.kind === 'kernel') {
        const node = frameNode(ref.frame);
        scopes.push({ name: `Locals: ${ref.frame.fn.name}`, presentationHint: 'locals', variablesReference: this.vars.add(node, 'frame'), expensive: false });
      }
      if (ref?.kind === 'thread') {
        for (const sc of ref.view.scopes) {
          const node = this.tryNode(sc.path);
          if (node) scopes.push({ name: sc.name, variablesReference: this.vars.add(node, sc.path), expensive: false, ...(sc.hint ? { presentationHint: sc.hint } : {}) });
        }
      }
      // VS Code opens the first scope: put the mechanisms this scenario uses first, and leave out
      // the ones it has not touched (their roots still answer in watch and the console).
      const rank = (s: (typeof this.registry.scopes)[number]): number => {
        if (s.roots.includes('last') || s.roots.includes('time')) return 3;
        const active = s.roots.map((r) => m.rootActive(r));
        if (active.includes(true)) return 0;
        return active.every((a) => a === false) ? 2 : 1;
      };
      for (const s of [...this.registry.scopes].filter((sc) => rank(sc) !== 2).sort((a, b) => rank(a) - rank(b))) {
        const roots = s.roots.filter((r) => m.root(r));
        if (!roots.length) continue;
        let node: StateNode;
        let path: string;
        if (roots.length === 1) {
          node = m.root(roots[0] as string) as StateNode;
          path = roots[0] as string;
        } else {
          node = fixedRecord(Object.fromEntries(roots.map((r) => [r, m.root(r) as StateNode])));
          path = '';
        }
        scopes.push({
          name: s.name,
          variablesReference: this.vars.add(node, path),
          expensive: false,
          ...(s.hint ? { presentationHint: s.hint } : {}),
          ...(node.kind === 'record' ? { namedVariables: node.keys().length } : {}),
        });
      }
      response.body = { scopes };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      response.body = { variables: this.vars.children(args.variablesReference, args.filter, args.start ?? 0, args.count ?? 0, args.format?.hex ?? this.hexDefault) };
      this.sendResponse(response);
    });
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guard(response, () => {
      const h = this.vars.get(args.variablesReference);
      if (!h) throw new UserError('that variable is gone: the scenario has moved on');
      const path = h.node.kind === 'list' ? `${h.path}${args.name}` : childPath(h.path, args.name);
      const v = this.assign(path, args.value);
      response.body = { value: formatValue(v, (args.format?.hex ?? this.hexDefault) ? 'hex' : 'dec') };
      this.sendResponse(response);
      this.sendEvent(new InvalidatedEvent(['variables']));
    });
  }

  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    this.guard(response, () => {
      const v = this.assign(args.expression, args.value);
      response.body = { value: formatValue(v, (args.format?.hex ?? this.hexDefault) ? 'hex' : 'dec') };
      this.sendResponse(response);
      this.sendEvent(new InvalidatedEvent(['variables']));
    });
  }

  /** Changes a writable state value as a step in history, so stepping back undoes it. */
  private assign(path: string, valueText: string): Value {
    const m = this.machine;
    if (path === 'frame' || path.startsWith('frame.') || path.startsWith('frame[')) throw new UserError('locals of a kernel frame are read-only: change the state they come from');
    const target = parseExpression(path);
    if ('error' in target) throw new UserError(target.error);
    const valueExpr = parseExpression(valueText);
    if ('error' in valueExpr) throw new UserError(valueExpr.error);
    const node = evalRef(m, target);
    if (!('node' in node) || !writable(node.node)) throw new UserError(`${path} cannot be changed from the debugger`);
    const v = plainValue(evalRef(m, valueExpr));
    m.inject({
      text: `${path} = ${valueText}`,
      apply: () => {
        const n = evalRef(m, target);
        if ('node' in n) writable(n.node)?.(v);
      },
    });
    return plainValue(evalRef(m, target));
  }

  // ---- evaluate, completions, sources -------------------------------------

  /** The evaluation environment: the state tree, plus `frame` for the selected kernel frame's arguments and locals. */
  private env(frameId: number | undefined): EvalEnv {
    const m = this.machine;
    const ref = frameId !== undefined ? this.frameRefs.get(frameId) : undefined;
    // `frame` is the selected kernel frame; a scenario frame has none.
    const fr = ref ? (ref.kind === 'kernel' ? ref.frame : undefined) : m.frames[m.frames.length - 1];
    return {
      root: (name) => (name === 'frame' ? (fr ? frameNode(fr) : undefined) : m.root(name)),
    };
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.guard(response, () => {
      const text = args.expression.trim();
      if (args.context === 'repl' && isStatementLine(text, this.registry)) {
        this.runStatement(response, text);
        return;
      }
      const e = parseExpression(text);
      if ('error' in e) throw new UserError(e.error);
      const r = evalRef(this.env(args.frameId), e);
      if (args.context === 'hover' && 'value' in r && r.value instanceof Sym && r.value.num === undefined) {
        throw new UserError(`${text} is not a state path or a constant`);
      }
      const hex = args.format?.hex ?? this.hexDefault;
      const node = 'node' in r ? r.node : valueNode(r.value);
      const v = this.vars.variable(text, node, text, hex);
      response.body = {
        result: v.value,
        variablesReference: v.variablesReference,
        ...(v.indexedVariables !== undefined ? { indexedVariables: v.indexedVariables } : {}),
        ...(v.namedVariables !== undefined ? { namedVariables: v.namedVariables } : {}),
        ...(v.type ? { type: v.type } : {}),
        ...(v.memoryReference ? { memoryReference: v.memoryReference } : {}),
        ...('node' in r && writable(r.node) ? {} : { presentationHint: { attributes: ['readOnly'] } }),
      };
      this.sendResponse(response);
    });
  }

  private runStatement(response: DebugProtocol.EvaluateResponse, text: string): void {
    const sim = this.sim;
    if (!sim) throw new UserError('no scenario is running');
    const c = compileLine(sim, text);
    if ('error' in c) throw new UserError(c.error);
    const m = sim.machine;
    const lastBefore = m.last;
    m.inject({
      text,
      apply: () => {
        const g = c.exec(m);
        if (typeof g === 'object') m.drain(g);
      },
    });
    const exc = m.exception;
    const result = exc ? exc.message : m.last !== lastBefore ? `last = ${formatValue(m.last)}` : 'done';
    response.body = { result, variablesReference: 0 };
    this.sendResponse(response);
    // The statement is a new step point in history: every view must be read again.
    this.vars.reset();
    this.sendEvent(new InvalidatedEvent(['all']));
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const before = args.text.slice(0, Math.max(0, args.column - 1));
    const m = this.sim?.machine;
    const targets = m ? consoleCompletions(before, this.env(args.frameId), [...m.rootNames(), ...(m.frames.length ? ['frame'] : [])], this.registry.verbs.words) : [];
    response.body = { targets };
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.guard(response, () => {
      const ref = parseMemoryRef(args.memoryReference, args.offset ?? 0);
      const space = ref ? this.machine.memorySpace(ref.space) : undefined;
      if (!ref || !space) throw new UserError(`'${args.memoryReference}' is not a memory reference of this scenario`);
      const count = Math.max(0, Math.min(MAX_READ, Math.trunc(args.count)));
      const bytes = space.read(ref.address, count);
      response.body = { address: `0x${ref.address.toString(16)}`, data: Buffer.from(bytes).toString('base64'), unreadableBytes: 0 };
      this.sendResponse(response);
    });
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.guard(response, () => {
      const ref = parseMemoryRef(args.memoryReference, args.offset ?? 0);
      const m = this.machine;
      const space = ref ? m.memorySpace(ref.space) : undefined;
      if (!ref || !space) throw new UserError(`'${args.memoryReference}' is not a memory reference of this scenario`);
      const bytes = new Uint8Array(Buffer.from(args.data, 'base64'));
      // A step in history like any other change from the debugger: stepping back undoes it.
      m.inject({ text: `write ${bytes.length} bytes at ${ref.space}:0x${ref.address.toString(16)}`, apply: () => space.write(ref.address, bytes) });
      response.body = { bytesWritten: bytes.length };
      this.sendResponse(response);
      this.sendEvent(new MemoryEvent(args.memoryReference, args.offset ?? 0, bytes.length));
      this.sendEvent(new InvalidatedEvent(['variables']));
    });
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const src = this.sourceRefs.get(args.source?.sourceReference ?? args.sourceReference);
    if (src) {
      response.body = { content: src.lines.join('\n'), mimeType: 'text/x-c' };
      this.sendResponse(response);
      return;
    }
    if (this.samePath(args.source?.path) && this.program) {
      response.body = { content: this.program.lines.join('\n') };
      this.sendResponse(response);
      return;
    }
    this.sendErrorResponse(response, { id: 2002, format: 'no such source', showUser: false });
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = {
      sources: [
        ...(this.programPath ? [{ name: basename(this.programPath), path: this.programPath }] : []),
        ...[...this.sourceRefs].map(([ref, s]) => ({ name: basename(s.path), path: `kstep-kernel:/${s.path}`, sourceReference: ref, origin: 'simulated kernel source' })),
      ],
    };
    this.sendResponse(response);
  }

  /** Unknown or malformed requests get an error response; the session goes on. */
  /**
   * Requests of kstep's own extension: the state picture's data, recent
   * `last` results for inline values, and the Variables view's hex toggle.
   */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    switch (command) {
      case 'kstep/picture':
        this.guard(response, () => {
          if (!this.sim) throw new UserError('no scenario is running');
          response.body = pictureOf(this.sim);
          this.sendResponse(response);
        });
        return;
      case 'kstep/recentResults':
        this.guard(response, () => {
          const path = (args as { path?: unknown } | undefined)?.path;
          response.body = { results: typeof path === 'string' && !this.samePath(path) ? [] : recentResults(this.machine) };
          this.sendResponse(response);
        });
        return;
      case 'kstep/setFormat': {
        const hex = (args as { hex?: unknown } | undefined)?.hex;
        this.hexDefault = typeof hex === 'boolean' ? hex : undefined;
        this.sendResponse(response);
        this.sendEvent(new InvalidatedEvent(['variables']));
        return;
      }
      default:
        super.customRequest(command, response, args);
    }
  }

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    try {
      super.dispatchRequest(request);
    } catch (e) {
      const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: false };
      this.sendErrorResponse(response, { id: 2003, format: `${request.command}: ${(e as Error).message}`.replace(/[{}]/g, ''), showUser: false });
    }
  }
}
