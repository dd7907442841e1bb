import { basename } from 'node:path';
import { OutputEvent, StoppedEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { KernelFn, Machine, RunMode, Stop } from '../sim';
import { thrownException } from '../sim';
import { bindLine } from './breakpoints';
import type { SessionContext } from './context';
import { THREAD_ID } from './context';
import type { Reply, Routes } from './routes';
import { always, andThen, UserError, whenStopped } from './routes';
import { entered, PROC_TARGET, stepInTargetList, targetFn } from './step_in_targets';
import { endDescription } from './end_reason';
import { dropQueued, runStarts, runStopped } from './step_queue';

/** How long a slice of a run may take before the adapter looks at its inbox again (pause, cancel). */
const SLICE_MS = 10;
/** Step points between looks at the clock during a slice. */
const CHUNK = 256;
/** How far `goto` searches forward for a line that has not run yet. */
const GOTO_FORWARD_LIMIT = 10_000_000;

/**
 * Drives a run in time slices, so that pause, cancel and every other request
 * are answered between them, and reports its stop. `advance` does a bounded
 * piece of the run and returns the stop once there is one.
 *
 * A run the session gave up on (terminate, restart) is dropped at the next
 * slice, unless `finish`: a reverse scan must run to its end, which puts the
 * machine back where the scan started; its stop is then not reported.
 */
function sliced(ctx: SessionContext, advance: () => (Stop & { readonly description?: string }) | undefined, finish: boolean, now = false): void {
  const sim = ctx.sim;
  ctx.running = true;
  const tick = (): void => {
    if (ctx.sim !== sim || (!finish && !ctx.running)) return;
    // A slice is bounded by time, not by a count of step points: their cost varies by orders of
    // magnitude (a data breakpoint on a large list reads it at every step point), and a fixed
    // 20,000 slow ones left pause, threads and every other request unanswered for seconds.
    const until = performance.now() + SLICE_MS;
    let stop: (Stop & { readonly description?: string }) | undefined;
    try {
      do stop = advance();
      while (!stop && performance.now() < until);
    } catch (e) {
      // The engine turns a throw inside a statement into an exception; this is one outside (a watch, a
      // reverse scan). Thrown from setImmediate it would reach the extension host: it stops this session only.
      stop = { reason: 'exception', exception: thrownException(e, sim?.machine.statement?.line) };
    }
    if (!stop) setImmediate(tick);
    else if (ctx.running) stopped(ctx, stop);
  };
  // A step's first slice runs at once, after its response: most steps stop within it, and the stopped event
  // then leaves in the same write as the response (server.ts) instead of an event-loop turn later.
  if (now) tick();
  else setImmediate(tick);
}

/**
 * A search through the future (goto forward) in time slices like a run: other requests and sessions are served
 * between slices, and while it goes the session counts as running (requests
 * that need a stop are refused, pause and terminate are heard). `advance`
 * does a bounded piece and returns the result once there is one. Resolves
 * with it, or with undefined when a pause, terminate or disconnect cut it off.
 */
export function search<T>(ctx: SessionContext, advance: () => T | undefined): Promise<T | undefined> {
  const sim = ctx.simulation;
  const m = sim.machine;
  ctx.running = true;
  m.pauseRequested = false;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (ctx.sim !== sim || !ctx.running || m.pauseRequested) {
        m.pauseRequested = false;
        if (ctx.sim === sim) ctx.running = false;
        resolve(undefined);
        return;
      }
      const until = performance.now() + SLICE_MS;
      let r: T | undefined;
      try {
        do r = advance();
        while (r === undefined && performance.now() < until);
      } catch (e) {
        ctx.running = false;
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      if (r === undefined) setImmediate(tick);
      else {
        ctx.running = false;
        resolve(r);
      }
    };
    setImmediate(tick);
  });
}

/** After a search was cut off: the machine goes back where the user was, if the session still has it. */
export function interrupted(ctx: SessionContext, sim: unknown, m: Machine, origin: number, what: string): UserError {
  if (ctx.sim === sim) m.goto(origin);
  return new UserError(`${what} was interrupted`);
}

/** Runs forward from the current step point until the mode's stop, a breakpoint or the end. */
export function run(ctx: SessionContext, mode: RunMode): void {
  const sim = ctx.sim;
  if (!sim) return;
  if (ctx.atEnd && mode === 'continue') {
    ctx.send(new TerminatedEvent());
    return;
  }
  const m = sim.machine;
  m.startRun(mode);
  runStarts(ctx, mode !== 'continue');
  sliced(ctx, () => m.slice(CHUNK), false, true);
}

/** Ends a run in progress: it stops at its next step point and nobody hears of it. */
export function stopRun(ctx: SessionContext): void {
  if (ctx.sim && ctx.running) ctx.sim.machine.pauseRequested = true;
  ctx.running = false;
  dropQueued(ctx, 'the run was given up before this step could start');
}

/** Reports a stop; the frame and variable ids of the previous one are void from here on. */
export function stopped(ctx: SessionContext, stop: Stop & { readonly description?: string }): void {
  ctx.running = false;
  const previous = ctx.lastStop;
  ctx.lastStop = stop;
  ctx.vars.reset();
  ctx.frameRefs.clear();
  if (stop.reason === 'end') {
    if (ctx.noDebug || ctx.atEnd) {
      ctx.send(new TerminatedEvent());
      dropQueued(ctx, 'the scenario has ended');
      return;
    }
    ctx.atEnd = true;
    const ev = new StoppedEvent('end', THREAD_ID) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    const told = endDescription(ctx, previous);
    ev.body.description = told.description;
    if (told.text !== undefined) ev.body.text = told.text;
    ctx.send(ev);
    runStopped(ctx);
    return;
  }
  ctx.atEnd = ctx.machine.ended;
  const ev = new StoppedEvent(stop.reason, THREAD_ID) as DebugProtocol.StoppedEvent;
  // One simulated run: the mechanisms' threads stop with the scenario.
  ev.body.allThreadsStopped = true;
  if (stop.exception) {
    const kind = stop.exception.kind;
    ev.body.description = kind === 'error' ? 'Scenario error' : kind === 'internal' ? 'Internal error' : `Exception: ${kind}`;
    ev.body.text = stop.exception.message;
    if (kind === 'error' || kind === 'bug' || kind === 'internal') {
      ctx.send(new OutputEvent(`${basename(ctx.programPath)}:${stop.exception.line ?? 0}: ${stop.exception.message}\n`, 'stderr'));
    }
  }
  if (stop.breakpointIds) ev.body.hitBreakpointIds = [...stop.breakpointIds];
  if (stop.description) ev.body.description = stop.description;
  ctx.send(ev);
  // A step waiting behind this run (a held F11) goes now, after the stop it waited for.
  runStopped(ctx);
}

/** A run that starts once the response is out. */
function runAfter(ctx: SessionContext, mode: RunMode, body?: object): Reply {
  return andThen(body, () => run(ctx, mode));
}

/** A move the machine has already made: the response, then the stop it led to. */
export function stopAfter(ctx: SessionContext, stop: Stop): Reply {
  return andThen(undefined, () => stopped(ctx, stop));
}

function stepIn(ctx: SessionContext, args: DebugProtocol.StepInArguments): Reply {
  if (args.targetId === undefined || args.targetId === PROC_TARGET) return runAfter(ctx, 'in');
  const fn = Number.isSafeInteger(args.targetId) ? targetFn(ctx, args.targetId) : undefined;
  if (!fn) throw new UserError(`no step-in target ${JSON.stringify(args.targetId)}`);
  return andThen(undefined, () => runToEntry(ctx, fn));
}

/**
 * Steps into a target: runs like `next` (breakpoints and exceptions stop it
 * as they would) until the function is entered; if the statement or frame
 * ends first, it stops there and says so.
 */
function runToEntry(ctx: SessionContext, fn: KernelFn): void {
  const m = ctx.machine;
  // Targets are what can be entered before the current frame returns, or the statement ends.
  const from = m.frames[m.frames.length - 1];
  m.startRun(from ? 'out' : 'over');
  runStarts(ctx, true);
  sliced(
    ctx,
    () => {
      const stop = m.slice(1);
      if (entered(m, fn) && (!stop || stop.reason === 'step')) {
        m.pauseRequested = false;
        return { reason: 'step' };
      }
      if (stop?.reason === 'step' || stop?.reason === 'end') {
        const where = from ? `${from.fn.name} returned` : 'the statement ended';
        ctx.send(new OutputEvent(`${fn.name} was not entered before ${where}\n`, 'console'));
        if (stop.reason === 'step') return { ...stop, description: `${fn.name} was not entered before ${where}` };
      }
      return stop;
    },
    false,
  );
}

/**
 * Step back over a call, or into it: `granularity: 'instruction'` (and
 * kstep/stepBackInto, the extension's Step Back Into) goes to the previous
 * step point at any depth, the last one of the call that just returned.
 */
function stepBack(ctx: SessionContext, args: DebugProtocol.StepBackArguments | undefined, into = args?.granularity === 'instruction'): Reply {
  const stop = ctx.machine.stepBack(into);
  ctx.atEnd = false;
  return stopAfter(ctx, stop);
}

function reverseContinue(ctx: SessionContext): Reply {
  // Replaying a long history backwards takes a while: it runs in time slices, like a forward run.
  const scan = ctx.machine.reverseRun();
  ctx.atEnd = false;
  runStarts(ctx, false);
  return andThen(undefined, () =>
    sliced(
      ctx,
      () => {
        const r = scan.next();
        return r.done ? r.value : undefined;
      },
      true,
    ),
  );
}

function pause(ctx: SessionContext): undefined {
  // Only a run is long enough to pause or cancel; it stops at the next slice boundary.
  if (ctx.sim && ctx.running) ctx.sim.machine.pauseRequested = true;
  // Pause means stop here: the steps held behind the run do not follow it.
  dropQueued(ctx, 'paused before this step could start');
  return undefined;
}

function gotoTargets(ctx: SessionContext, args: DebugProtocol.GotoTargetsArguments): DebugProtocol.GotoTargetsResponse['body'] {
  const stmt = ctx.program && ctx.samePath(args.source.path) ? bindLine(ctx.program, args.line) : undefined;
  return { targets: stmt ? [{ id: stmt.line, label: `${stmt.line}: ${stmt.text}`, line: stmt.line, column: stmt.range.col }] : [] };
}

async function goto(ctx: SessionContext, args: DebugProtocol.GotoArguments): Promise<Reply> {
  const sim = ctx.simulation;
  const m = sim.machine;
  const h = m.history;
  const line = args.targetId;
  const origin = m.step;
  const back = h ? h.lastStartOf(line, m.step) : -1;
  if (back >= 0) m.goto(back);
  else {
    let searched = 0;
    const found = await search(ctx, () => {
      if (m.seekForward((mm) => mm.at === 'stmt' && mm.statement?.line === line, CHUNK)) return true;
      searched += CHUNK;
      return m.at === 'end' || searched >= GOTO_FORWARD_LIMIT ? false : undefined;
    });
    if (found === undefined) throw interrupted(ctx, sim, m, origin, 'goto');
    if (!found) {
      // The search ran the machine forward: a failed goto must leave it where the user is.
      m.goto(origin);
      throw new UserError(`line ${line} does not run again in this scenario`);
    }
  }
  ctx.atEnd = m.ended;
  return stopAfter(ctx, { reason: 'goto' });
}

function restartFrame(ctx: SessionContext, args: DebugProtocol.RestartFrameArguments): Reply {
  const ref = ctx.frameRefs.get(args.frameId);
  if (!ref) throw new UserError('that frame is gone: the scenario has moved on');
  if (ref.kind === 'thread') throw new UserError(`the ${ref.view.name} thread has no frame to restart: restart a kernel or scenario frame`);
  const m = ctx.machine;
  if (ref.kind === 'kernel') m.goto(ref.frame.enteredAt);
  else if (ref.index === 0) m.goto(0);
  else {
    const call = m.control.scenarioFrames()[ref.index - 1]?.at;
    const k = call && m.history ? m.history.lastStartOf(call.stmt.line, m.step) : -1;
    m.goto(Math.max(0, k));
  }
  ctx.atEnd = false;
  return stopAfter(ctx, { reason: 'restart' as Stop['reason'] });
}

function stepInTargets(ctx: SessionContext): DebugProtocol.StepInTargetsResponse['body'] {
  return { targets: stepInTargetList(ctx) };
}

export const RUN_CONTROL_ROUTES: Routes = {
  continue: whenStopped((ctx) => runAfter(ctx, 'continue', { allThreadsContinued: true })),
  next: whenStopped((ctx) => runAfter(ctx, 'over')),
  stepIn: whenStopped(stepIn),
  stepOut: whenStopped((ctx) => runAfter(ctx, 'out')),
  stepBack: whenStopped(stepBack),
  reverseContinue: whenStopped(reverseContinue),
  pause: always(pause),
  cancel: always(pause),
  goto: whenStopped(goto),
  gotoTargets: whenStopped(gotoTargets),
  restartFrame: whenStopped(restartFrame),
  stepInTargets: whenStopped(stepInTargets),
  'kstep/stepBackInto': whenStopped((ctx) => stepBack(ctx, undefined, true)),
};
