import type { Stmt } from './ast';
import type { Diagnostic, SourceRange } from './diagnostics';
import { ScenarioError } from './diagnostics';
import { errorText } from '../core/internal';
import type { Token } from './lexer';
import { lexLine } from './lexer';
import { badHead, parseStatement, rangeOf } from './parser';
import { IndexBuilder, kindOfVerb, ScenarioProgram, StatementIndex, StmtKind } from './program';
import type { VerbSpec, VerbTable } from './verbs';
import type { NameTables } from './names';
import { NameCheck } from './names';
import { unknownNameError } from './did_you_mean';

export interface ParseResult {
  readonly program: ScenarioProgram;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Names used and never declared in the file (`region_add g` with no
   * `hugetlb file g`): the run would stop there, so they are worth saying
   * as you type, but a program with warnings still runs up to that line.
   */
  readonly warnings: readonly Diagnostic[];
}

/** `repeat` and `proc` blocks inside one another: compiling recurses once per level. */
export const MAX_BLOCK_DEPTH = 100;
/** Diagnostics reported per file; a generated file with an error on every line says the rest in one more. */
export const MAX_DIAGNOSTICS = 100;

interface OpenBlock {
  /** The header's index in the statement index. */
  readonly at: number;
  readonly verb: string;
  readonly range: SourceRange;
  /** `proc NAME`: the name and where it is written. */
  readonly name?: { readonly word: string; readonly range: SourceRange };
}

/** Distinct clean lines remembered while a file is read: a bound on that set, not on the file. */
export const MAX_CLEAN_LINES = 1 << 16;

const kernelNotFirst = "'kernel' must come before every other statement, at the top level (it selects the kernel the whole scenario runs on)";

/** Checks each statement once it has parsed: the compile step's own errors, reported with the parser's. */
export type StatementCheck = (s: Stmt) => void;

/**
 * Parses a whole scenario. Every error in the file is reported; a program
 * with any error must not run. Each statement is parsed (and checked) here
 * and its tree dropped: the program keeps the source and a statement index,
 * and parses a line again when it is needed.
 */
export function parseScenario(file: string, source: string, verbs: VerbTable, check?: StatementCheck, names?: NameTables): ParseResult {
  const diags: Diagnostic[] = [];
  // A byte order mark some editors write is not part of the first statement.
  const text0 = source.replace(/^\uFEFF/, '');
  // Lines are cut one at a time, not split up front: a million live line strings would outlast the young generation.
  let lineCount = 1;
  for (let j = text0.indexOf('\n'); j >= 0; j = text0.indexOf('\n', j + 1)) lineCount++;
  const index = new IndexBuilder(lineCount);
  const open: OpenBlock[] = [];
  const procs = new Map<string, number>();
  const calls: Array<{ readonly word: string; readonly range: SourceRange }> = [];

  const nameCheck = names ? new NameCheck(names) : undefined;
  const error = (range: SourceRange, message: string, fix?: Diagnostic['fix']): void => {
    diags.push({ file, range, message, severity: 'error', ...(fix ? { fix } : {}) });
  };
  const closeBlock = (blk: OpenBlock): void => {
    index.close(blk.at);
    if (blk.verb !== 'proc') return;
    const name = blk.name?.word ?? '';
    if (procs.has(name)) error(blk.name?.range ?? blk.range, `proc '${name}' is already defined`);
    else procs.set(name, blk.at);
    if (open.length) error(blk.range, 'proc must be defined at the top level');
  };
  const badBlock = (lineNo: number, at: number, text: string): void => {
    const head = badHead(lineNo, text);
    open.push({ at: index.add(lineNo, at, StmtKind.Invalid), verb: head.verb, range: head.range });
  };

  // `kernel before=NNN` selects the kernel the whole run simulates: nothing may run before it.
  let seenStatement = false;
  const lexDiags: Diagnostic[] = [];
  // A line's text alone decides whether it parses and compiles: a generated file repeats many lines, read once each.
  const clean = new Set<string>();
  let offset = 0;
  for (let li = 0; li < lineCount; li++) {
    const lineNo = li + 1;
    const at = offset;
    const nl = text0.indexOf('\n', at);
    const text = text0.slice(at, nl < 0 ? text0.length : nl);
    offset += text.length + 1;
    if (clean.has(text)) {
      index.add(lineNo, at, StmtKind.Simple);
      continue;
    }
    lexDiags.length = 0;
    const toks = lexLine(file, lineNo, text, lexDiags);
    if (lexDiags.length) {
      for (const d of lexDiags) diags.push(d);
      // Keep the block structure so the lines after a bad one are checked in context.
      const head = toks[0] as Token;
      const tail = toks[toks.length - 2];
      if (head.kind === 'op' && head.text === '}') {
        const blk = open.pop();
        if (blk) index.close(blk.at);
      } else if (tail && tail.kind === 'op' && tail.text === '{') badBlock(lineNo, at, text);
      continue;
    }
    if ((toks[0] as Token).kind === 'eol') continue;
    const first = toks[0] as Token;
    if (first.kind === 'op' && first.text === '}') {
      const extra = toks[1] as Token;
      if (extra.kind !== 'eol') error(rangeOf(lineNo, extra), `unexpected '${extra.text}' after '}'`);
      const blk = open.pop();
      if (!blk) {
        error(rangeOf(lineNo, first), "'}' without an open block");
        continue;
      }
      closeBlock(blk);
      continue;
    }
    let stmt: Stmt;
    try {
      stmt = parseStatement(lineNo, text, toks, verbs);
      nameCheck?.statement(stmt, verbs.get(stmt.verb) as VerbSpec, file);
      if (check && !(verbs.get(stmt.verb) as VerbSpec).control) check(stmt);
    } catch (e) {
      if (e instanceof ScenarioError) {
        error(e.range ?? { line: lineNo, col: 1, endLine: lineNo, endCol: text.length + 1 }, e.message, e.fix);
        // Keep block structure intact after a bad block header so later lines are still checked.
        const last = toks[toks.length - 2] as Token;
        if (last.kind === 'op' && last.text === '{') badBlock(lineNo, at, text);
        continue;
      }
      // A bug in kstep on one line must not hide the rest of the file's diagnostics, nor reach the caller.
      diags.push({ file, range: { line: lineNo, col: 1, endLine: lineNo, endCol: text.length + 1 }, message: `internal error: ${errorText(e)}`, severity: 'error', internal: true });
      continue;
    }
    const kind = kindOfVerb(stmt.verb);
    const i = index.add(lineNo, at, kind);
    if (stmt.verb === 'kernel' && (seenStatement || open.length)) error(stmt.range, kernelNotFirst);
    // A proc definition runs nothing: `kernel` may follow it.
    if (stmt.verb !== 'proc' && !open.some((b) => b.verb === 'proc')) seenStatement = true;
    if (kind === StmtKind.Simple && clean.size < MAX_CLEAN_LINES && stmt.verb !== 'kernel') clean.add(text);
    if (stmt.verb === 'call') calls.push({ word: stmt.args[0]?.word ?? '', range: stmt.args[0]?.range ?? stmt.range });
    const spec = verbs.get(stmt.verb) as VerbSpec;
    if (spec.block) {
      // Once per excursion past the limit, not once per line beyond it.
      if (open.length === MAX_BLOCK_DEPTH) error(stmt.range, `blocks nest too deeply (more than ${MAX_BLOCK_DEPTH} levels of repeat, a fixed limit): move inner blocks into procs`);
      const nameArg = stmt.verb === 'proc' ? stmt.args[0] : undefined;
      open.push({ at: i, verb: stmt.verb, range: stmt.range, ...(nameArg ? { name: { word: nameArg.word ?? '', range: nameArg.range } } : {}) });
    }
  }
  for (const blk of open) error(blk.range, `'${blk.verb}' block is not closed with '}'`);
  for (const c of calls) {
    if (procs.has(c.word)) continue;
    const e = unknownNameError(`no proc named '${c.word}'`, c.word, c.range, procs.keys());
    error(c.range, e.message, e.fix);
  }
  diags.sort((a, b) => a.range.line - b.range.line || a.range.col - b.range.col);
  if (diags.length > MAX_DIAGNOSTICS) {
    const rest = diags.length - MAX_DIAGNOSTICS;
    const next = diags[MAX_DIAGNOSTICS] as Diagnostic;
    diags.length = MAX_DIAGNOSTICS;
    diags.push({ file, range: next.range, message: `… and ${rest} more error${rest > 1 ? 's' : ''}`, severity: 'error', omitted: rest });
  }
  // By line before the cut, as the errors are: the path warnings come first out of finish(), the names after.
  const warnings = (nameCheck?.finish(file) ?? []).sort((a, b) => a.range.line - b.range.line || a.range.col - b.range.col).slice(0, MAX_DIAGNOSTICS);
  return { program: new ScenarioProgram(file, text0, new StatementIndex(index), procs, verbs), diagnostics: diags, warnings };
}

