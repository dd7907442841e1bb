import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Condition, EvalEnv, Expr, Frame, Machine, Program, StateNode, Stmt } from '../sim';
import { evalRef, evaluate, formatValue, parseExpression, refValue, truthy } from '../sim';
import { frameNode } from './frame_view';

/** The statement a breakpoint on `line` binds to: the one on that line, or the next one after it. */
export function bindLine(p: Program, line: number): Stmt | undefined {
  const i = p.index.bind(line);
  return i < 0 ? undefined : p.statement(i);
}

/** Where breakpoints can go in lines from..to: each statement's line and first column, from the index alone. */
export function statementLocations(p: Program, from: number, to: number): Array<{ line: number; column: number }> {
  const out: Array<{ line: number; column: number }> = [];
  for (let i = p.index.bind(from); i >= 0 && i < p.index.count && p.index.line(i) <= to; i++) {
    if (!p.isDefinition(i)) out.push({ line: p.index.line(i), column: p.column(i) });
  }
  return out;
}

/**
 * What a condition or a log message reads at a hit: the state tree, and `frame`, a kernel frame's arguments and
 * locals as the Watch view has them (`frame.f == 2` on region_add, `{frame.code}` in a listing logpoint): the
 * frame a function breakpoint stopped on, else the innermost one. At a scenario line there is no `frame`.
 */
function hitEnv(m: Machine, fr: Frame | undefined = m.frames[m.frames.length - 1]): EvalEnv {
  const at = (path: string): StateNode | undefined => {
    const e = parseExpression(path);
    if ('error' in e) return undefined;
    try {
      const r = evalRef(m, e);
      return 'node' in r ? r.node : undefined;
    } catch {
      return undefined;
    }
  };
  return { root: (name) => (name === 'frame' ? (fr ? frameNode(fr, at) : undefined) : m.root(name)) };
}

export function compileCondition(text: string): Condition | { error: string } {
  const e = parseExpression(text);
  if ('error' in e) return e;
  return (m: Machine, fr?: Frame) => truthy(evaluate(hitEnv(m, fr), e));
}

/**
 * Hit conditions: `N` or `== N` (stop on the Nth hit), `>= N`, `> N`, `< N`,
 * `<= N`, `% N` (every Nth hit).
 */
export function compileHitCondition(text: string): ((hits: number) => boolean) | { error: string } {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return { error: `hit condition '${text}' must look like 5, == 5, >= 5, > 5, < 5, <= 5 or % 5` };
  const n = Number(m[2]);
  switch (m[1] ?? '==') {
    case '==': return (h) => h === n;
    case '>=': return (h) => h >= n;
    case '<=': return (h) => h <= n;
    case '>': return (h) => h > n;
    case '<': return (h) => h < n;
    default: return n === 0 ? { error: '% 0 never matches' } : (h) => h % n === 0;
  }
}

/** A logpoint message: text with `{expression}` parts evaluated at the hit. */
export function compileLogMessage(text: string): ((m: Machine) => string) | { error: string } {
  const parts: Array<string | Expr> = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) {
      parts.push(text.slice(i));
      break;
    }
    const close = text.indexOf('}', open);
    if (close < 0) return { error: `unclosed '{' in log message` };
    parts.push(text.slice(i, open));
    const e = parseExpression(text.slice(open + 1, close));
    if ('error' in e) return { error: `in {${text.slice(open + 1, close)}}: ${e.error}` };
    parts.push(e);
    i = close + 1;
  }
  return (m) =>
    parts
      .map((p) => {
        if (typeof p === 'string') return p;
        try {
          return formatValue(refValue(evalRef(hitEnv(m), p)));
        } catch (err) {
          return `<${(err as Error).message}>`;
        }
      })
      .join('');
}

export function unverified(line: number, message: string, id: number): DebugProtocol.Breakpoint {
  return { id, verified: false, line, message };
}
