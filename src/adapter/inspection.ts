import { basename } from 'node:path';
import { InvalidatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EvalEnv, Frame, Machine, StateNode, StatementRef, Value } from '../sim';
import { compileLine, evalRef, fixedRecord, formatValue, kindAt, nodeValue, lastName, parseExpression, parseQueryText, showValue, showValueLong, statePicture, Sym, thrownException, valueNode } from '../sim';
import { consoleCompletions, isStatementLine } from './console';
import type { SessionContext } from './context';
import { evaluateQuery } from './history_requests';
import { MECHANISM_THREAD_BASE, THREAD_ID } from './context';
import type { Reply, Routes } from './routes';
import { always, andThen, UserError, whenStopped } from './routes';
import { scenarioSource } from './sources';
import { callLabel, childPath, plainValue, showOptions } from './variables';
import { frameNode, returnedName, returnNode } from './frame_view';
import { frameLocals, tryNode } from './frame_locals';
import { refuseUnderLock } from './held_locks';

/** The setter of a value the debugger may change: a writable leaf, or a record that is also a value (a register). */
function writable(n: StateNode): ((v: Value) => void) | undefined {
  return n.kind === 'list' ? undefined : n.set;
}

/** `frame` is the selected kernel frame's arguments and locals: nothing outside it can watch or change them. */
function isFramePath(path: string): boolean {
  return path === 'frame' || path.startsWith('frame.') || path.startsWith('frame[');
}

/** The path of a child of a Variables handle, as evaluate and data breakpoints read it again. */
function memberPath(ctx: SessionContext, ref: number, name: string): string | undefined {
  const h = ctx.vars.get(ref);
  if (!h) return undefined;
  return h.node.kind === 'list' ? `${h.path}${name}` : childPath(h.path, name);
}

function resolves(ctx: SessionContext, path: string): boolean {
  const e = parseExpression(path);
  if ('error' in e || !ctx.sim) return false;
  try {
    evalRef(ctx.sim.machine, e);
    return true;
  } catch {
    return false;
  }
}

// ---- threads, stack, scopes, variables -------------------------------------

function threads(ctx: SessionContext): DebugProtocol.ThreadsResponse['body'] {
  const out: DebugProtocol.Thread[] = [{ id: THREAD_ID, name: 'scenario' }];
  (ctx.sim?.threads() ?? []).forEach((t, i) => out.push({ id: MECHANISM_THREAD_BASE + i, name: t.name }));
  return { threads: out };
}

function stackTrace(ctx: SessionContext, args: DebugProtocol.StackTraceArguments): DebugProtocol.StackTraceResponse['body'] {
  const m = ctx.machine;
  // Frame ids stay valid until the next stop, across the threads' stack traces.
  let id = ctx.frameRefs.size + 1;
  const k = args.threadId - MECHANISM_THREAD_BASE;
  if (k >= 0) {
    const view = (ctx.sim?.threads() ?? [])[k];
    if (!view) throw new UserError(`no thread ${args.threadId}`);
    const stmt = m.statement;
    // A mechanism's thread stands where the scenario stands: one frame, whose scopes are its state.
    // Paged like any stack: a request past its one frame gets none, so the client sees the stack is complete.
    if ((args.startFrame ?? 0) > 0) return { stackFrames: [], totalFrames: 1 };
    ctx.frameRefs.set(id, { kind: 'thread', view });
    return { stackFrames: [{ id, name: view.name, source: scenarioSource(ctx), line: stmt?.line ?? 1, column: stmt?.range.col ?? 1 }], totalFrames: 1 };
  }
  const all: DebugProtocol.StackFrame[] = [];
  for (let i = m.frames.length - 1; i >= 0; i--) {
    const f = m.frames[i] as Frame;
    ctx.frameRefs.set(id, { kind: 'kernel', frame: f });
    all.push({ id: id++, name: callLabel(f, ctx.hexDefault ?? true), source: ctx.sources.source(f.fn.source), line: f.line, column: 1 });
  }
  const sframes = m.control.scenarioFrames();
  for (let i = sframes.length - 1; i >= 0; i--) {
    const sf = sframes[i] as { name: string; at: { stmt: StatementRef } | undefined };
    const stmt = i === sframes.length - 1 ? (m.statement ?? sf.at?.stmt) : sf.at?.stmt;
    ctx.frameRefs.set(id, { kind: 'scenario', index: i, stmt });
    all.push({
      id: id++,
      name: i === 0 ? basename(ctx.programPath) : `${sf.name}()`,
      source: scenarioSource(ctx),
      line: stmt?.line ?? 1,
      column: stmt?.range.col ?? 1,
    });
  }
  const start = args.startFrame ?? 0;
  const levels = args.levels && args.levels > 0 ? args.levels : all.length;
  return { stackFrames: all.slice(start, start + levels), totalFrames: all.length };
}

function scopes(ctx: SessionContext, args: DebugProtocol.ScopesArguments): DebugProtocol.ScopesResponse['body'] {
  const m = ctx.machine;
  const out: DebugProtocol.Scope[] = [];
  const ref = ctx.frameRefs.get(args.frameId);
  if (ref?.kind === 'kernel') {
    const node = frameNode(ref.frame, (p) => tryNode(ctx, p));
    out.push({ name: `Locals: ${ref.frame.fn.name}`, presentationHint: 'locals', variablesReference: ctx.vars.add(node, 'frame'), expensive: false });
  }
  if (ref?.kind === 'thread') {
    for (const sc of ref.view.scopes) {
      const node = tryNode(ctx, sc.path);
      if (node) out.push({ name: sc.name, variablesReference: ctx.vars.add(node, sc.path), expensive: false, ...(sc.hint ? { presentationHint: sc.hint } : {}) });
    }
  }
  // VS Code opens the first scope: put the mechanisms this scenario uses first, and leave out
  // the ones it has not touched (their roots still answer in watch and the console).
  // The engine's own scopes (the latest result, time) come after every mechanism's.
  const mechanismRoots = new Set(ctx.registry.mechanisms.flatMap((d) => d.roots.map((r) => r.name)));
  const rank = (s: (typeof ctx.registry.scopes)[number]): number => {
    if (!s.roots.some((r) => mechanismRoots.has(r))) return 3;
    const active = s.roots.map((r) => m.rootActive(r));
    if (active.includes(true)) return 0;
    return active.every((a) => a === false) ? 2 : 1;
  };
  for (const s of [...ctx.registry.scopes].filter((sc) => rank(sc) !== 2).sort((a, b) => rank(a) - rank(b))) {
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
    out.push({
      name: s.name,
      variablesReference: ctx.vars.add(node, path),
      expensive: false,
      ...(s.hint ? { presentationHint: s.hint } : {}),
      ...(node.kind === 'record' ? { namedVariables: node.keys().length } : {}),
    });
  }
  // The statement just run called the kernel: what that call returned, as the C/C++ debugger shows it after
  // Step Out. Last, since it comes and goes from one statement to the next: VS Code keeps a scope open by its
  // place in the list, so a scope inserted before the others would close the ones the user opened.
  const returned = ref?.kind === 'scenario' && ref.index === m.control.scenarioFrames().length - 1 ? statementReturned(ctx) : undefined;
  if (returned) out.push({ name: 'Locals', presentationHint: 'locals', variablesReference: ctx.vars.add(returned, 'frame'), expensive: false });
  return { scopes: out };
}

function variables(ctx: SessionContext, args: DebugProtocol.VariablesArguments): DebugProtocol.VariablesResponse['body'] {
  return { variables: ctx.vars.children(args.variablesReference, args.filter, args.start ?? 0, args.count ?? 0, showOptions(args.format, ctx.hexDefault)) };
}

// ---- changing state --------------------------------------------------------

/** Changes a writable state value as a step in history, so stepping back undoes it. */
function assign(ctx: SessionContext, path: string, valueText: string): Value {
  const m = ctx.machine;
  if (isFramePath(path)) throw new UserError('locals of a kernel frame are read-only: change the state they come from');
  const target = parseExpression(path);
  if ('error' in target) throw new UserError(target.error);
  const valueExpr = parseExpression(valueText);
  if ('error' in valueExpr) throw new UserError(valueExpr.error);
  const node = evalRef(m, target);
  if (!('node' in node) || !writable(node.node)) throw new UserError(`${path} cannot be changed from the debugger`);
  const v = plainValue(evalRef(m, valueExpr));
  ctx.timeline++;
  m.inject({
    text: `${path} = ${valueText}`,
    apply: () => {
      const n = evalRef(m, target);
      if ('node' in n) writable(n.node)?.(v);
    },
  });
  return plainValue(evalRef(m, target));
}

/** The new value, and the Variables view read again: other values may follow from it. */
function assigned(ctx: SessionContext, path: string, v: Value, format: DebugProtocol.ValueFormat | undefined): Reply {
  const node = tryNode(ctx, path);
  const kind = node ? kindAt(node, lastName(path)) : undefined;
  const body = { value: showValue(v, kind, showOptions(format, ctx.hexDefault)) };
  return andThen(body, () => ctx.send(new InvalidatedEvent(['variables'])));
}

function setVariable(ctx: SessionContext, args: DebugProtocol.SetVariableArguments): Reply {
  const path = memberPath(ctx, args.variablesReference, args.name);
  if (path === undefined) throw new UserError('that variable is gone: the scenario has moved on');
  return assigned(ctx, path, assign(ctx, path, args.value), args.format);
}

function setExpression(ctx: SessionContext, args: DebugProtocol.SetExpressionArguments): Reply {
  return assigned(ctx, args.expression, assign(ctx, args.expression, args.value), args.format);
}

/** A node's whole value, for the console's long form. */
function plainOf(n: StateNode): Value {
  return n.kind === 'leaf' ? n.get() : nodeValue(n);
}

// ---- evaluate, completions -------------------------------------------------

/** After a statement that called the kernel, at the next one: what the call returned, as the scenario frame's `frame`. */
function statementReturned(ctx: SessionContext): StateNode | undefined {
  const m = ctx.machine;
  if (m.frames.length || !m.returned) return undefined;
  return fixedRecord({ [returnedName(m.returned.fn.name)]: returnNode(m.returned.value, (p) => tryNode(ctx, p)) });
}

/** The evaluation environment: the state tree, plus `frame` for the selected kernel frame's arguments and locals (for the scenario frame, what its last kernel call returned). */
function env(ctx: SessionContext, frameId: number | undefined): EvalEnv {
  const m = ctx.machine;
  const ref = frameId !== undefined ? ctx.frameRefs.get(frameId) : undefined;
  // `frame` is the selected kernel frame; a scenario frame has none.
  const fr = ref ? (ref.kind === 'kernel' ? ref.frame : undefined) : m.frames[m.frames.length - 1];
  return {
    root: (name) => (name === 'frame' ? (fr ? frameNode(fr, (p) => tryNode(ctx, p)) : statementReturned(ctx)) : m.root(name)),
  };
}

function evaluate(ctx: SessionContext, args: DebugProtocol.EvaluateArguments): DebugProtocol.EvaluateResponse['body'] | Reply | Promise<DebugProtocol.EvaluateResponse['body'] | undefined> {
  const text = args.expression.trim();
  if (parseQueryText(text)) return evaluateQuery(ctx, text, args.context);
  if (args.context === 'repl' && isStatementLine(text, ctx.registry)) {
    // Not inside a critical section of the listing: the statement would run in the middle of it.
    refuseUnderLock(ctx.machine.frames);
    return runStatement(ctx, text);
  }
  const e = parseExpression(text);
  if ('error' in e) throw new UserError(e.error);
  const r = evalRef(env(ctx, args.frameId), e);
  if (args.context === 'hover' && 'value' in r && r.value instanceof Sym && r.value.num === undefined) {
    throw new UserError(`${text} is not a state path or a constant`);
  }
  const show = showOptions(args.format, ctx.hexDefault);
  const node = 'node' in r ? r.node : valueNode(r.value);
  const v = ctx.vars.variable(text, node, text, show);
  // The console and hovers have room: a byte list reads as a whole hexdump there.
  const kind = kindAt(node, lastName(text));
  const long = kind === 'bytes' && node.kind !== 'record' && (args.context === 'repl' || args.context === 'hover');
  return {
    result: long ? showValueLong(plainOf(node), kind, show) : v.value,
    variablesReference: v.variablesReference,
    ...(v.indexedVariables !== undefined ? { indexedVariables: v.indexedVariables } : {}),
    ...(v.namedVariables !== undefined ? { namedVariables: v.namedVariables } : {}),
    ...(v.type ? { type: v.type } : {}),
    ...(v.memoryReference ? { memoryReference: v.memoryReference } : {}),
    ...(v.valueLocationReference ? { valueLocationReference: v.valueLocationReference } : {}),
    ...('node' in r && writable(r.node) ? {} : { presentationHint: { attributes: ['readOnly'] } }),
  };
}

/**
 * The most step points a Debug Console statement may take. It runs as one
 * step of history (replayed whole when history is revisited), so it cannot
 * be sliced like a run: it is bounded instead, to about a second.
 */
const CONSOLE_MAX_POINTS = 1_000_000;

/** A statement typed at the Debug Console runs as a new step point in history. */
function runStatement(ctx: SessionContext, text: string): Reply {
  const sim = ctx.sim;
  if (!sim) throw new UserError('no scenario is running');
  const c = compileLine(sim, text);
  if ('error' in c) throw new UserError(c.error);
  const m = sim.machine;
  const lastBefore = m.last;
  ctx.timeline++;
  try {
    m.inject({
      text,
      apply: () => {
        const g = c.exec(m);
        if (typeof g === 'object') m.drain(g, CONSOLE_MAX_POINTS);
      },
    });
  } catch (e) {
    // inject has undone the statement; a JavaScript error in it is told as such, not as the user's mistake.
    throw new UserError(thrownException(e, undefined).message);
  }
  const exc = m.exception;
  const result = exc ? exc.message : m.last !== lastBefore ? `last = ${showValue(m.last, undefined, { hex: ctx.hexDefault ?? true })}` : 'done';
  return andThen({ result, variablesReference: 0 }, () => {
    // Every view must be read again: the handles of the step before are void.
    ctx.vars.reset();
    ctx.send(new InvalidatedEvent(['all']));
  });
}

function completions(ctx: SessionContext, args: DebugProtocol.CompletionsArguments): DebugProtocol.CompletionsResponse['body'] {
  const before = args.text.slice(0, Math.max(0, args.column - 1));
  const m = ctx.sim?.machine;
  const targets = m ? consoleCompletions(before, env(ctx, args.frameId), [...m.rootNames(), ...(m.frames.length ? ['frame'] : [])], ctx.registry.verbs.words) : [];
  return { targets };
}

// ---- exceptions and data breakpoints ---------------------------------------

function exceptionInfo(ctx: SessionContext): DebugProtocol.ExceptionInfoResponse['body'] {
  const exc = ctx.lastStop?.exception;
  if (!exc) throw new UserError('not stopped on an exception', { id: 2001, showUser: false });
  const stack = ctx.sim ? ctx.sim.machine.frames.map((f) => `${f.fn.name} (${f.fn.source.path}:${f.line})`).reverse().join('\n') : '';
  return {
    exceptionId: exc.kind,
    description: exc.message,
    breakMode: exc.kind === 'expect' || exc.kind === 'bug' || exc.kind === 'internal' ? 'always' : 'userUnhandled',
    details: {
      message: exc.message,
      typeName: exc.kind,
      ...(stack ? { stackTrace: stack } : {}),
      ...(exc.details ? { innerException: Object.entries(exc.details).map(([k, v]) => ({ message: `${k} = ${formatValue(v)}`, typeName: k })) } : {}),
    },
  };
}

function dataBreakpointInfo(ctx: SessionContext, args: DebugProtocol.DataBreakpointInfoArguments): DebugProtocol.DataBreakpointInfoResponse['body'] {
  let path: string | undefined;
  if (args.variablesReference !== undefined && args.variablesReference > 0) {
    const h = ctx.vars.get(args.variablesReference);
    if (h && !isFramePath(h.path)) path = memberPath(ctx, args.variablesReference, args.name);
  } else path = args.name;
  const ok = path !== undefined && ctx.sim !== undefined && resolves(ctx, path);
  return ok
    ? { dataId: path as string, description: `when ${path} changes`, accessTypes: ['write'], canPersist: true }
    : { dataId: null, description: path ? `${path} is not a state path that can be watched` : 'locals of a kernel frame cannot be watched: watch the state they change instead' };
}

// ---- kstep's own requests ----------------------------------------------------

// The extension's state picture, its inline values for recent `last` results,
// and the Variables view's hex toggle.

function recent(ctx: SessionContext, args: { path?: unknown } | undefined): object {
  const path = args?.path;
  return { results: typeof path === 'string' && !ctx.samePath(path) ? [] : recentResults(ctx.machine, ctx.hexDefault ?? true) };
}

function setFormat(ctx: SessionContext, args: { hex?: unknown } | undefined): Reply {
  const hex = args?.hex;
  ctx.hexDefault = typeof hex === 'boolean' ? hex : undefined;
  return andThen(undefined, () => ctx.send(new InvalidatedEvent(['variables'])));
}

export const INSPECTION_ROUTES: Routes = {
  threads: always(threads),
  stackTrace: whenStopped(stackTrace),
  scopes: whenStopped(scopes),
  variables: whenStopped(variables),
  setVariable: whenStopped(setVariable),
  setExpression: whenStopped(setExpression),
  evaluate: whenStopped(evaluate),
  completions: always(completions),
  exceptionInfo: always(exceptionInfo),
  dataBreakpointInfo: always(dataBreakpointInfo),
  'kstep/picture': whenStopped((ctx) => ({ ...statePicture(ctx.simulation), timeline: ctx.timeline })),
  'kstep/recentResults': whenStopped(recent),
  'kstep/setFormat': always(setFormat),
  'kstep/frameLocals': whenStopped(frameLocals),
};

/** The latest `last` results by line, for the editor's inline values. */
function recentResults(m: Machine, hex: boolean): Array<{ line: number; text: string }> {
  return m.recent.map((r) => ({ line: r.line, text: `last = ${showValue(r.last, undefined, { hex })}` }));
}
