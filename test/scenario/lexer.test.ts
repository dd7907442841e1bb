/**
 * SCENARIO.md §1, lexical rules: numbers, strings, comments and the errors a
 * bad token gives. Every error must carry the line and the exact columns of
 * the offending text (1-based, end exclusive).
 */
import { describe, expect, it } from 'vitest';
import type { Token } from '../../src/sim/scenario/lexer';
import { lexLine, parseNumber } from '../../src/sim/scenario/lexer';
import type { Diagnostic } from '../../src/sim/scenario/diagnostics';
import { formatDiagnostic } from '../../src/sim/scenario/diagnostics';
import { loadScenario } from '../../src/sim';

const U64_MAX = (1n << 64n) - 1n;

function lex(text: string, lineNo = 1): { toks: Token[]; diags: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const toks = lexLine('t.kstep', lineNo, text, diags);
  return { toks, diags };
}

/** Lexes a line that must be clean and returns its tokens without the final eol. */
function tokens(text: string): Token[] {
  const { toks, diags } = lex(text);
  expect(diags).toEqual([]);
  expect(toks[toks.length - 1]?.kind).toBe('eol');
  return toks.slice(0, -1);
}

/** The single number token of `text`. */
function numberToken(text: string): Token {
  const toks = tokens(text);
  expect(toks).toHaveLength(1);
  const t = toks[0] as Token;
  expect(t.kind).toBe('num');
  return t;
}

/** [line, col, endCol, message] of every diagnostic of a whole scenario. */
function errorsOf(source: string): Array<[number, number, number, string]> {
  return loadScenario('t.kstep', source).diagnostics.map((d) => [d.range.line, d.range.col, d.range.endCol, d.message]);
}

describe('numbers', () => {
  it.each([
    ['42', 42n],
    ['0', 0n],
    ['0x2a', 42n],
    ['0X2A', 42n],
    ['0xDeadBeef', 0xdeadbeefn],
    ['0b101', 5n],
    ['0B101', 5n],
    ['1_000_000', 1_000_000n],
    ['0x7f00_0000_0000', 0x7f00_0000_0000n],
    ['0b1010_0101', 0xa5n],
  ])('%s is %s', (text, value) => {
    const t = numberToken(text);
    expect(t.num).toBe(value);
    expect(t.unit).toBeUndefined();
    expect(t.text).toBe(text);
    expect([t.col, t.endCol]).toEqual([1, text.length + 1]);
  });

  it.each([
    ['4K', 4096n],
    ['64K', 65536n],
    ['2M', 2n << 20n],
    ['1G', 1n << 30n],
    ['0x10K', 16n << 10n],
    ['1_024K', 1024n << 10n],
  ])('size %s multiplies by a power of two: %s', (text, value) => {
    const t = numberToken(text);
    expect(t.num).toBe(value);
    expect(t.unit).toBe('size');
  });

  it.each([
    ['5ns', 5n],
    ['10us', 10_000n],
    ['8ms', 8_000_000n],
    ['1s', 1_000_000_000n],
    ['1_500us', 1_500_000n],
    ['0x10ms', 16_000_000n],
  ])('duration %s evaluates to %s nanoseconds', (text, value) => {
    const t = numberToken(text);
    expect(t.num).toBe(value);
    expect(t.unit).toBe('ns');
  });

  it('keeps u64 max exact in every base', () => {
    expect(numberToken('0xffff_ffff_ffff_ffff').num).toBe(U64_MAX);
    expect(numberToken('18446744073709551615').num).toBe(U64_MAX);
    expect(numberToken(`0b${'1'.repeat(64)}`).num).toBe(U64_MAX);
    // Values a JS number cannot hold exactly stay exact.
    expect(numberToken('9007199254740993').num).toBe(9007199254740993n);
    expect(numberToken('0x8000_0000_0000_0001').num).toBe(0x8000_0000_0000_0001n);
    // Suffixes may take a value right up to the limit.
    expect(numberToken('16777215G').num).toBe(16777215n << 30n);
    expect(numberToken('18446744073s').num).toBe(18446744073n * 1_000_000_000n);
  });

  it.each([
    '0x1_0000_0000_0000_0000',
    '18446744073709551616',
    `0b1${'0'.repeat(64)}`,
  ])('%s does not fit in 64 bits and is rejected', (text) => {
    expect(parseNumber(text)).toBe(`number '${text}' does not fit in 64 bits`);
  });

  it('rejects a size or duration whose value passes 2^64', () => {
    // 2^34 G = 2^64; 18446744074 s = 1.8446744074e19 ns > u64 max.
    for (const text of ['17179869184G', '18446744074s', '0x4000_0000_0000_0000K']) {
      expect(parseNumber(text)).toBe(`number '${text}' does not fit in 64 bits`);
    }
  });

  it('reports a number too large for 64 bits at its columns', () => {
    expect(errorsOf('print 1 + 18446744073709551616')).toEqual([
      [1, 11, 31, "number '18446744073709551616' does not fit in 64 bits"],
    ]);
  });

  it.each([
    // [line text, col, endCol, message start]
    ['print 0x', 7, 9, "bad number '0x'"],
    ['print 12abc', 7, 12, "bad number '12abc'"],
    ['print 1__0', 7, 11, "bad number '1__0'"],
    ['print 1_', 7, 9, "bad number '1_'"],
    ['print 0b2', 7, 10, "bad number '0b2'"],
    ['print 0xg1', 7, 11, "bad number '0xg1'"],
    ['print 4KB', 7, 10, "bad number '4KB'"],
    ['print 10 + 5sec', 12, 16, "bad number '5sec'"],
    ['  region_chg f 1x 2', 16, 18, "bad number '1x'"],
  ])('%s is a bad number at columns %i..%i', (text, col, endCol, message) => {
    const errs = errorsOf(text);
    expect(errs).toHaveLength(1);
    const [line, c, e, msg] = errs[0] as [number, number, number, string];
    expect([line, c, e]).toEqual([1, col, endCol]);
    expect(msg.startsWith(message)).toBe(true);
  });

  it.each(['0_x10', '0_b11', '0x_', '0b_'])('%s: a separator may not split the radix prefix', (text) => {
    // `_` separates digits (`0x7f00_0000_0000`); `0_x10` is not a way to write 0x10.
    expect(typeof parseNumber(text)).toBe('string');
    expect(errorsOf(`print ${text}`).map(([l, c, e]) => [l, c, e])).toEqual([[1, 7, 7 + text.length]]);
  });

  it('names the known suffixes when the suffix is unknown', () => {
    expect(parseNumber('12abc')).toBe("bad number '12abc': unknown suffix 'abc' (sizes K M G, durations ns us ms s)");
  });

  it('lexes a number touching letters as one bad token, not a number and a name', () => {
    const { toks, diags } = lex('12abc');
    expect(diags).toHaveLength(1);
    expect(toks.map((t) => t.kind)).toEqual(['num', 'eol']);
  });

  it('treats a leading underscore as an identifier, not a number', () => {
    const t = tokens('_1');
    expect(t.map((x) => [x.kind, x.text])).toEqual([['ident', '_1']]);
  });

  it('lexes a negative literal as a minus and a number', () => {
    expect(tokens('-1').map((t) => [t.kind, t.text])).toEqual([['op', '-'], ['num', '1']]);
  });

  it('stops a number at `..` so ranges lex', () => {
    expect(tokens('[0x1..0x3]').map((t) => t.text)).toEqual(['[', '0x1', '..', '0x3', ']']);
  });

  it('reports every bad number on a line, each at its own columns', () => {
    expect(errorsOf('print 0x, 1__0, 7zz').map(([l, c, e]) => [l, c, e])).toEqual([
      [1, 7, 9],
      [1, 11, 15],
      [1, 17, 20],
    ]);
  });
});

describe('strings', () => {
  it('decodes every escape', () => {
    const [t] = tokens(String.raw`"a\nb\tc\"d\\e\x41\x7e\x4a\x00"`);
    expect(t?.kind).toBe('str');
    expect(t?.str).toBe('a\nb\tc"d\\eA~J\u0000');
  });

  it('keeps non-ASCII text and `#` inside a string', () => {
    const toks = tokens('print "héllo ☃ # not a comment" 1');
    expect(toks.map((t) => t.kind)).toEqual(['ident', 'str', 'num']);
    expect(toks[1]?.str).toBe('héllo ☃ # not a comment');
  });

  it('gives a string token its columns including the quotes', () => {
    const toks = tokens('print "ab\\n"');
    expect([toks[1]?.col, toks[1]?.endCol]).toEqual([7, 13]);
  });

  it.each([
    ['print "a\\qb"', 9, 11, "bad escape '\\q'"],
    ['print "\\x4"', 8, 10, "bad escape '\\x'"],
    ['print "\\xZZ"', 8, 10, "bad escape '\\x'"],
    ['print "\\u0041"', 8, 10, "bad escape '\\u'"],
  ])('%s: bad escape at columns %i..%i', (text, col, endCol, message) => {
    const errs = errorsOf(text);
    expect(errs).toHaveLength(1);
    const [line, c, e, msg] = errs[0] as [number, number, number, string];
    expect([line, c, e]).toEqual([1, col, endCol]);
    expect(msg.startsWith(message)).toBe(true);
  });

  it('reports an unterminated string from its quote to the end of the line', () => {
    expect(errorsOf('print "abc')).toEqual([[1, 7, 11, 'unterminated string']]);
    // An escaped quote does not close the string.
    expect(errorsOf('print "abc\\"')).toEqual([[1, 7, 13, 'unterminated string']]);
  });

  it('reports a string that is unterminated on its own line, not on the next', () => {
    expect(errorsOf('print 1\nprint "abc\nprint 2')).toEqual([[2, 7, 11, 'unterminated string']]);
  });
});

describe('comments and whitespace', () => {
  it('ignores a comment line and blank lines', () => {
    expect(tokens('# region_chg f 0 1 @ $ é')).toEqual([]);
    expect(tokens('   \t ')).toEqual([]);
    expect(loadScenario('t.kstep', '# only a comment\n\n   # indented\n').program.stmts).toEqual([]);
  });

  it('ends a statement at `#`, even right after a number', () => {
    expect(tokens('print 1 # trailing').map((t) => t.text)).toEqual(['print', '1']);
    expect(tokens('print 42#x').map((t) => t.text)).toEqual(['print', '42']);
  });

  it('ignores a UTF-8 byte order mark at the start of the file', () => {
    // Editors on Windows save UTF-8 with a BOM; readFileSync(..., 'utf8') keeps it as U+FEFF.
    const { program, diagnostics } = loadScenario('t.kstep', '\ufeffprint 1\nprint 2');
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(program.stmts.map((s) => s.verb)).toEqual(['print', 'print']);
  });

  it('accepts tabs and a CR line ending as whitespace', () => {
    const { program, diagnostics } = loadScenario('t.kstep', 'print\t1\r\nprint 2\r\n');
    expect(diagnostics).toEqual([]);
    expect(program.stmts.map((s) => s.verb)).toEqual(['print', 'print']);
  });

  it('records whether whitespace separates a token from the previous one', () => {
    const toks = tokens('region_chg f 2 -1');
    expect(toks.map((t) => [t.text, t.col, t.endCol, t.spaceBefore])).toEqual([
      ['region_chg', 1, 11, true],
      ['f', 12, 13, true],
      ['2', 14, 15, true],
      ['-', 16, 17, true],
      ['1', 17, 18, false],
    ]);
  });

  it('takes the longest operator', () => {
    expect(tokens('a<=b<<c..d==e!=f&&g||h>=i>>j').filter((t) => t.kind === 'op').map((t) => t.text)).toEqual([
      '<=', '<<', '..', '==', '!=', '&&', '||', '>=', '>>',
    ]);
  });
});

describe('unexpected characters', () => {
  it.each([
    ['print 1 @ 2', 9, '@'],
    ['print $x', 7, '$'],
    ['print `x`', 7, '`'],
    ["print 'a'", 7, "'"],
    ['print 1; print 2', 8, ';'],
    ['print a ? b : c', 9, '?'],
    ['print é', 7, 'é'],
    ['print 1\u0007', 8, '\u0007'],
  ])('%j: unexpected character at column %i (%j)', (text, col, ch) => {
    const errs = errorsOf(text);
    expect(errs[0]).toEqual([1, col, col + 1, `unexpected character '${ch}'`]);
  });

  it('reports every unexpected character on every line with its line number', () => {
    const src = ['print 1', 'print 2 @', '# fine', 'print $ 3 ;', 'print 4'].join('\n');
    expect(errorsOf(src)).toEqual([
      [2, 9, 10, "unexpected character '@'"],
      [4, 7, 8, "unexpected character '$'"],
      [4, 11, 12, "unexpected character ';'"],
    ]);
  });

  it('formats a lexical error as file:line:col: error: message', () => {
    const { diagnostics } = loadScenario('dir/a.kstep', 'print 1\n  print @');
    expect(diagnostics.map(formatDiagnostic)).toEqual(["dir/a.kstep:2:9: error: unexpected character '@'"]);
  });

  it('reports a character outside the BMP once, naming it', () => {
    // SCENARIO.md §1: files are UTF-8. An emoji is one character, not two
    // halves of a surrogate pair reported as two garbled errors.
    const errs = errorsOf('print 😀');
    expect(errs).toHaveLength(1);
    expect(errs[0]?.[0]).toBe(1);
    expect(errs[0]?.[1]).toBe(7);
    expect(errs[0]?.[3]).toBe("unexpected character '😀'");
  });
});
