import type { Expr, ListItem } from './ast';
import type { SourceRange } from './diagnostics';
import { ScenarioError } from './diagnostics';
import type { Token } from './lexer';

/**
 * Precedence, lowest first. Bitwise operators bind tighter than comparisons
 * (as in Python), so `x & MASK == 0` means `(x & MASK) == 0`.
 */
const BINARY: ReadonlyArray<readonly string[]> = [
  ['||'],
  ['&&'],
  ['==', '!=', '<', '<=', '>', '>='],
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

const FUNCTIONS = new Set(['len']);

/**
 * Parentheses, brackets, indexes and unary operators inside one another:
 * each level is a dozen JavaScript frames here, a few in the evaluator.
 */
export const MAX_NESTING = 200;
/** The height of an expression's tree (`1+1+…` is as high as it has terms): the evaluator recurses once per level. */
export const MAX_HEIGHT = 1000;

/**
 * Recursive-descent expression parser over one line's tokens.
 *
 * In `word` mode an expression is one whitespace-separated argument of a
 * statement: `region_chg f 2 -1` is three arguments, not `2 - 1`. A `+`/`-`
 * with space before and none after starts a new argument; every other
 * binary operator continues the expression across spaces.
 */
export class ExprParser {
  pos: number;
  private nesting = 0;
  /** The height of the tree the last parse step returned. */
  private h = 0;
  constructor(
    private readonly toks: readonly Token[],
    private readonly line: number,
    start: number,
  ) {
    this.pos = start;
  }

  peek(o = 0): Token {
    return this.toks[Math.min(this.pos + o, this.toks.length - 1)] as Token;
  }

  private range(a: Token, b: Token): SourceRange {
    return { line: this.line, col: a.col, endLine: this.line, endCol: b.endCol };
  }
  private span(a: SourceRange, b: SourceRange): SourceRange {
    return { line: this.line, col: a.col, endLine: this.line, endCol: b.endCol };
  }
  fail(t: Token, message: string): never {
    throw new ScenarioError(message, this.range(t, t.kind === 'eol' ? { ...t, endCol: t.col + 1 } : t));
  }

  parse(word: boolean): Expr {
    this.enter(this.peek());
    const e = this.binary(0, word);
    this.nesting--;
    return e;
  }

  private enter(t: Token): void {
    if (++this.nesting > MAX_NESTING) this.fail(t, `the expression nests too deeply (more than ${MAX_NESTING} levels of parentheses, brackets and unary operators, a fixed limit): split it across statements`);
  }

  /** Records the height of a tree one level above `below`. */
  private grow(t: Token, below: number): void {
    this.h = below + 1;
    if (this.h > MAX_HEIGHT) this.fail(t, `the expression is too long (more than ${MAX_HEIGHT} operators in a chain): split it across statements`);
  }

  private binary(level: number, word: boolean): Expr {
    if (level >= BINARY.length) return this.unary(word);
    const ops = BINARY[level] as readonly string[];
    let l = this.binary(level + 1, word);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !ops.includes(t.text)) return l;
      if (word && (t.text === '-' || t.text === '+') && t.spaceBefore && !this.peek(1).spaceBefore) return l;
      const lh = this.h;
      this.pos++;
      const r = this.binary(level + 1, word);
      this.grow(t, Math.max(lh, this.h));
      l = { k: 'binary', op: t.text, l, r, range: this.span(l.range, r.range) };
    }
  }

  private unary(word: boolean): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '!' || t.text === '~' || t.text === '+')) {
      this.pos++;
      this.enter(t);
      const e = this.unary(word);
      this.nesting--;
      if (t.text === '+') return e;
      this.grow(t, this.h);
      return { k: 'unary', op: t.text, e, range: this.span(this.range(t, t), e.range) };
    }
    return this.postfix(word);
  }

  private postfix(word: boolean): Expr {
    let e = this.primary();
    for (;;) {
      const t = this.peek();
      // In word mode `a [1]` is two arguments; a postfix must touch its operand.
      if (t.kind !== 'op' || (word && t.spaceBefore)) return e;
      if (t.text === '.') {
        this.pos++;
        const n = this.peek();
        if (n.kind !== 'ident' && n.kind !== 'num') this.fail(n, `expected a name after '.'`);
        this.pos++;
        this.grow(t, this.h);
        e = { k: 'member', obj: e, name: n.text, range: this.span(e.range, this.range(n, n)) };
      } else if (t.text === '[') {
        this.pos++;
        const oh = this.h;
        const index = this.parse(false);
        const close = this.expect(']');
        this.grow(t, Math.max(oh, this.h));
        e = { k: 'index', obj: e, index, range: this.span(e.range, this.range(close, close)) };
      } else return e;
    }
  }

  expect(text: string): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) this.fail(t, `expected '${text}'${t.kind === 'eol' ? ' before end of line' : ` but found '${t.text}'`}`);
    this.pos++;
    return t;
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'num':
        this.h = 0;
        this.pos++;
        return { k: 'num', v: t.num ?? 0n, ...(t.unit ? { unit: t.unit } : {}), range: this.range(t, t) };
      case 'str':
        this.h = 0;
        this.pos++;
        return { k: 'str', v: t.str ?? '', range: this.range(t, t) };
      case 'ident': {
        this.pos++;
        const n = this.peek();
        if (FUNCTIONS.has(t.text) && n.kind === 'op' && n.text === '(' && !n.spaceBefore) {
          this.pos++;
          const args: Expr[] = [];
          if (!(this.peek().kind === 'op' && this.peek().text === ')')) {
            args.push(this.parse(false));
            while (this.peek().kind === 'op' && this.peek().text === ',') {
              this.pos++;
              args.push(this.parse(false));
            }
          }
          const close = this.expect(')');
          if (args.length !== 1) this.fail(t, `${t.text}() takes exactly one argument`);
          this.grow(t, this.h);
          return { k: 'call', fn: t.text, args, range: this.range(t, close) };
        }
        this.h = 0;
        return { k: 'ident', name: t.text, range: this.range(t, t) };
      }
      case 'op':
        if (t.text === '(') {
          this.pos++;
          const e = this.parse(false);
          const close = this.expect(')');
          // The range covers the parentheses, so messages quote the source as written.
          return { ...e, range: this.range(t, close) };
        }
        if (t.text === '[') return this.list();
        return this.fail(t, `expected a value but found '${t.text}'`);
      default:
        return this.fail(t, 'expected a value before end of line');
    }
  }

  private list(): Expr {
    const open = this.expect('[');
    const items: ListItem[] = [];
    if (this.peek().kind === 'op' && this.peek().text === ']') {
      const close = this.expect(']');
      this.h = 0;
      return { k: 'list', items, range: this.range(open, close) };
    }
    let high = 0;
    for (;;) {
      const from = this.parse(false);
      high = Math.max(high, this.h);
      if (this.peek().kind === 'op' && this.peek().text === '..') {
        this.pos++;
        const to = this.parse(false);
        high = Math.max(high, this.h);
        items.push({ k: 'range', from, to, range: this.span(from.range, to.range) });
      } else items.push(from);
      const t = this.peek();
      if (t.kind === 'op' && t.text === ',') {
        this.pos++;
        continue;
      }
      const close = this.expect(']');
      this.grow(open, high);
      return { k: 'list', items, range: this.range(open, close) };
    }
  }
}
