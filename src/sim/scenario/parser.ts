import type { Arg, Expr, Stmt } from './ast';
import type { SourceRange } from './diagnostics';
import { ScenarioError } from './diagnostics';
import { ExprParser } from './expr_parser';
import { unknownNameError } from './did_you_mean';
import type { Token } from './lexer';
import { trimmedLength } from './lexer';
import type { KeySpec, PosSpec, VerbSpec, VerbTable } from './verbs';

export function badHead(line: number, text: string): Stmt {
  return {
    verb: 'invalid', range: { line, col: 1, endLine: line, endCol: text.length + 1 }, line,
    args: NONE, keys: NO_KEYS, flags: NO_FLAGS, exprs: NONE, text: text.trim(),
  };
}

export function rangeOf(line: number, t: Token): SourceRange {
  return { line, col: t.col, endLine: line, endCol: Math.max(t.endCol, t.col + 1) };
}

function isOp(t: Token, text: string): boolean {
  return t.kind === 'op' && t.text === text;
}

/** Parses one statement line; throws ScenarioError at the first problem on the line. */
export function parseStatement(lineNo: number, text: string, toks: readonly Token[], verbs: VerbTable): Stmt {
  const err = (t: Token, message: string): never => {
    throw new ScenarioError(message, rangeOf(lineNo, t));
  };
  const first = toks[0] as Token;
  if (first.kind !== 'ident') err(first, `expected a statement but found '${first.text}'`);
  let verb = first.text;
  let pos = 1;
  const subs = verbs.subverbs.get(verb);
  if (subs) {
    const t = toks[1] as Token;
    if (t.kind === 'ident' && subs.includes(t.text)) {
      verb = `${verb} ${t.text}`;
      pos = 2;
    } else if (!verbs.has(verb)) {
      err(t.kind === 'eol' ? first : t, `'${first.text}' needs one of: ${subs.join(', ')}`);
    }
  }
  const spec = verbs.get(verb);
  if (!spec) throw unknownNameError(`unknown statement '${first.text}'`, first.text, rangeOf(lineNo, first), verbs.words);

  let end = toks.length - 1; // index of eol
  if (spec.block) {
    const brace = toks[end - 1] as Token;
    if (!isOp(brace, '{')) err(toks[end] as Token, `'${verb}' must end with '{'`);
    end--;
  }
  const p = new ExprParser(toks, lineNo, pos);
  const stmtRange: SourceRange = { line: lineNo, col: first.col, endLine: lineNo, endCol: trimmedLength(text) + 1 };
  const exprs: Expr[] = [];
  const args: Arg[] = [];
  // Most statements have no keys or flags: the shared empty ones stand in until one is written.
  let keys: Map<string, Arg & { keyRange: SourceRange }> | undefined;
  let flags: Set<string> | undefined;
  let assign: Stmt['assign'];

  if (spec.rest) {
    if (p.pos >= end) err(toks[end] as Token, `'${verb}' needs an expression`);
    exprs.push(p.parse(false));
    while (spec.rest === 'exprs' && isOp(p.peek(), ',')) {
      p.pos++;
      exprs.push(p.parse(false));
    }
    if (p.pos < end) err(p.peek(), `unexpected '${p.peek().text}' after the expression`);
  } else {
    while (p.pos < end) {
      const t = p.peek();
      const next = p.peek(1);
      if (t.kind === 'ident' && isOp(next, '=')) {
        p.pos += 2;
        const value = parseArg(p, end, lineNo);
        const keySpec = spec.keys?.[t.text];
        if (keySpec) {
          keys ??= new Map();
          if (keys.has(t.text)) err(t, `'${t.text}' is given twice`);
          checkKind(keySpec, value, t.text);
          keys.set(t.text, { ...value, keyRange: rangeOf(lineNo, t) });
        } else if (spec.assign && !assign) {
          const target: Arg = { expr: { k: 'ident', name: t.text, range: rangeOf(lineNo, t) }, word: t.text, range: rangeOf(lineNo, t) };
          assign = { target, value };
        } else {
          const known = Object.keys(spec.keys ?? {});
          const near = unknownNameError(`unknown key '${t.text}' for '${verb}'`, t.text, rangeOf(lineNo, t), known);
          if (near.fix) throw near;
          err(t, `unknown key '${t.text}' for '${verb}'${known.length ? ` (keys: ${known.join(', ')})` : ''}`);
        }
        continue;
      }
      if (t.kind === 'ident' && spec.flags?.includes(t.text) && (next.spaceBefore || p.pos + 1 >= end)) {
        flags ??= new Set();
        if (flags.has(t.text)) err(t, `'${t.text}' is given twice`);
        flags.add(t.text);
        p.pos++;
        continue;
      }
      const a = parseArg(p, end, lineNo);
      if (spec.assign && isOp(p.peek(), '=') && !assign) {
        p.pos++;
        assign = { target: a, value: parseArg(p, end, lineNo) };
        continue;
      }
      args.push(a);
    }
    checkPositionals(spec, args, toks[end] as Token, lineNo, text);
    if (assign && args.length) {
      throw new ScenarioError(`'${verb}' takes either a register or 'REG = value', not both`, args[0]?.range);
    }
    if (spec.assign && !assign && args.length === 0) err(toks[end] as Token, `'${verb}' needs a register`);
    for (const k of spec.required ?? []) {
      if (!keys?.has(k)) err(toks[end] as Token, `'${verb}' needs ${k}=<value>`);
    }
  }
  return {
    verb, range: stmtRange, line: lineNo,
    // Most statements have no keys, flags or rest expressions: one shared empty collection each, not three per statement.
    args: args.length ? args : NONE, keys: keys ?? NO_KEYS, flags: flags ?? NO_FLAGS,
    ...(assign ? { assign } : {}), exprs: exprs.length ? exprs : NONE, text: text.trim(),
  };
}

const NONE: readonly never[] = Object.freeze([]);
const NO_KEYS: Stmt['keys'] = new Map();
const NO_FLAGS: Stmt['flags'] = new Set();

function parseArg(p: ExprParser, end: number, lineNo: number): Arg {
  const t = p.peek();
  if (p.pos >= end) p.fail(t, 'expected a value');
  const expr = p.parse(true);
  const r = expr.range;
  // Expressions on one line already carry the line's range: share it (a big scenario keeps millions of these).
  const range: SourceRange = r.line === lineNo && r.endLine === lineNo ? r : { ...r, line: lineNo, endLine: lineNo };
  return expr.k === 'ident' ? { expr, word: expr.name, range } : { expr, range };
}

function checkKind(spec: KeySpec | PosSpec, a: Arg, what: string): void {
  if (spec.kind === 'expr') return;
  if (!a.word) throw new ScenarioError(`${what} must be a name${spec.words ? ` (${spec.words.join(', ')})` : ''}`, a.range);
  if (spec.kind === 'word' && spec.words && !spec.words.includes(a.word)) {
    throw new ScenarioError(`${what} must be one of ${spec.words.join(', ')}, not '${a.word}'`, a.range);
  }
}

function checkPositionals(spec: VerbSpec, args: readonly Arg[], eol: Token, lineNo: number, lineText: string): void {
  const specs = spec.args;
  if (args.length > specs.length) {
    const how = spec.assign ? `${describe(specs)}, or <${specs[0]?.name ?? 'name'}> = <value>` : describe(specs);
    // `vpreg set REG 1`: the last two words read as the assignment the author meant.
    const [target, value] = args.slice(-2).map((a) => lineText.slice(a.range.col - 1, a.range.endCol - 1));
    const meant = spec.assign && args.length >= 2 ? `: write ${spec.verb} ${target} = ${value}` : '';
    throw new ScenarioError(`unexpected argument for '${spec.verb}' (it takes ${how})${meant}`, args[specs.length]?.range);
  }
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i] as PosSpec;
    const a = args[i];
    if (!a) {
      if (s.optional) continue;
      throw new ScenarioError(`'${spec.verb}' needs <${s.name}>`, rangeOf(lineNo, { ...eol, endCol: eol.col + 1 }));
    }
    checkKind(s, a, `<${s.name}>`);
  }
}

function describe(specs: readonly PosSpec[]): string {
  if (!specs.length) return 'no positional arguments';
  return specs.map((s) => (s.optional ? `[${s.name}]` : `<${s.name}>`)).join(' ');
}
