import type { Stmt } from './ast';
import type { Diagnostic } from './diagnostics';
import { ScenarioError } from './diagnostics';
import type { Token } from './lexer';
import { lexLine } from './lexer';
import { badHead, parseStatement } from './parser';
import type { VerbTable } from './verbs';

/** What a statement is to the control flow; the statement itself is parsed again when it is needed. */
export const StmtKind = {
  Simple: 0,
  Repeat: 1,
  Proc: 2,
  Call: 3,
  /** A block header with an error: kept so the lines after it are checked in their block. */
  Invalid: 4,
} as const;
export type StmtKind = (typeof StmtKind)[keyof typeof StmtKind];

/**
 * The block structure of a scenario in typed arrays: for each statement in
 * line order its line, where that line starts in the source, its kind and the
 * index just past its block. A million-line scenario keeps 13 bytes a
 * statement here and its source text, not a syntax tree per line.
 */
export class StatementIndex {
  readonly count: number;
  private readonly lineOf: Int32Array;
  private readonly startOf: Int32Array;
  private readonly nextOf: Int32Array;
  private readonly kindOf: Uint8Array;

  constructor(b: IndexBuilder) {
    this.count = b.count;
    // Copies the used part: the builder sized its arrays for every line of the file.
    this.lineOf = b.lines.slice(0, b.count);
    this.startOf = b.starts.slice(0, b.count);
    this.nextOf = b.next.slice(0, b.count);
    this.kindOf = b.kinds.slice(0, b.count);
  }

  line(i: number): number {
    return this.lineOf[i] as number;
  }

  /** Offset in the source of statement i's line. */
  start(i: number): number {
    return this.startOf[i] as number;
  }

  kind(i: number): StmtKind {
    return this.kindOf[i] as StmtKind;
  }

  /** The index just past statement i and, for a block header, its whole block: the next statement at i's level. */
  next(i: number): number {
    return this.nextOf[i] as number;
  }

  /** The first statement at or after `line` that runs (a proc header does not), or -1. */
  bind(line: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.lineOf[mid] as number) < line) lo = mid + 1;
      else hi = mid;
    }
    while (lo < this.count && this.kindOf[lo] === StmtKind.Proc) lo++;
    return lo < this.count ? lo : -1;
  }
}

/** Grows the index while the parser reads the file, one statement at a time. */
export class IndexBuilder {
  count = 0;
  readonly lines: Int32Array;
  readonly starts: Int32Array;
  readonly next: Int32Array;
  readonly kinds: Uint8Array;

  /** `lines`: how many lines the file has, the most statements it can hold. */
  constructor(lines: number) {
    this.lines = new Int32Array(lines);
    this.starts = new Int32Array(lines);
    this.next = new Int32Array(lines);
    this.kinds = new Uint8Array(lines);
  }

  /** Adds a statement; a block header's `next` is set when its block closes. */
  add(line: number, start: number, kind: StmtKind): number {
    const i = this.count++;
    this.lines[i] = line;
    this.starts[i] = start;
    this.kinds[i] = kind;
    this.next[i] = i + 1;
    return i;
  }

  close(head: number): void {
    this.next[head] = this.count;
  }
}

export function kindOfVerb(verb: string): StmtKind {
  return verb === 'repeat' ? StmtKind.Repeat : verb === 'proc' ? StmtKind.Proc : verb === 'call' ? StmtKind.Call : StmtKind.Simple;
}

/**
 * A parsed scenario: its source and the statement index. A statement's
 * syntax tree is built again from its line when something asks for it (the
 * engine compiling it before it runs, a breakpoint binding to it); the whole
 * tree only for a caller that reads `stmts` (tests, tools over small files).
 */
export class ScenarioProgram {
  private tree: { stmts: readonly Stmt[]; procs: ReadonlyMap<string, Stmt> } | undefined;
  private splitLines: readonly string[] | undefined;

  constructor(
    readonly file: string,
    readonly source: string,
    readonly index: StatementIndex,
    /** Proc name → the index of its header. */
    readonly procIndex: ReadonlyMap<string, number>,
    private readonly verbs: VerbTable,
  ) {}

  get lines(): readonly string[] {
    this.splitLines ??= this.source.split('\n');
    return this.splitLines;
  }

  /** The text of statement i's line, as written. */
  lineText(i: number): string {
    const start = this.index.start(i);
    const end = this.source.indexOf('\n', start);
    return this.source.slice(start, end < 0 ? this.source.length : end);
  }

  /** A `proc` header: it defines, it does not run. */
  isDefinition(i: number): boolean {
    return this.index.kind(i) === StmtKind.Proc;
  }

  /** The column statement i starts at (after the indentation the lexer skips). */
  column(i: number): number {
    const start = this.index.start(i);
    let j = start;
    for (let c = this.source.charCodeAt(j); c === 32 || c === 9 || c === 13; c = this.source.charCodeAt(++j));
    return j - start + 1;
  }

  /** Statement i without its block body, parsed from its line (which parsed without error at load). */
  statement(i: number): Stmt {
    const text = this.lineText(i);
    const line = this.index.line(i);
    if (this.index.kind(i) === StmtKind.Invalid) return badHead(line, text);
    const diags: Diagnostic[] = [];
    const toks = lexLine(this.file, line, text, diags);
    if (diags.length) throw new ScenarioError((diags[0] as Diagnostic).message, (diags[0] as Diagnostic).range);
    return parseStatement(line, text, toks as readonly Token[], this.verbs);
  }

  get stmts(): readonly Stmt[] {
    return this.buildTree().stmts;
  }

  get procs(): ReadonlyMap<string, Stmt> {
    return this.buildTree().procs;
  }

  private buildTree(): { stmts: readonly Stmt[]; procs: ReadonlyMap<string, Stmt> } {
    if (this.tree) return this.tree;
    const procs = new Map<string, Stmt>();
    const level = (from: number, to: number): Stmt[] => {
      const out: Stmt[] = [];
      for (let i = from; i < to; i = this.index.next(i)) {
        const s = this.statement(i);
        const k = this.index.kind(i);
        if (k === StmtKind.Repeat || k === StmtKind.Proc || k === StmtKind.Invalid) {
          const b: Stmt = { ...s, body: level(i + 1, this.index.next(i)) };
          if (this.procIndex.get(b.args[0]?.word ?? '') === i) procs.set(b.args[0]?.word ?? '', b);
          out.push(b);
        } else out.push(s);
      }
      return out;
    };
    this.tree = { stmts: level(0, this.index.count), procs };
    return this.tree;
  }
}
