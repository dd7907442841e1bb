import { describe, expect, it } from 'vitest';
import { runScenarioTests } from '../../src/extension/scenario_tests';

const SRC = [
  'proc p {', //                      1
  '  expect 1 == 2', //               2
  '}', //                             3
  'hugetlb file f', //                4
  'region_chg f 0 1', //              5
  'expect last.ret == 5', //          6
  'call p', //                        7
  'expect 1 == 1', //                 8
  '',
].join('\n');

describe('a scenario run for the Test Explorer', () => {
  it('reports every failed expect with expected and actual values and the stack it failed in', () => {
    const r = runScenarioTests('t.kstep', SRC);
    expect(r.code).toBe(1);
    expect(r.failures.map((f) => [f.kind, f.line, f.expected, f.actual])).toEqual([
      ['expect', 6, '5', '1'],
      ['expect', 2, '2', '1'],
    ]);
    expect(r.failures[0]?.message).toMatch(/expect failed: last\.ret == 5/);
    // The expect in a proc fails in p, called from line 7.
    expect(r.failures[1]?.stack).toEqual([
      { name: 'p', path: 't.kstep', kernel: false, line: 2 },
      { name: 'scenario', path: 't.kstep', kernel: false, line: 7 },
    ]);
    expect(r.reached).toEqual([2, 6, 8]);
    expect(r.coverage).toBeUndefined();
  });

  it('a passing scenario has no failures and code 0', () => {
    const r = runScenarioTests('t.kstep', 'hugetlb file f\nregion_chg f 0 1\nexpect last.ret == 1\n');
    expect(r).toMatchObject({ code: 0, failures: [], reached: [3] });
  });

  it('a scenario error is a failure at its line, and nothing is reached', () => {
    const r = runScenarioTests('t.kstep', 'print 1\nbogus\nexpect 1 == 1\n');
    expect(r.code).toBe(2);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ kind: 'error', line: 2 });
    expect(r.reached).toEqual([]);
  });

  it('a kernel BUG ends the run with the kernel frames innermost in its stack', () => {
    // region_add without its region_chg: the second one trips hugetlb's VM_BUG_ON on adds_in_progress.
    const r = runScenarioTests('t.kstep', 'hugetlb file f\nexpect 1 == 1\nregion_add f 0 1 regions_needed=0\nregion_add f 2 3 regions_needed=0\nregion_add f 4 5 regions_needed=0\nregion_count f 0 9\nexpect 1 == 1\n');
    const bug = r.failures.find((f) => f.kind === 'bug');
    expect(r.code).toBe(1);
    expect(bug?.line).toBe(4);
    expect(bug?.stack[0]).toMatchObject({ kernel: true, path: 'mm/hugetlb.c' });
    expect(bug?.stack.at(-1)).toMatchObject({ kernel: false, name: 'scenario', line: 4 });
    // The expect after the BUG never ran.
    expect(r.reached).toEqual([2]);
  });

  it('with coverage, the counts of the kernel listings the run entered', () => {
    const r = runScenarioTests('t.kstep', 'hugetlb file f\nregion_chg f 0 1\n', { coverage: true });
    const hugetlb = r.coverage?.find((c) => c.path === 'mm/hugetlb.c');
    expect(hugetlb?.functions.find((f) => f.name === 'region_chg')?.hits).toBe(1);
    expect(hugetlb?.statements.some((s) => s.hits > 0)).toBe(true);
    // Only listings the run entered.
    expect(r.coverage?.every((c) => c.functions.some((f) => f.hits > 0))).toBe(true);
  });
});
