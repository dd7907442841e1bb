import { describe, expect, it } from 'vitest';
import { cli } from '../support/kit';
import { parseExpression } from '../../src/sim';
import { longSum } from './cases';

const times = (n: number, s: string): string => Array.from({ length: n }, () => s).join('');

/** `kstep run` over a file that must not parse: exit 2, nothing run, the diagnostics. */
function refused(source: string): string[] {
  const r = cli(source);
  expect(r.code).toBe(2);
  expect(r.out).toEqual([]);
  expect(r.err[r.err.length - 1]).toMatch(/; nothing was run$/);
  return r.err.slice(0, -1);
}

describe('nesting limits give a diagnostic, not a stack overflow', () => {
  it('500 parentheses', () => {
    expect(refused(`print 1\nexpect ${times(500, '(')}1${times(500, ')')} == 1\n`)).toEqual([
      expect.stringMatching(/^t\.kstep:2:\d+: error: the expression nests too deeply \(more than 200 levels/),
    ]);
  });

  it('10,000 unary operators', () => {
    expect(refused(`expect ${times(10_000, '-')}1 == 1\n`)).toEqual([expect.stringMatching(/^t\.kstep:1:\d+: error: the expression nests too deeply/)]);
  });

  it('nested lists and indexes', () => {
    expect(refused(`print ${times(1000, '[')}${times(1000, ']')}\n`)[0]).toMatch(/nests too deeply/);
    expect(refused(`print last${times(1000, '[last')}${times(1001, ']')}\n`)[0]).toMatch(/nests too deeply/);
  });

  it('a chain of 3,000 terms', () => {
    expect(refused(longSum(3000))).toEqual([expect.stringMatching(/^t\.kstep:2:\d+: error: the expression is too long \(more than 1000 operators/)]);
  });

  it('5,000 nested repeats', () => {
    const src = `${times(5000, 'repeat 1 {\n')}print 1\n${times(5000, '}\n')}`;
    expect(refused(src)).toEqual(['t.kstep:101:1: error: blocks nest too deeply (more than 100 levels of repeat, a fixed limit): move inner blocks into procs']);
  });

  it('the same limits hold for watch and condition expressions', () => {
    expect(parseExpression(`${times(500, '(')}1${times(500, ')')}`)).toMatchObject({ error: expect.stringMatching(/nests too deeply/) });
    expect(parseExpression(times(3000, '1+').concat('1'))).toMatchObject({ error: expect.stringMatching(/too long/) });
  });

  it('what is within the limits still parses and runs', () => {
    const r = cli(`expect ${times(150, '(')}1${times(150, ')')} == 1\nexpect ${times(900, '1+')}1 == 901\nexpect ${times(100, '-')}1 == 1\n`);
    expect(r).toEqual({ code: 0, out: [], err: [] });
  });
});

describe('diagnostics are bounded and printable', () => {
  it('a file with an error on every line lists 100 and says how many more', () => {
    const err = refused(times(1000, 'bogus\n'));
    expect(err.length).toBe(101);
    expect(err[100]).toBe('t.kstep:101:1: error: … and 900 more errors');
    const r = cli(times(1000, 'bogus\n'));
    expect(r.err[r.err.length - 1]).toBe('1000 errors; nothing was run');
  });

  it('control bytes in a message are escaped', () => {
    const err = refused('print 1 \x1b[2J\n');
    expect(err[0]).toContain('\\x1b');
    expect(err.join('\n').includes(String.fromCharCode(0x1b))).toBe(false);
  });
});
