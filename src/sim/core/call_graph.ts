import type { KernelFn, KernelSource } from './frames';

/** One call site: the listing line of the caller's step point that calls `callee`. */
export interface CallSite {
  readonly line: number;
  readonly callee: KernelFn;
}

/**
 * Which listed kernel function can call which, known from the listings
 * alone: a step point's line (`//@label`) that calls another listed function
 * by name is a call site. The debugger answers stepInTargets from it without
 * running the future, so the answer costs the same for one page or a million.
 *
 * `extra` adds call sites the listing text does not spell (a step point that
 * stands for a helper the simulation enters under its own name) and the
 * functions each statement verb enters first; both are declared beside the
 * mechanisms' code, and a test checks them against the calls that happen.
 */
export class CallGraph {
  readonly byName = new Map<string, KernelFn>();
  /** Every listed function in a fixed order: a step-in target's id is its place here. */
  readonly fns: readonly KernelFn[];
  private readonly ids = new Map<KernelFn, number>();
  private readonly sites = new Map<KernelFn, CallSite[]>();
  private readonly roots = new Map<string, KernelFn[]>();

  constructor(sources: readonly KernelSource[], decls: readonly CallDecls[] = []) {
    // A name listed twice (a kernel before its patch, listed after the patched one) means the patched function.
    for (const s of sources) for (const f of s.functions.values()) if (!this.byName.has(f.name)) this.byName.set(f.name, f);
    this.fns = [...this.byName.values()];
    this.fns.forEach((f, i) => this.ids.set(f, i));
    const names = [...this.byName.keys()].sort((a, b) => b.length - a.length).map(escape);
    // One pass per line over every name: `foo(` and `foo (` are calls, `xfoo(` and `.foo(` are not.
    const call = names.length ? new RegExp(`(?<![\\w.>])(${names.join('|')})\\s*\\(`, 'g') : undefined;
    for (const s of sources) {
      for (const f of s.functions.values()) {
        const list: CallSite[] = [];
        const lines = [...new Set(f.labels.values())].sort((a, b) => a - b);
        for (const line of lines) {
          const text = stripComment(s.lines[line - 1] ?? '');
          for (const m of call ? text.matchAll(call) : []) {
            const callee = this.byName.get(m[1] as string);
            if (callee && callee !== f && !list.some((c) => c.line === line && c.callee === callee)) list.push({ line, callee });
          }
        }
        this.sites.set(f, list);
      }
    }
    for (const extra of decls) this.declare(extra);
  }

  private declare(extra: CallDecls): void {
    for (const [caller, decl] of Object.entries(extra.calls ?? {})) {
      const f = this.fn(caller, 'caller');
      const list = this.sites.get(f) as CallSite[];
      for (const [label, callees] of Object.entries(decl)) {
        const line = label === '' ? f.line : f.labels.get(label);
        if (line === undefined) throw new Error(`call graph: ${caller} has no step point '${label}'`);
        for (const c of callees) {
          const callee = this.fn(c, 'callee');
          if (!list.some((x) => x.line === line && x.callee === callee)) list.push({ line, callee });
        }
      }
      list.sort((a, b) => a.line - b.line);
    }
    // A verb's roots may come from several mechanisms (`advance` fires every mechanism's timers).
    for (const [verb, fns] of Object.entries(extra.verbs ?? {})) this.roots.set(verb, [...(this.roots.get(verb) ?? []), ...fns.map((n) => this.fn(n, `verb '${verb}' root`))]);
  }

  private fn(name: string, what: string): KernelFn {
    const f = this.byName.get(name);
    if (!f) throw new Error(`call graph: ${what} ${name} is not a listed function`);
    return f;
  }

  /** `f`'s place in `fns`. */
  idOf(f: KernelFn): number {
    return this.ids.get(f) ?? -1;
  }

  /** The call sites of `f`, in listing order. */
  callSites(f: KernelFn): readonly CallSite[] {
    return this.sites.get(f) ?? [];
  }

  /** The functions a statement of `verb` enters first. */
  verbRoots(verb: string): readonly KernelFn[] {
    return this.roots.get(verb) ?? [];
  }

  /**
   * Every function that can be entered below the given starts, each once, in
   * the order a depth-first walk of the listings meets them: a function's
   * callees in listing order, each followed by its own callees. `skip` is
   * not listed (the frame the user is in) but is still walked through.
   */
  reachable(starts: readonly KernelFn[], skip?: KernelFn): KernelFn[] {
    const out: KernelFn[] = [];
    const seen = new Set<KernelFn>();
    const visit = (f: KernelFn): void => {
      if (seen.has(f)) return;
      seen.add(f);
      if (f !== skip) out.push(f);
      for (const c of this.callSites(f)) visit(c.callee);
    };
    for (const f of starts) visit(f);
    return out;
  }
}

/** What a mechanism declares beside its listings (see CallGraph). */
export interface CallDecls {
  /** caller → its step-point label ('' for before the first one) → callees entered there that the line's text does not name. */
  readonly calls?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** statement verb → the kernel functions it enters first, in the order it can enter them. */
  readonly verbs?: Readonly<Record<string, readonly string[]>>;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The code of a listing line without its trailing comment: `/* calls foo() *\/` is not a call. */
function stripComment(line: string): string {
  const i = line.indexOf('//');
  const code = i >= 0 ? line.slice(0, i) : line;
  return code.replace(/\/\*.*?(\*\/|$)/g, '');
}
