import { basename } from 'node:path';
import { CapabilitiesEvent, DebugSession, InitializedEvent, OutputEvent, Response, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Registry } from '../sim';
import { checkStop, DEFAULT_MAX_STEPS, formatDiagnostic, loadScenario, MAX_SCENARIO_BYTES, parseKernel, readScenarioFile, REGISTRY } from '../sim';
import { BREAKPOINT_ROUTES } from './breakpoint_requests';
import { SessionContext } from './context';
import { INSPECTION_ROUTES } from './inspection';
import { HISTORY_ROUTES } from './history_requests';
import { locatable, LOCATION_ROUTES } from './value_locations';
import { MEMORY_ROUTES } from './memory';
import type { FramingProblem } from './framing';
import type { Outcome, Route, Routes } from './routes';
import { always, andThen, Reply, UserError } from './routes';
import { run, RUN_CONTROL_ROUTES, stopped, stopRun } from './run_control';
import { scrubErrorResponse } from './scrub';
import { afterStep, mayQueue } from './step_queue';
import { SOURCE_ROUTES } from './sources';
import { programPath } from './program_path';

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The scenario to run. */
  program?: string;
  /**
   * The scenario's text, read by the client: the web extension host has no
   * file system for the adapter, so the extension reads the file and sends
   * it here. `program` still names it (stack frames, breakpoints).
   */
  source?: string;
  stopOnEntry?: boolean;
  /** Log the DAP traffic to the Debug Console. */
  trace?: boolean;
  /** The step budget: a run stops with an error after this many step points. */
  maxSteps?: number;
  /** The work budget: a run stops with an error after its statements worked through this many pages or bytes. */
  maxWork?: number;
  /** Addresses, PFNs, masks and registers in hex (the default) or every value in decimal: the `kstep.hexDefault` setting. */
  hex?: boolean;
  /** `before=004`: the kernel before that reference patch (the `-` side of its diff); the default is the patched kernel. */
  kernel?: string;
}

/** A scenario's text from the launch configuration, held to the limits of a file read from disk. */
function givenSource(source: unknown, shown: string): { source: string } | { error: string } {
  if (typeof source !== 'string') return { error: `'source' must be the text of scenario '${shown}', not ${typeof source}` };
  const bytes = new TextEncoder().encode(source).length;
  if (bytes > MAX_SCENARIO_BYTES) return { error: `scenario '${shown}' is ${bytes} bytes: a scenario may be at most ${MAX_SCENARIO_BYTES} bytes` };
  return { source };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The kstep debug adapter: a DAP session over one simulated run. Everything
 * it shows is read from the machine's state tree; everything it changes goes
 * through the machine's history, so stepping back undoes it.
 *
 * The session is a routing table and the lifecycle of a run (launch, restart,
 * terminate, disconnect). Each request's handler lives with its concern and
 * returns the response body; one wrapper here sends it, or the error.
 */
export class KstepSession extends DebugSession {
  private readonly ctx: SessionContext;
  /**
   * This session's `trace: true`: its own traffic goes to its own Debug
   * Console. (The library's logger is one per process: every session's
   * traffic would reach whichever client asked for a trace last.)
   */
  private trace = false;
  /** Messages that could not be taken as requests (see FrameGuard). */
  protocolProblems = 0;
  private readonly routes: ReadonlyMap<string, Route>;
  private launchArgs: LaunchArguments = {};
  private configured!: () => void;
  private readonly configDone = new Promise<void>((r) => (this.configured = r));

  /** `registry`: the mechanisms to simulate; a test may add one of its own. */
  constructor(registry: Registry = REGISTRY) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.ctx = new SessionContext(registry, (e) => this.sendEvent(e));
    this.ctx.vars.locatable = (path) => locatable(this.ctx, path);
    const lifecycle: Routes = {
      launch: always((_ctx, args: LaunchArguments) => this.launch(typeof args === 'object' && args !== null ? args : {})),
      configurationDone: always(() => {
        this.configured();
        return undefined;
      }),
      restart: always((_ctx, args: DebugProtocol.RestartArguments) => this.restart(args)),
      terminate: always((ctx) => {
        stopRun(ctx);
        return andThen(undefined, () => ctx.send(new TerminatedEvent()));
      }),
      disconnect: always(() => {
        this.end();
        return undefined;
      }),
    };
    this.routes = new Map(Object.entries({ ...lifecycle, ...RUN_CONTROL_ROUTES, ...INSPECTION_ROUTES, ...BREAKPOINT_ROUTES, ...SOURCE_ROUTES, ...MEMORY_ROUTES, ...HISTORY_ROUTES, ...LOCATION_ROUTES }));
  }
  /** Ends the session's run and drops its machine: on disconnect, and when the client's connection goes away without one. */
  end(): void {
    stopRun(this.ctx);
    this.ctx.sim = undefined;
  }


  // ---- dispatch ------------------------------------------------------------

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    this.traceLine(() => `From client: ${String(request.command)}(${JSON.stringify(request.arguments) ?? ''})`);
    try {
      if (request.command === 'initialize' && (typeof request.arguments !== 'object' || request.arguments === null)) {
        // The library would read its fields and answer the TypeError with its stack.
        throw new Error('needs its arguments: an object with adapterID');
      }
      const route = typeof request.command === 'string' ? this.routes.get(request.command) : undefined;
      if (!route) {
        // initialize (the base class reads the client's line and path conventions from it), requests
        // kstep does not support and unknown commands: the base class answers them.
        super.dispatchRequest(request);
        return;
      }
      this.answer(new Response(request), () => {
        // A step behind a running step waits for its stop (a held F11), instead of "pause it first".
        if (route.needsStop && mayQueue(this.ctx, request.command)) {
          return afterStep(this.ctx).then(() => {
            this.ctx.requireStopped();
            return route.handle(this.ctx, request.arguments);
          });
        }
        if (route.needsStop) this.ctx.requireStopped();
        return route.handle(this.ctx, request.arguments);
      });
    } catch (e) {
      const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: false };
      this.sendErrorResponse(response, { id: 2003, format: `${request.command}: ${messageOf(e)}`.replace(/[{}]/g, ''), showUser: false });
    }
  }

  override sendResponse(response: DebugProtocol.Response): void {
    // Every failure, whoever built it (a handler, the library's own catch), goes out without a stack or install path.
    scrubErrorResponse(response);
    this.traceLine(() => `To client: ${JSON.stringify(response)}`);
    super.sendResponse(response);
  }

  override sendEvent(event: DebugProtocol.Event): void {
    this.traceLine(() => `To client: ${JSON.stringify(event)}`);
    super.sendEvent(event);
  }

  /** One line of this session's trace, straight to its own client; the text is built only when tracing. */
  private traceLine(text: () => string): void {
    if (this.trace) super.sendEvent(new OutputEvent(`${text()}\n`, 'console'));
  }

  /**
   * A message that was not a request: told on `report` (stderr) and on the
   * Debug Console, and answered with an error when its seq and command
   * could be read, so the client is not left waiting.
   */
  protocolProblem(p: FramingProblem, report: (line: string) => void): void {
    this.protocolProblems++;
    const line = `kstep dap: ${p.message}`;
    report(line);
    this.sendEvent(new OutputEvent(`${line}\n`, 'stderr'));
    if (p.seq !== undefined && p.command !== undefined) {
      const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: p.seq, command: p.command, success: false };
      this.sendErrorResponse(response, { id: 2004, format: '{_message}', variables: { _message: `not a request kstep can read: ${p.message}` }, showUser: false });
    }
  }

  /** Sends what a handler produced: its body and then what follows it, or its error. */
  private answer(response: DebugProtocol.Response, handle: () => Outcome | Promise<Outcome>): void {
    let outcome: Outcome | Promise<Outcome>;
    try {
      outcome = handle();
    } catch (e) {
      this.refuse(response, e);
      return;
    }
    if (!(outcome instanceof Promise)) {
      this.reply(response, outcome);
      return;
    }
    // Whatever an async handler throws must become a response: a rejection nobody handles ends the adapter process.
    outcome.then(
      (o) => this.reply(response, o),
      (e: unknown) => this.refuse(response, e),
    ).catch((e: unknown) => this.sendEvent(new OutputEvent(`${response.command}: ${messageOf(e)}\n`, 'stderr')));
  }

  private reply(response: DebugProtocol.Response, outcome: Outcome): void {
    const body = outcome instanceof Reply ? outcome.body : outcome;
    if (body !== undefined) response.body = body;
    this.sendResponse(response);
    if (outcome instanceof Reply) this.follow(response, outcome.after);
  }

  /**
   * An error response whose text is shown exactly. The text goes in as a
   * variable: a `format` is a template, where `{{` stays doubled and a
   * `{_name}` is looked up (and throws without variables).
   */
  private refuse(response: DebugProtocol.Response, e: unknown): void {
    const user = e instanceof UserError ? e : undefined;
    this.sendErrorResponse(response, { id: user?.id ?? 2000, format: '{_message}', variables: { _message: messageOf(e) }, showUser: user?.showUser ?? false });
    if (user?.after) this.follow(response, user.after);
  }

  /** The response is out: a failure now can only be told on the Debug Console. */
  private follow(response: DebugProtocol.Response, after: () => void): void {
    try {
      after();
    } catch (e) {
      this.sendEvent(new OutputEvent(`${response.command}: ${messageOf(e)}\n`, 'stderr'));
    }
  }

  // ---- lifecycle -----------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    this.answer(response, () => this.capabilities());
  }

  private capabilities(): DebugProtocol.Capabilities {
    return {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsBreakpointLocationsRequest: true,
      exceptionBreakpointFilters: this.ctx.registry.exceptionFilters.map((f) => ({
        filter: f.kind,
        label: f.label,
        description: f.description,
        default: f.default,
        supportsCondition: true,
        conditionDescription: 'a kstep expression over the state, e.g. time.ns >= 1000',
      })),
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsStepBack: true,
      supportsSteppingGranularity: true,
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
      // Off: VS Code then asks for 20 frames at once and knows a shorter stack is complete, where with delayed
      // loading it asks for one, then shows "Load More Stack Frames" until a second request it may never send.
      supportsDelayedStackTraceLoading: false,
      supportsLoadedSourcesRequest: true,
      supportsSingleThreadExecutionRequests: false,
    };
  }

  private async launch(args: LaunchArguments): Promise<Reply> {
    try {
      this.launchArgs = args;
      this.ctx.noDebug = args.noDebug === true;
      this.trace = args.trace === true;
      if (typeof args.hex === 'boolean') this.ctx.hexDefault = args.hex;
      const loaded = this.load(args.program);
      if ('error' in loaded) throw new UserError(loaded.error, { id: 1001, after: () => this.ctx.send(new TerminatedEvent()) });
      this.ctx.send(new InitializedEvent());
      // Breakpoints arrive between `initialized` and configurationDone; a client that never configures still starts.
      await Promise.race([this.configDone, new Promise((r) => setTimeout(r, 2000))]);
      return andThen(undefined, () => this.begin());
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`launch: ${messageOf(e)}`, { id: 1003 });
    }
  }

  private restart(args: DebugProtocol.RestartArguments | undefined): Reply {
    // `arguments` (and the whole arguments object) is optional in DAP: without it, restart with the last launch configuration.
    const launch = (args?.arguments ?? this.launchArgs) as LaunchArguments;
    this.launchArgs = { ...this.launchArgs, ...launch };
    // The text belongs to the configuration that carried it: new arguments without it name a file to read.
    if (args?.arguments && !('source' in args.arguments)) delete this.launchArgs.source;
    stopRun(this.ctx);
    const loaded = this.load(this.launchArgs.program);
    if ('error' in loaded) throw new UserError(loaded.error, { id: 1002 });
    return andThen(undefined, () => this.begin());
  }

  /** Reads and parses the program; on success a fresh machine stands at its first statement. */
  private load(program: string | undefined): { ok: true } | { error: string } {
    const ctx = this.ctx;
    if (typeof program !== 'string' || program === '') return { error: "launch needs 'program': the path of a .kstep scenario" };
    const path = programPath(program);
    const read = this.launchArgs.source === undefined ? readScenarioFile(path, program) : givenSource(this.launchArgs.source, program);
    if ('error' in read) return read;
    const source = read.source;
    const { program: parsed, diagnostics, warnings } = loadScenario(path, source, ctx.registry);
    for (const d of warnings ?? []) ctx.send(new OutputEvent(`${formatDiagnostic(d)}\n`, 'console'));
    if (diagnostics.length) {
      for (const d of diagnostics) ctx.send(new OutputEvent(`${formatDiagnostic(d)}\n`, 'stderr'));
      const first = diagnostics[0] ? formatDiagnostic(diagnostics[0]) : '';
      return { error: `${basename(path)} has ${diagnostics.length} error${diagnostics.length > 1 ? 's' : ''}; nothing was run. ${first}` };
    }
    ctx.programPath = path;
    ctx.program = parsed;
    const max = this.launchArgs.maxSteps;
    if (max !== undefined && !(typeof max === 'number' && Number.isSafeInteger(max) && max > 0)) {
      return { error: `maxSteps must be a positive whole number, not ${JSON.stringify(max)}` };
    }
    const maxWork = this.launchArgs.maxWork;
    if (maxWork !== undefined && !(typeof maxWork === 'number' && Number.isSafeInteger(maxWork) && maxWork > 0)) {
      return { error: `maxWork must be a positive whole number, not ${JSON.stringify(maxWork)}` };
    }
    const kernel = this.launchArgs.kernel === undefined ? {} : parseKernel(String(this.launchArgs.kernel));
    if (typeof kernel === 'string') return { error: `kernel: ${kernel}` };
    ctx.timeline++;
    ctx.sim = ctx.registry.createSimulation(parsed, {
      ...(this.launchArgs.kernel === undefined ? {} : { kernel }),
      history: true,
      maxSteps: max ?? DEFAULT_MAX_STEPS,
      ...(maxWork !== undefined ? { maxWork } : {}),
      output: (text, category) => ctx.send(new OutputEvent(`${text}\n`, category)),
    });
    ctx.atEnd = false;
    ctx.book.applyAll(parsed, ctx.sim.machine);
    // The memory view is offered once there is byte-backed state to show.
    if (ctx.sim.machine.memorySpaceNames().length) {
      ctx.send(new CapabilitiesEvent({ supportsReadMemoryRequest: true, supportsWriteMemoryRequest: true }));
    }
    return { ok: true };
  }

  private begin(): void {
    const ctx = this.ctx;
    if (ctx.noDebug) {
      const bps = ctx.machine.breakpoints;
      bps.setLines([]);
      bps.setFunctions([]);
      bps.setExceptions([]);
      bps.data = [];
      run(ctx, 'continue');
    } else if (this.launchArgs.stopOnEntry) stopped(ctx, { reason: 'entry' });
    else {
      // A continue leaves its starting point before it looks for breakpoints: one on the first statement is
      // looked for here.
      const here = checkStop(ctx.machine, true);
      if (here) stopped(ctx, here);
      else run(ctx, 'continue');
    }
  }
}
