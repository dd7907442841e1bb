import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DataWatch, ExceptionKind, FunctionBreakpoint, KernelSource, LineBreakpoint, Machine, Program, Registry } from '../sim';
import { didYouMean, evalRef, formatValue, parseExpression } from '../sim';
import { bindLine, compileCondition, compileHitCondition, compileLogMessage, unverified } from './breakpoints';
import { bindKernelLine } from './sources';
import { plainValue } from './variables';

type Compiled<T> = T | { error: string } | undefined;

function failed(...xs: Array<Compiled<unknown>>): string | undefined {
  for (const x of xs) if (typeof x === 'object' && x !== null && 'error' in x) return (x as { error: string }).error;
  return undefined;
}

/**
 * Every breakpoint the client asked for, kept so a restart applies the same
 * ones to the new machine, with the same ids (so hitBreakpointIds name
 * breakpoints the client knows).
 */
export class BreakpointBook {
  private nextId = 1;
  private readonly ids = new WeakMap<object, number>();
  private sources: DebugProtocol.SourceBreakpoint[] = [];
  private functions: DebugProtocol.FunctionBreakpoint[] = [];
  private exceptions: DebugProtocol.SetExceptionBreakpointsArguments;
  private data: DebugProtocol.DataBreakpoint[] = [];
  /** Breakpoints in kernel listings, by listing path. */
  private kernel = new Map<string, DebugProtocol.SourceBreakpoint[]>();

  constructor(private readonly registry: Registry) {
    this.exceptions = { filters: registry.exceptionFilters.filter((f) => f.default).map((f) => f.kind) };
  }

  freshId(): number {
    return this.nextId++;
  }

  private idOf(b: object): number {
    let id = this.ids.get(b);
    if (id === undefined) {
      id = this.freshId();
      this.ids.set(b, id);
    }
    return id;
  }

  /**
   * Stores a new list and applies it; if applying throws (arguments of the
   * wrong types) the old list is put back, so a malformed request cannot make
   * every later launch fail when it is applied again.
   */
  private replace<T>(get: () => T, set: (v: T) => void, next: T, apply: () => DebugProtocol.Breakpoint[]): DebugProtocol.Breakpoint[] {
    const prev = get();
    set(next);
    try {
      return apply();
    } catch (e) {
      set(prev);
      throw e;
    }
  }

  setLines(list: DebugProtocol.SourceBreakpoint[], program: Program | undefined, m: Machine | undefined): DebugProtocol.Breakpoint[] {
    return this.replace(() => this.sources, (v) => (this.sources = v), list, () => this.applyLines(program, m));
  }

  /** Breakpoints in a kernel listing: they bind to the listing's step points, with no scenario needed. */
  setKernelLines(src: KernelSource, list: DebugProtocol.SourceBreakpoint[], m: Machine | undefined): DebugProtocol.Breakpoint[] {
    const prev = this.kernel.get(src.path);
    this.kernel.set(src.path, list);
    try {
      return this.applyKernel(src, m);
    } catch (e) {
      if (prev) this.kernel.set(src.path, prev);
      else this.kernel.delete(src.path);
      throw e;
    }
  }

  setFunctions(list: DebugProtocol.FunctionBreakpoint[], m: Machine | undefined): DebugProtocol.Breakpoint[] {
    return this.replace(() => this.functions, (v) => (this.functions = v), list, () => this.applyFunctions(m));
  }

  setExceptions(args: DebugProtocol.SetExceptionBreakpointsArguments, m: Machine | undefined): DebugProtocol.Breakpoint[] {
    return this.replace(() => this.exceptions, (v) => (this.exceptions = v), args, () => this.applyExceptions(m));
  }

  setData(list: DebugProtocol.DataBreakpoint[], m: Machine | undefined): DebugProtocol.Breakpoint[] {
    return this.replace(() => this.data, (v) => (this.data = v), list, () => this.applyData(m));
  }

  /** Puts every kept breakpoint on a new machine (launch, restart). */
  applyAll(program: Program, m: Machine): void {
    this.applyLines(program, m);
    for (const src of this.registry.sources) if (this.kernel.has(src.path)) this.applyKernel(src, m);
    this.applyFunctions(m);
    this.applyExceptions(m);
    this.applyData(m);
  }

  private applyLines(program: Program | undefined, m: Machine | undefined): DebugProtocol.Breakpoint[] {
    const out: DebugProtocol.Breakpoint[] = [];
    // Checked against the program even when no machine runs (after disconnect), so what is kept is valid.
    if (!program) return out;
    const bps: LineBreakpoint[] = [];
    for (const b of this.sources) {
      const id = this.idOf(b);
      const stmt = bindLine(program, b.line);
      if (!stmt) {
        out.push(unverified(b.line, 'no statement at or after this line', id));
        continue;
      }
      const made = this.lineBreakpoint(b, id, stmt.line);
      if ('error' in made) {
        out.push(unverified(b.line, made.error, id));
        continue;
      }
      bps.push(made);
      out.push({ id, verified: true, line: stmt.line, column: stmt.range.col, ...(stmt.line !== b.line ? { message: `moved to the next statement, line ${stmt.line}` } : {}) });
    }
    m?.breakpoints.setLines(bps);
    return out;
  }

  private applyKernel(src: KernelSource, m: Machine | undefined): DebugProtocol.Breakpoint[] {
    const out: DebugProtocol.Breakpoint[] = [];
    const bps: LineBreakpoint[] = [];
    for (const b of this.kernel.get(src.path) ?? []) {
      const id = this.idOf(b);
      const at = bindKernelLine(src, b.line);
      if (!at) {
        out.push(unverified(b.line, 'no step point at or after this line in its function', id));
        continue;
      }
      const made = this.lineBreakpoint(b, id, at.line);
      if ('error' in made) {
        out.push(unverified(b.line, made.error, id));
        continue;
      }
      bps.push(made);
      out.push({ id, verified: true, line: at.line, ...(at.line !== b.line ? { message: `moved to the next step point of ${at.fn}, line ${at.line}` } : {}) });
    }
    m?.breakpoints.setKernelLines(src.path, bps);
    return out;
  }

  /** A line breakpoint with its condition, hit condition and log message compiled, or why one of them does not compile. */
  private lineBreakpoint(b: DebugProtocol.SourceBreakpoint, id: number, line: number): LineBreakpoint | { error: string } {
    const cond = b.condition ? compileCondition(b.condition) : undefined;
    const hit = b.hitCondition ? compileHitCondition(b.hitCondition) : undefined;
    const log = b.logMessage ? compileLogMessage(b.logMessage) : undefined;
    const bad = failed(cond, hit, log);
    if (bad) return { error: bad };
    return {
      id,
      line,
      hits: 0,
      ...(typeof cond === 'function' ? { condition: cond } : {}),
      ...(typeof hit === 'function' ? { hitCondition: hit } : {}),
      ...(typeof log === 'function' ? { log } : {}),
    };
  }

  private applyFunctions(m: Machine | undefined): DebugProtocol.Breakpoint[] {
    const known = this.registry.functionNames;
    const out: DebugProtocol.Breakpoint[] = [];
    const bps: FunctionBreakpoint[] = [];
    for (const b of this.functions) {
      const id = this.idOf(b);
      const name = b.name.trim();
      const cond = b.condition ? compileCondition(b.condition) : undefined;
      const hit = b.hitCondition ? compileHitCondition(b.hitCondition) : undefined;
      const bad = failed(cond, hit);
      if (bad) {
        out.push({ id, verified: false, message: bad });
        continue;
      }
      const kept = this.registry.functionName(name);
      if (kept === undefined) {
        // Hundreds of names would bury the one meant: offer the nearest few.
        const near = didYouMean(name, known);
        out.push({ id, verified: false, message: `no simulated kernel function '${name}'${near || ' (a kernel function of the listings, such as region_add, a hypercall name or code, or hvc)'}` });
        continue;
      }
      bps.push({ id, name: kept, hits: 0, ...(typeof cond === 'function' ? { condition: cond } : {}), ...(typeof hit === 'function' ? { hitCondition: hit } : {}) });
      out.push({ id, verified: true });
    }
    m?.breakpoints.setFunctions(bps);
    return out;
  }

  private applyExceptions(m: Machine | undefined): DebugProtocol.Breakpoint[] {
    const valid = new Set(this.registry.exceptionFilters.map((f) => f.kind));
    const chosen: Array<{ filter: string; condition?: string }> = [
      ...this.exceptions.filters.map((filter) => ({ filter })),
      ...(this.exceptions.filterOptions ?? []).map((o) => ({ filter: o.filterId, ...(o.condition ? { condition: o.condition } : {}) })),
    ];
    const kinds: Array<{ kind: ExceptionKind; condition?: (m: Machine) => boolean }> = [];
    const out: DebugProtocol.Breakpoint[] = [];
    for (const c of chosen) {
      const id = this.freshId();
      if (!valid.has(c.filter)) {
        out.push({ id, verified: false, message: `unknown exception filter '${c.filter}'` });
        continue;
      }
      const cond = c.condition ? compileCondition(c.condition) : undefined;
      const bad = failed(cond);
      if (bad) {
        out.push({ id, verified: false, message: bad });
        continue;
      }
      kinds.push({ kind: c.filter, ...(typeof cond === 'function' ? { condition: cond } : {}) });
      out.push({ id, verified: true });
    }
    m?.breakpoints.setExceptions(kinds);
    return out;
  }

  private applyData(m: Machine | undefined): DebugProtocol.Breakpoint[] {
    const out: DebugProtocol.Breakpoint[] = [];
    const watches: DataWatch[] = [];
    for (const b of this.data) {
      const id = this.idOf(b);
      const e = parseExpression(b.dataId);
      const cond = b.condition ? compileCondition(b.condition) : undefined;
      const hit = b.hitCondition ? compileHitCondition(b.hitCondition) : undefined;
      const bad = 'error' in e ? e.error : failed(cond, hit);
      if (bad || 'error' in e) {
        out.push({ id, verified: false, message: bad ?? 'bad expression' });
        continue;
      }
      const read = (mm: Machine): string | undefined => {
        try {
          return formatValue(plainValue(evalRef(mm, e)));
        } catch {
          return undefined;
        }
      };
      watches.push({
        id,
        read,
        last: undefined,
        hits: 0,
        ...(typeof cond === 'function' ? { condition: cond } : {}),
        ...(typeof hit === 'function' ? { hitCondition: hit } : {}),
      });
      out.push({ id, verified: true, message: `stops after a step that changes ${b.dataId}` });
    }
    if (m) {
      m.breakpoints.data = watches;
      m.rebaseWatches();
    }
    return out;
  }
}
