import type { Expr, Program, Stmt } from './ast';
import { ScenarioError } from './diagnostics';
import { kernelExec } from './kernel_stmt';
import { argBig } from './args';
import { evalRef, evaluate, refValue } from './eval';
import type { Code, CStmt } from '../core/control';
import { StmtKind } from './program';
import { MAX_CALL_DEPTH } from '../core/control';
import type { KGen } from '../core/frames';
import type { CompiledProgram, Machine } from '../core/machine';
import type { Value } from '../core/values';
import { formatValue, truthy } from '../core/values';
import type { ValueKind } from '../core/kinds';
import { kindOfName, showValue } from '../core/kinds';
import { kindOfNode } from '../core/state';

export type Exec = (m: Machine) => void | KGen;

/** Builds the executor of one statement; mechanisms register one per verb. */
export type StatementCompiler = (s: Stmt) => Exec;

/** Compiled statements kept at once: a loop's body is compiled once, a million-line file's lines are not all kept. */
export const COMPILED_CACHE = 1 << 16;

/**
 * A parsed program ready to run: each statement is parsed again from its
 * line and compiled when the engine first fetches it. The parser has already
 * compiled every statement once (and dropped it), so no error of the file
 * waits to be found until a line is reached; compiling is pure, so a
 * statement compiled again runs as the first did.
 */
class LazyCode implements Code {
  readonly count: number;
  private readonly cache = new Map<number, CStmt>();

  constructor(
    private readonly p: Program,
    private readonly compilers: ReadonlyMap<string, StatementCompiler>,
  ) {
    this.count = p.index.count;
  }

  next(i: number): number {
    return this.p.index.next(i);
  }

  isDefinition(i: number): boolean {
    return this.p.index.kind(i) === StmtKind.Proc;
  }

  at(i: number): CStmt {
    let c = this.cache.get(i);
    if (c) return c;
    if (this.cache.size >= COMPILED_CACHE) this.cache.clear();
    c = this.compile(i);
    this.cache.set(i, c);
    return c;
  }

  private compile(i: number): CStmt {
    const s = this.p.statement(i);
    switch (this.p.index.kind(i)) {
      case StmtKind.Repeat: {
        const count = s.args[0];
        const start = i + 1;
        const end = this.next(i);
        return {
          stmt: s,
          exec: (m) => {
            const n = argBig(m, count as NonNullable<typeof count>, 'repeat count');
            if (n < 0n) throw new ScenarioError(`repeat count ${n} is negative`, count?.range);
            m.control.pushRepeat(start, end, n);
          },
        };
      }
      case StmtKind.Call: {
        const name = s.args[0]?.word ?? '';
        const proc = this.p.procIndex.get(name);
        // The parser reports a call of an unknown proc: such a program does not run.
        const start = proc === undefined ? 0 : proc + 1;
        const end = proc === undefined ? 0 : this.next(proc);
        const cs: CStmt = {
          stmt: s,
          exec: (m) => {
            if (m.control.callDepth >= MAX_CALL_DEPTH) throw new ScenarioError(`call depth exceeds ${MAX_CALL_DEPTH} (recursive proc '${name}'?), a fixed limit: loop with repeat instead of recursing`, s.range);
            m.control.pushProc(start, end, cs, name);
          },
        };
        return cs;
      }
      default:
        return { stmt: s, exec: compileSimple(s, this.compilers) };
    }
  }
}

/** Compiles a parsed program against the statement compilers of the simulated mechanisms. */
export function compileProgram(p: Program, compilers: ReadonlyMap<string, StatementCompiler>): CompiledProgram {
  return { file: p.file, code: new LazyCode(p, compilers) };
}

/** Compiles a statement that is not control flow (also used for REPL input). */
export function compileSimple(s: Stmt, compilers: ReadonlyMap<string, StatementCompiler>): Exec {
  switch (s.verb) {
    case 'expect':
      return expectExec(s);
    case 'print':
      return (m) => {
        m.output(s.exprs.map((e) => printText(m, e)).join(' '), 'stdout');
      };
    case 'advance':
      return advanceExec(s);
    case 'kernel':
      return kernelExec(s);
    case 'repeat':
    case 'call':
    case 'proc':
      throw new ScenarioError(`'${s.verb}' cannot be used here`, s.range);
  }
  const c = compilers.get(s.verb);
  // The registry checks every declared verb has a compiler: a parsed statement always finds one.
  if (!c) throw new Error(`no compiler for '${s.verb}'`);
  return c(s);
}

/**
 * `print` shows a state value by its kind, as the debugger's views do
 * (addresses and registers in hex); a time stays the number the scenario
 * compares (`time.ns` prints 8000000), and a computed value prints in decimal.
 */
function printText(m: Machine, e: Expr): string {
  const r = evalRef(m, e);
  const v = refValue(r);
  if (typeof v === 'string') return v;
  if (!('node' in r)) return formatValue(v);
  const n = r.node;
  // An element of a list (`payload[0]`) is of the list's kind; a record's fields have their own.
  const kind = n.kind === 'record' && !n.get ? undefined : (kindOfNode(n) ?? kindOfName(exprName(e)) ?? (e.k === 'index' && n.kind === 'leaf' ? listKind(m, e.obj) : undefined));
  return showValue(v, kind, { hex: true, units: false });
}

/** The last name of a path expression (`a.b[1].c` → `c`; `a.b[1]` → `b`). */
function exprName(e: Expr): string {
  if (e.k === 'member' || e.k === 'ident') return e.name;
  return e.k === 'index' ? exprName(e.obj) : '';
}

/** The kind of the list an index expression reads from, for its scalar elements. */
function listKind(m: Machine, obj: Expr): ValueKind | undefined {
  const r = evalRef(m, obj);
  return 'node' in r ? (kindOfNode(r.node) ?? kindOfName(exprName(obj))) : undefined;
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

function expectExec(s: Stmt): Exec {
  const e = s.exprs[0] as Expr;
  const text = sourceText(s, e);
  return (m) => {
    if (e.k === 'binary' && COMPARISONS.has(e.op)) {
      const left = evaluate(m, e.l);
      const right = evaluate(m, e.r);
      const ok = evaluate(m, e);
      if (!truthy(ok)) {
        m.raise('expect', `expect failed: ${text} (left = ${formatValue(left)}, right = ${formatValue(right)})`, { left, right });
      }
      return;
    }
    const v: Value = evaluate(m, e);
    if (!truthy(v)) m.raise('expect', `expect failed: ${text} (value = ${formatValue(v)})`, { value: v });
  };
}

function advanceExec(s: Stmt): Exec {
  const a = s.args[0] as NonNullable<Stmt['args'][0]>;
  return (m) => {
    if (a.expr.k === 'num' && a.expr.unit !== 'ns') {
      throw new ScenarioError('advance needs a duration with a unit: ns, us, ms or s (e.g. advance 8ms)', a.range);
    }
    const d = argBig(m, a, 'duration');
    if (d < 0n) throw new ScenarioError('advance cannot move time backwards', a.range);
    const target = m.now + d;
    const due = m.events.peek();
    if (!due || due.due > target) {
      m.now = target;
      return;
    }
    return fireEvents(m, target);
  };
}

/** Fires every event due in (now, target] in time order, each in its own kernel frames. */
function* fireEvents(m: Machine, target: bigint): KGen {
  for (let e = m.events.peek(); e && e.due <= target; e = m.events.peek()) {
    m.events.pop();
    if (e.due > m.now) m.now = e.due;
    const h = m.eventHandlers.get(e.kind);
    if (!h) throw new Error(`no handler for event kind ${e.kind}`);
    yield* h(m, e);
  }
  m.now = target;
}

/** The source text of an expression on its statement's line. */
export function sourceText(s: Stmt, e: Expr): string {
  const start = s.range.col;
  return s.text.slice(e.range.col - start, e.range.endCol - start).trim() || s.text;
}
