import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CallGraph, KernelFn, Machine, Stmt } from '../sim';
import type { SessionContext } from './context';

/** The id of the proc target of a `call`: stepping into it is a plain step in. */
export const PROC_TARGET = 0;

/**
 * stepInTargets from what is known statically, never by running the future:
 * a statement's verb names the functions it enters first, the listings name
 * who calls whom. So the answer costs the same at a million pages as at one,
 * and lists each function once (DAP's menu is for choosing where to go, not
 * for counting calls). Inside a kernel frame the targets are what its call
 * sites from the current line on can reach; at a `call`, the proc first.
 */
export function stepInTargetList(ctx: SessionContext): DebugProtocol.StepInTarget[] {
  const m = ctx.machine;
  const g = ctx.registry.callGraph;
  const top = m.frames[m.frames.length - 1];
  const out: DebugProtocol.StepInTarget[] = [];
  let fns: KernelFn[];
  if (top) {
    // The frame has not reached its first step point yet (line = signature): every call site is ahead.
    const ahead = g.callSites(top.fn).filter((c) => c.line >= top.line);
    fns = g.reachable(ahead.map((c) => c.callee));
  } else if (m.at === 'stmt' && m.statement) {
    const s = m.statement;
    if (s.verb === 'call') {
      const name = callee(ctx, s.line);
      if (name !== undefined && ctx.program?.procs.has(name)) out.push({ id: PROC_TARGET, label: `${name}() — proc`, line: s.line });
    }
    fns = g.reachable(statementRoots(ctx, g, s.verb, s.line));
  } else fns = [];
  for (const f of fns) out.push({ id: g.idOf(f) + 1, label: f.name, line: f.line });
  return out;
}

/** The listed function a target id names, if it names one. */
export function targetFn(ctx: SessionContext, id: number): KernelFn | undefined {
  return id > PROC_TARGET ? ctx.registry.callGraph.fns[id - 1] : undefined;
}

/** Whether the function was entered at this step point (a callee may be entered at the same one as its caller). */
export function entered(m: Machine, fn: KernelFn): boolean {
  for (let i = m.frames.length - 1; i >= 0; i--) {
    const f = m.frames[i];
    if (!f || f.enteredAt !== m.step) return false;
    if (f.fn === fn) return true;
  }
  return false;
}

/** The proc a `call` on this line names. */
function callee(ctx: SessionContext, line: number): string | undefined {
  return findStmt(ctx.program?.stmts ?? [], line, ctx)?.args[0]?.word;
}

function findStmt(stmts: readonly Stmt[], line: number, ctx: SessionContext): Stmt | undefined {
  for (const s of stmts) {
    if (s.line === line) return s;
    const inner = s.body && findStmt(s.body, line, ctx);
    if (inner) return inner;
  }
  if (stmts === ctx.program?.stmts) for (const p of ctx.program.procs.values()) {
    const inner = p.body && findStmt(p.body, line, ctx);
    if (inner) return inner;
  }
  return undefined;
}

/** The kernel functions a statement enters first; through a `call`, those of the proc's statements, each proc once. */
function statementRoots(ctx: SessionContext, g: CallGraph, verb: string, line: number): KernelFn[] {
  if (verb !== 'call') return [...g.verbRoots(verb)];
  const out: KernelFn[] = [];
  const seen = new Set<string>();
  const walk = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      if (s.verb === 'call') {
        const name = s.args[0]?.word ?? '';
        const p = ctx.program?.procs.get(name);
        if (p && !seen.has(name)) {
          seen.add(name);
          walk(p.body ?? []);
        }
      } else if (s.verb === 'repeat') walk(s.body ?? []);
      else out.push(...g.verbRoots(s.verb));
    }
  };
  const s = findStmt(ctx.program?.stmts ?? [], line, ctx);
  if (s) walk([s]);
  return out;
}
