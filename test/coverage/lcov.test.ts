/**
 * `kstep run --lcov`: the tracefile of the repository's own suite read back
 * with a strict parser (every record well formed, the summaries agreeing
 * with the records, every line a step point of its listing), the same bytes
 * on every run, and, where Debian's lcov is installed, `lcov --summary`.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { lcovText, LcovError, parseLcov, REGISTRY } from '../../src/sim';
import { Scenarios } from '../support/kit';
import { suiteCoverage } from './suite';

const files = new Scenarios();
afterAll(() => files.dispose());

const TEXT = lcovText(suiteCoverage());
const LCOV = spawnSync('lcov', ['--version'], { encoding: 'utf8' }).status === 0;

describe('lcov tracefile of the suite', () => {
  const parsed = parseLcov(TEXT);

  it('has one SF per kernel listing, sorted by path, each named as the debugger names it', () => {
    const paths = parsed.map((f) => f.path);
    expect(paths).toEqual(REGISTRY.sources.map((s) => s.path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(paths).toContain('mm/hugetlb.c');
  });

  it('names every function of a listing at its line, and every DA line is a step point of that listing', () => {
    for (const f of parsed) {
      const src = REGISTRY.sources.find((s) => s.path === f.path);
      if (!src) throw new Error(f.path);
      expect(f.functions.map((x) => [x.name, x.line])).toEqual([...src.functions.values()].sort((a, b) => a.line - b.line).map((fn) => [fn.name, fn.line]));
      const steps = new Set([...src.functions.values()].flatMap((fn) => [...fn.labels.values()]));
      for (const [line] of f.lines) {
        expect(line).toBeGreaterThan(0);
        expect(line).toBeLessThanOrEqual(src.lines.length);
        expect(steps.has(line)).toBe(true);
      }
      expect(f.lines.length).toBe(steps.size);
      for (const [line, , branch] of f.branches) {
        expect(src.lines[line - 1]).toMatch(/\bif\s*\(/);
        expect([0, 1]).toContain(branch);
      }
    }
  });

  it('counts what the suite reaches: the resv_map worked example runs region_add through add_reservation_in_range', () => {
    const hugetlb = parsed.find((f) => f.path === 'mm/hugetlb.c');
    expect(hugetlb?.functions.find((f) => f.name === 'region_add')?.hits).toBeGreaterThan(0);
    expect(hugetlb?.functions.find((f) => f.name === 'add_reservation_in_range')?.hits).toBeGreaterThan(0);
    const lines = parsed.flatMap((f) => f.lines);
    expect(lines.some(([, n]) => n === 0)).toBe(true);
    expect(lines.some(([, n]) => n > 0)).toBe(true);
  });

  it('is the same text on every run', () => {
    expect(lcovText(suiteCoverage())).toBe(TEXT);
  });

  it.skipIf(!LCOV)("passes Debian lcov's --summary with the counts it declares", () => {
    const path = files.write('suite.info', TEXT);
    const r = spawnSync('lcov', ['--summary', path, '--rc', 'lcov_branch_coverage=1'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const lf = parsed.reduce((n, f) => n + f.lines.length, 0);
    const lh = parsed.reduce((n, f) => n + f.lines.filter(([, c]) => c > 0).length, 0);
    expect(r.stdout + r.stderr).toContain(`(${lh} of ${lf} lines)`);
  });
});

describe('the strict lcov parser', () => {
  const good = 'TN:t\nSF:a.c\nFN:1,f\nFNDA:2,f\nFNF:1\nFNH:1\nBRDA:2,0,0,1\nBRDA:2,0,1,-\nBRF:2\nBRH:1\nDA:2,3\nDA:3,0\nLF:2\nLH:1\nend_of_record\n';

  it('reads a well-formed file', () => {
    expect(parseLcov(good)).toEqual([
      {
        test: 't',
        path: 'a.c',
        functions: [{ name: 'f', line: 1, hits: 2 }],
        branches: [
          [2, 0, 0, 1],
          [2, 0, 1, undefined],
        ],
        lines: [
          [2, 3],
          [3, 0],
        ],
      },
    ]);
  });

  it.each([
    ['a summary that disagrees with its records', good.replace('LH:1', 'LH:2'), /LH:2 but its records count 1/],
    ['a branch summary that disagrees', good.replace('BRH:1', 'BRH:0'), /BRH:0 but its records count 1/],
    ['a missing end_of_record', good.replace('end_of_record\n', ''), /no end_of_record/],
    ['a record outside a source section', `DA:1,1\n${good}`, /outside a source section/],
    ['a bad count', good.replace('DA:2,3', 'DA:2,x'), /DA count is not a whole number/],
    ['a count past 2^53', good.replace('DA:2,3', `DA:2,${'9'.repeat(400)}`), /DA count is not a whole number below 2\^53/],
    ['a line twice', good.replace('DA:3,0', 'DA:2,0'), /DA for line 2 twice/],
    ['an FNDA without its FN', good.replace('FNDA:2,f', 'FNDA:2,g'), /FNDA for g, which has no FN/],
    ['an unknown record', good.replace('FNF:1', 'XYZ:1\nFNF:1'), /unknown record 'XYZ'/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseLcov(text)).toThrow(LcovError);
    expect(() => parseLcov(text)).toThrow(message);
  });
});
