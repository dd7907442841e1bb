import { describe, expect, it } from 'vitest';
import { runScenarioTests } from '../../src/extension/scenario_tests';
import { RunCoverage, summary } from '../../src/extension/test_coverage';
import { scenarioItems } from '../../src/extension/test_items';
import { failureText, fileOutcome, stackText } from '../../src/extension/test_report';
import { loadScenario } from '../../src/sim';

function outcome(src: string) {
  const items = scenarioItems(loadScenario('t.kstep', src).program);
  return fileOutcome(items, runScenarioTests('t.kstep', src));
}

describe('Test Explorer states from a run', () => {
  it('every failed expect fails its item, the others that ran pass, the proc follows its expects', () => {
    const o = outcome('proc p {\n  expect 1 == 2\n}\nexpect 2 == 3\ncall p\nexpect 1 == 1\n');
    expect(o.state).toBe('failed');
    expect(o.failures).toEqual([]);
    expect([...o.items].map(([id, i]) => [id, i.state, i.failures.map((f) => f.line)])).toEqual([
      ['expect:2', 'failed', [2]],
      ['proc:p', 'failed', []],
      ['expect:4', 'failed', [4]],
      ['expect:6', 'passed', []],
    ]);
    expect(failureText(o.items.get('expect:4')?.failures[0] as never)).toBe('expect failed: 2 == 3 (left = 2, right = 3)');
  });

  it('a kernel BUG is the file’s failure, and the expects after it are skipped', () => {
    const o = outcome('hugetlb file f\nexpect 1 == 1\nregion_add f 0 1 regions_needed=0\nregion_add f 2 3 regions_needed=0\nexpect 1 == 1\n');
    expect(o.state).toBe('failed');
    expect(o.failures.map((f) => [f.kind, f.line])).toEqual([['bug', 4]]);
    expect(failureText(o.failures[0] as never)).toMatch(/^kernel BUG: /);
    expect(stackText(o.failures[0]?.stack ?? [])).toMatch(/^ {4}at \w+ \(mm\/hugetlb\.c:\d+\)\n[\s\S]*at scenario \(t\.kstep:4\)$/);
    expect(o.items.get('expect:2')?.state).toBe('passed');
    expect(o.items.get('expect:5')?.state).toBe('skipped');
  });

  it('a scenario error errors the file', () => {
    const o = outcome('expect nosuch.thing == 1\n');
    expect(o.state).toBe('errored');
    expect(o.failures[0]?.kind).toBe('error');
  });
});

describe('Test Explorer coverage of a run', () => {
  it('adds up the listings of several scenarios, 0-based, and remembers which scenarios reached each', () => {
    const cov = new RunCoverage();
    const one = runScenarioTests('a.kstep', 'hugetlb file f\nregion_chg f 0 1\n', { coverage: true });
    const two = runScenarioTests('b.kstep', 'hugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\n', { coverage: true });
    cov.add('a', one.coverage ?? []);
    cov.add('b', two.coverage ?? []);
    const h = cov.get('mm/hugetlb.c');
    expect(h?.tests).toEqual(['a', 'b']);
    expect(h?.functions.find((f) => f.name === 'region_chg')?.hits).toBe(2);
    expect(h?.functions.find((f) => f.name === 'region_add')?.hits).toBe(1);
    const one1 = one.coverage?.find((l) => l.path === 'mm/hugetlb.c');
    const first = one1?.statements.find((s) => s.hits > 0);
    expect(h?.statements.find((s) => s.line === (first?.line ?? 0) - 1)?.hits).toBeGreaterThanOrEqual(2);
    const s = summary(h as never);
    expect(s.functions.covered).toBeGreaterThanOrEqual(2);
    expect(s.statements.covered).toBeLessThanOrEqual(s.statements.total);
    expect(s.branches.total).toBe((h?.branches.length ?? 0) * 2);
    expect(cov.listings().map((l) => l.path)).toEqual([...cov.listings().map((l) => l.path)].sort());
  });
});
