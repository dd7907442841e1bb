import { basename } from 'node:path';
import { OutputEvent, StoppedEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Machine, RunMode, Stop } from '../sim';
import { thrownException } from '../sim';
import { bindLine, statementLines } from './breakpoints';
import type { SessionContext } from './context';
import { THREAD_ID } from './context';
import type { Reply, Routes } from './routes';
import { always, andThen, UserError, whenStopped } from './routes';
import { callLabel } from './variables';

/** How long a slice of a run may take before the adapter looks at its inbox again (pause, cancel). */
const SLICE_MS = 10;
/** stepInTargets lists this many calls of one function, then one entry for the rest. */
const CALLS_PER_FUNCTION = 8;
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
function sliced(ctx: SessionContext, advance: () => Stop | undefined, finish: boolean): void {
  const sim = ctx.sim;
  ctx.running = true;
  const tick = (): void => {
    if (ctx.sim !== sim || (!finish && !ctx.running)) return;
    // A slice is bounded by time, not by a count of step points: their cost varies by orders of
    // magnitude (a data breakpoint on a large list reads it at every step point), and a fixed
    // 20,000 slow ones left pause, threads and every other request unanswered for seconds.
    const until = performance.now() + SLICE_MS;
    let stop: Stop | undefined;
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
  setImmediate(tick);
}

/**
 * A search through the future (goto forward, stepInTargets, stepIn to a
 * target) in time slices like a run: other requests and sessions are served
 * between slices, and while it goes the session counts as running (requests
 * that need a stop are refused, pause and terminate are heard). `advance`
 * does a bounded piece and returns the result once there is one. Resolves
 * with it, or with undefined when a pause, terminate or disconnect cut it off.
 */
function search<T>(ctx: SessionContext, advance: () => T | undefined): Promise<T | undefined> {
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
function interrupted(ctx: SessionContext, sim: unknown, m: Machine, origin: number, what: string): UserError {
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
  sliced(ctx, () => m.slice(CHUNK), false);
}

/** Ends a run in progress: it stops at its next step point and nobody hears of it. */
export function stopRun(ctx: SessionContext): void {
  if (ctx.sim && ctx.running) ctx.sim.machine.pauseRequested = true;
  ctx.running = false;
}

/** Reports a stop; the frame and variable ids of the previous one are void from here on. */
export function stopped(ctx: SessionContext, stop: Stop): void {
  ctx.running = false;
  ctx.lastStop = stop;
  ctx.vars.reset();
  ctx.frameRefs.clear();
  if (stop.reason === 'end') {
    if (ctx.noDebug || ctx.atEnd) {
      ctx.send(new TerminatedEvent());
      return;
    }
    ctx.atEnd = true;
    const ev = new StoppedEvent('end', THREAD_ID) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    ev.body.description = 'End of the scenario: step back to look again, or continue to finish';
    ctx.send(ev);
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
  ctx.send(ev);
}

/** A run that starts once the response is out. */
function runAfter(ctx: SessionContext, mode: RunMode, body?: object): Reply {
  return andThen(body, () => run(ctx, mode));
}

/** A move the machine has already made: the response, then the stop it led to. */
function stopAfter(ctx: SessionContext, stop: Stop): Reply {
  return andThen(undefined, () => stopped(ctx, stop));
}

async function stepIn(ctx: SessionContext, args: DebugProtocol.StepInArguments): Promise<Reply> {
  if (args.targetId === undefined) return runAfter(ctx, 'in');
  const target = args.targetId;
  if (!Number.isSafeInteger(target) || target < 0) throw new UserError(`no step-in target ${JSON.stringify(target)}`);
  const m = ctx.machine;
  if (target <= m.step) {
    m.goto(target);
    return stopAfter(ctx, { reason: 'step' });
  }
  // Forward, a chunk at a time: a target far ahead (or one a client made up) must not block the adapter.
  const done = await search(ctx, () => {
    m.goto(Math.min(target, m.step + CHUNK));
    return m.step >= target || m.at === 'end' ? true : undefined;
  });
  return stopAfter(ctx, { reason: done ? 'step' : 'pause' });
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
  return undefined;
}

function gotoTargets(ctx: SessionContext, args: DebugProtocol.GotoTargetsArguments): DebugProtocol.GotoTargetsResponse['body'] {
  const stmt = ctx.program && ctx.samePath(args.source.path) ? bindLine(statementLines(ctx.program), args.line) : undefined;
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

async function stepInTargets(ctx: SessionContext): Promise<DebugProtocol.StepInTargetsResponse['body']> {
  const sim = ctx.simulation;
  const m = sim.machine;
  const origin = m.step;
  const depth = m.depth();
  const targets: DebugProtocol.StepInTarget[] = [];
  // Calls listed per function, and the ones past the limit: a migrate of a million pages makes millions of calls.
  const listed = new Map<string, number>();
  const more = new Map<string, { id: number; line: number; n: number }>();
  const calls = m.control.callDepth;
  let procEntered = false;
  // The run is deterministic: look ahead through the statement, then come back.
  const look = (mm: Machine): boolean => {
    // `call p` steps into the proc itself before any kernel function inside it.
    if (!procEntered && mm.at === 'stmt' && mm.control.callDepth > calls) {
      procEntered = true;
      const name = mm.control.scenarioFrames().pop()?.name ?? 'proc';
      targets.push({ id: mm.step, label: `${name}() — proc`, line: mm.statement?.line ?? 0 });
    }
    // A frame is new at the first step point it is seen at (frames on the stack before were entered earlier).
    for (const f of mm.frames) {
      if (f.enteredAt !== mm.step) continue;
      const name = f.fn.name;
      const n = listed.get(name) ?? 0;
      if (n < CALLS_PER_FUNCTION) {
        listed.set(name, n + 1);
        targets.push({ id: f.enteredAt, label: callLabel(f), line: f.line });
      } else {
        const x = more.get(name);
        if (x) x.n++;
        else more.set(name, { id: f.enteredAt, line: f.line, n: 1 });
      }
    }
    return mm.depth() <= depth || mm.at === 'end';
  };
  // A statement may take millions of step points: looked through in slices.
  const done = await search(ctx, () => (m.seekForward(look, CHUNK) || m.at === 'end' ? true : undefined));
  if (!done) throw interrupted(ctx, sim, m, origin, 'stepInTargets');
  m.goto(origin);
  for (const [name, x] of more) targets.push({ id: x.id, label: `${name}(…) — ${x.n.toLocaleString('en-US')} more call${x.n > 1 ? 's' : ''}, from the next one`, line: x.line });
  return { targets };
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
