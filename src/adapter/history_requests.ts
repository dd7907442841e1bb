import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Bounded, Change, Expr, QueryLimits, PointInfo, QueryText, StateNode, Value, WhenDirection } from '../sim';
import { cappedText, changeText, fixedRecord, formatValue, historyOf, parseExpression, parseQueryText, pointText, QUERY_LIMITS, runQuery, Sym, valueNode, whenOf, whyOf } from '../sim';
import type { SessionContext } from './context';
import type { Reply, Routes } from './routes';
import { UserError, whenStopped } from './routes';
import { interrupted, search, stopAfter } from './run_control';

/*
 * The history queries over DAP: `history(e)`, `when(c[, first|next|prev])`
 * and `why(e)` typed in the Debug Console or a watch, and the custom
 * requests the extension's commands send (kstep/history, kstep/when,
 * kstep/why, and kstep/gotoStep to travel to a result). A query replays the
 * timeline in time slices like a forward goto: pause cuts it off and puts
 * the machine back where the user is.
 */

/** One step point as the client gets it. */
export interface StepJson {
  readonly step: number;
  readonly ns: string;
  readonly line: number;
  readonly statement: string;
  readonly function?: string;
  readonly path?: string;
  readonly listingLine?: number;
  /** The kernel functions on the stack there, outermost first. */
  readonly stack: readonly string[];
  readonly text: string;
}

function stepJson(p: PointInfo): StepJson {
  return {
    step: p.step,
    ns: p.ns.toString(),
    line: p.line,
    statement: p.statement,
    ...(p.kernel ? { function: p.kernel.fn, path: p.kernel.path, listingLine: p.kernel.line } : {}),
    stack: p.stack,
    text: pointText(p),
  };
}

function valueJson(v: Value | undefined): string | null {
  return v === undefined ? null : formatValue(v);
}

function changeJson(c: Change): StepJson & { before: string | null; after: string | null; change: string } {
  return { ...stepJson(c.at), before: valueJson(c.before), after: valueJson(c.after), change: changeText(c) };
}

function expressionOf(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') throw new UserError('needs an expression');
  const e = parseExpression(text);
  if ('error' in e) throw new UserError(e.error);
  return text;
}

/**
 * How a query runs: in time slices (the Debug Console, the commands: pause
 * cuts it off), or at once with a smaller bound (a watch: VS Code asks for
 * the stack and the variables at the same stop, and a sliced query would
 * have them refused as "running"; run at once, they wait for it instead).
 */
interface Mode {
  readonly atOnce: boolean;
  readonly limits: QueryLimits;
}

const SLICED: Mode = { atOnce: false, limits: QUERY_LIMITS };
const AT_ONCE: Mode = { atOnce: true, limits: { maxPoints: 200_000, maxResults: QUERY_LIMITS.maxResults } };

/** Runs a query generator in time slices; an interrupted one leaves the machine where it was. */
export async function sliced<T>(ctx: SessionContext, what: string, g: Generator<void, T, void>, mode: Mode = SLICED): Promise<T> {
  if (mode.atOnce) return runQuery(g);
  const sim = ctx.simulation;
  const m = sim.machine;
  const origin = m.step;
  const r = await search(ctx, () => {
    const n = g.next();
    return n.done ? { value: n.value } : undefined;
  });
  if (!r) throw interrupted(ctx, sim, m, origin, what);
  return r.value;
}

function parsed(text: string): Expr {
  const e = parseExpression(text);
  if ('error' in e) throw new UserError(e.error);
  return e;
}

async function history(ctx: SessionContext, expression: string, mode = SLICED) {
  const r = await sliced(ctx, 'history()', historyOf(ctx.machine, parsed(expression), mode.limits), mode);
  return { expression, changes: r.changes.map(changeJson), scanned: r.scanned, lastStep: r.lastStep, ...capped(r) };
}

async function when(ctx: SessionContext, expression: string, direction: WhenDirection, mode = SLICED) {
  const r = await sliced(ctx, 'when()', whenOf(ctx.machine, parsed(expression), direction, mode.limits), mode);
  return { expression, direction, ...(r.at ? { at: stepJson(r.at) } : {}), scanned: r.scanned, ...capped(r) };
}

async function why(ctx: SessionContext, expression: string, depth: number, mode = SLICED) {
  const r = await sliced(ctx, 'why()', whyOf(ctx.machine, parsed(expression), depth, mode.limits), mode);
  return { expression, value: valueJson(r.value), writes: r.writes.map(changeJson), scanned: r.scanned, ...capped(r) };
}

function capped(r: Bounded): { capped?: string } {
  const t = cappedText(r);
  return t ? { capped: t } : {};
}

const DIRECTIONS: readonly WhenDirection[] = ['first', 'next', 'prev'];
/** How far back `kstep/why` walks the chain of writes at most. */
const MAX_WHY_DEPTH = 16;

/** A step point as a Variables entry: its summary as the value, its parts as children. */
function stepNode(s: StepJson, extra: Readonly<Record<string, string | null>> = {}): StateNode {
  const parts: Record<string, StateNode> = { step: valueNode(BigInt(s.step)), time_ns: valueNode(BigInt(s.ns)), line: valueNode(BigInt(s.line)), statement: valueNode(s.statement) };
  if (s.function) parts.function = valueNode(`${s.function} (${s.path}:${s.listingLine})`);
  for (const [k, v] of Object.entries(extra)) parts[k] = valueNode(v === null ? new Sym('(no value)') : new Sym(v));
  const summary = new Sym(`${'change' in extra ? `${extra.change}  · ` : ''}${s.text}`);
  return { ...fixedRecord(parts), get: () => summary };
}

/**
 * A query typed where an expression goes (Debug Console, watch): its answer
 * as a value with one child per step point found, named `step N` (the
 * "Go to Step" command on that entry travels there). Undefined for text
 * that is no query.
 */
export async function evaluateQuery(ctx: SessionContext, text: string, context: string | undefined): Promise<DebugProtocol.EvaluateResponse['body'] | undefined> {
  const q: QueryText | undefined = parseQueryText(text);
  if (!q) return undefined;
  if (context === 'hover') throw new UserError(`${q.kind}() replays history: type it in the Debug Console or a watch`);
  expressionOf(q.expr);
  const mode = context === 'repl' ? SLICED : AT_ONCE;
  let summary: string;
  const items: Record<string, StateNode> = {};
  if (q.kind === 'history') {
    const r = await history(ctx, q.expr, mode);
    for (const c of r.changes) items[`step ${c.step}`] = stepNode(c, { before: c.before, after: c.after, change: c.change });
    summary = `${r.changes.length} change${r.changes.length === 1 ? '' : 's'} of ${q.expr} up to step ${r.lastStep}${r.capped ? ` (${r.capped})` : ''}`;
  } else if (q.kind === 'when') {
    const r = await when(ctx, q.expr, q.dir, mode);
    if (r.at) items[`step ${r.at.step}`] = stepNode(r.at);
    const which = q.dir === 'prev' ? 'no earlier step point' : q.dir === 'next' ? 'no later step point' : 'no step point';
    summary = r.at ? `${q.expr} holds at ${r.at.text}` : `${q.expr} holds at ${which}${r.capped ? ` (${r.capped})` : ''}`;
  } else {
    const r = await why(ctx, q.expr, 2, mode);
    for (const w of r.writes) items[`step ${w.step}`] = stepNode(w, { before: w.before, after: w.after, change: w.change });
    const last = r.writes[0];
    summary = last ? `${q.expr} = ${r.value ?? '(no value)'}: written at ${last.text} (${last.change})` : `${q.expr} = ${r.value ?? '(no value)'}: unchanged since the first step point${r.capped ? ` (${r.capped})` : ''}`;
  }
  const keys = Object.keys(items);
  return {
    result: summary,
    variablesReference: keys.length ? ctx.vars.add(fixedRecord(items), '') : 0,
    ...(keys.length ? { namedVariables: keys.length } : {}),
    presentationHint: { attributes: ['readOnly'] },
  };
}

/** `kstep/gotoStep`: travel to a step point a query found (forward ones in slices). */
async function gotoStep(ctx: SessionContext, args: { step?: unknown } | undefined): Promise<Reply> {
  const target = args?.step;
  if (typeof target !== 'number' || !Number.isSafeInteger(target) || target < 0) throw new UserError(`no step point ${JSON.stringify(target)}`);
  const sim = ctx.simulation;
  const m = sim.machine;
  const origin = m.step;
  if (target <= m.step) m.goto(target);
  else {
    const done = await search(ctx, () => {
      m.goto(Math.min(target, m.step + 256));
      return m.step >= target || m.ended ? true : undefined;
    });
    if (!done) throw interrupted(ctx, sim, m, origin, 'going to that step');
    if (m.step < target) {
      m.goto(origin);
      throw new UserError(`the scenario ends at step ${m.history?.maxStep ?? m.step}, before step ${target}`);
    }
  }
  ctx.atEnd = m.ended;
  return stopAfter(ctx, { reason: 'goto' });
}

function depthOf(v: unknown): number {
  if (v === undefined) return 2;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > MAX_WHY_DEPTH) throw new UserError(`depth must be 1..${MAX_WHY_DEPTH}`);
  return v;
}

export const HISTORY_ROUTES: Routes = {
  'kstep/history': whenStopped((ctx, args: { expression?: unknown } | undefined) => history(ctx, expressionOf(args?.expression))),
  'kstep/when': whenStopped((ctx, args: { expression?: unknown; direction?: unknown } | undefined) => {
    const dir = args?.direction ?? 'first';
    if (!DIRECTIONS.includes(dir as WhenDirection)) throw new UserError(`direction must be one of ${DIRECTIONS.join(', ')}`);
    return when(ctx, expressionOf(args?.expression), dir as WhenDirection);
  }),
  'kstep/why': whenStopped((ctx, args: { expression?: unknown; depth?: unknown } | undefined) => why(ctx, expressionOf(args?.expression), depthOf(args?.depth))),
  'kstep/gotoStep': whenStopped(gotoStep),
};
