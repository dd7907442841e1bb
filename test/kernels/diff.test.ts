/**
 * `kstep diff <scenario> --kernel before=004`: the scenario on both kernels
 * in lockstep, the first statement after which their state differs, exit 1;
 * exit 0 when it never does. And `kstep run --kernel`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffCommand } from '../../src/cli/diff';
import { runSource } from '../../src/cli/run';
import { diffKernels, loadScenario, parseKernel, stateDiff } from '../../src/sim';
import type { KernelChoice } from '../../src/sim';
import { rootOf, stateJson } from '../../src/sim/kernel_diff/state_json';
import { sim } from '../support/kit';
import { readFileSync } from 'node:fs';
import { ROOT, scenario } from '../support/kit';

const WORKED = join(ROOT, 'test', 'kernels', 'worked_004.kstep');

function diff(...args: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = diffCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'kstep-diff-')), 't.kstep');
  writeFileSync(p, scenario(text));
  return p;
}

describe('kstep diff --kernel before=004', () => {
  it("reference 004's worked example: the resv maps first differ at region_add f 0 5, one coalesced region against five", () => {
    const r = diff(WORKED, '--kernel', 'before=004', '--only', 'resv.f.regions');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual(['worked_004.kstep: the kernels diverge after line 12: region_add f 0 5', '  before=004 → after (patched)', '  resv.f.regions: [[0,6]] → [[0,1],[1,2],[2,3],[3,5],[5,6]]']);
  });

  it("over the whole state the first difference is region_chg f 2 3: past the list's end the before code reads rg->from from the head", () => {
    const r = diff(WORKED, '--kernel=before=004');
    expect(r.code).toBe(1);
    expect(r.out).toEqual(['worked_004.kstep: the kernels diverge after line 7: region_chg f 2 3', '  before=004 → after (patched)', '  last.ret: 2 → 1']);
  });

  it('the resv map itself first differs at region_chg f 0 5: one descriptor reserved per call against one per gap', () => {
    const r = diff(WORKED, '--kernel', 'before=004', '--only=resv');
    expect(r.code).toBe(1);
    expect(r.out).toEqual(['worked_004.kstep: the kernels diverge after line 11: region_chg f 0 5', '  before=004 → after (patched)', '  resv.f.adds_in_progress: 1 → 2', '  resv.f.region_cache_count: 1 → 2']);
  });

  it('exits 0 when the state never differs', () => {
    const r = diff(file('hugetlb file f\nregion_chg f 0 4\nregion_add f 0 4\nregion_del f 1 2'), '--kernel', 'before=004');
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/the same state at every statement on before=004 and after \(patched\); both end: end of scenario$/);
  });

  it('a scenario that BUGs on both kernels: the same state, and both runs stopped on the same BUG', () => {
    const r = diff(file('hugetlb pool pages=2\nhugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nmmap 0x40000000 2M hugetlb=f shared\nwrite 0x40000000 1\nprint 1'), '--kernel', 'before=004');
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['t.kstep: the same state at every statement on before=004 and after (patched); both end: stopped (bug: BUG: h->resv_huge_pages underflow: 0 - 1)']);
  });

  it('an expect that fails on one kernel only diverges there, though the state compared is the same', () => {
    const r = diff(file('hugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nregion_chg f 2 3\nexpect last.ret == 1\nprint 1'), '--kernel', 'before=004', '--only', 'resv.f.regions');
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(/the kernels diverge after line \d+: expect last\.ret == 1$/);
    expect(r.out.at(-1)).toBe('  next: line 6, after (expect: expect failed: last.ret == 1 (left = 2, right = 1)) → line 6');
  });

  it('reports a run that stops on one kernel only', () => {
    const r = diff(file('hugetlb file f\nregion_chg f 0 2\nexpect last.regions_needed == 1\nprint 1'), '--kernel', 'before=004');
    expect(r.code).toBe(1);
    expect(r.out.at(-1)).toMatch(/^ {2}next: stopped \(error: last has no 'regions_needed'.*→ line 4$/);
  });

  it('usage errors exit 2', () => {
    expect(diff(WORKED).code).toBe(2);
    expect(diff(WORKED, '--kernel', 'before=999').err[0]).toMatch(/unknown kernel 'before=999'/);
    expect(diff('--kernel', 'before=004').code).toBe(2);
  });
});

describe('kstep run --kernel before=004', () => {
  it('runs the kernel before the patch: the coalesced map', () => {
    const out: string[] = [];
    const code = runSource('t.kstep', scenario('hugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nregion_chg f 1 2\nregion_add f 1 2\nexpect resv.f.regions == [[0,2]]'), { json: false, trace: false, kernel: { before: '004' } }, { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(out).toEqual([]);
    expect(code).toBe(0);
  });

  it("fixes the kernel over the scenario's own kernel statement", () => {
    const out: string[] = [];
    const code = runSource('t.kstep', scenario('kernel before=004\nhugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nregion_chg f 1 2\nregion_add f 1 2\nexpect resv.f.regions == [[0,1],[1,2]]'), { json: false, trace: false, kernel: {} }, { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(out).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('stateDiff', () => {
  it('names each differing path with both values, a missing one as (none); a field of last on one side only is left out unless asked', () => {
    const a = { resv: { f: { adds_in_progress: 1, regions: [[0, 6]] } }, last: { ret: 3 } };
    const b = { resv: { f: { adds_in_progress: 2, regions: [[0, 1]], extra: true } }, last: { ret: 4, regions_needed: 2 } };
    expect(stateDiff(a, b)).toEqual([
      { path: 'resv.f.adds_in_progress', a: '1', b: '2' },
      { path: 'resv.f.regions', a: '[[0,6]]', b: '[[0,1]]' },
      { path: 'last.ret', a: '3', b: '4' },
      { path: 'resv.f.extra', a: '(none)', b: 'true' },
    ]);
    expect(stateDiff(a, b, ['last'])).toEqual([
      { path: 'last.ret', a: '3', b: '4' },
      { path: 'last.regions_needed', a: '(none)', b: '2' },
    ]);
  });
});

describe('diffKernels', () => {
  const before = parseKernel('before=004') as KernelChoice;
  const program = (text: string) => {
    const { program: p, diagnostics } = loadScenario('t.kstep', scenario(text));
    expect(diagnostics).toEqual([]);
    return p;
  };

  it('gives up after maxStatements statements rather than running on', () => {
    const p = program('hugetlb file f\nregion_chg f 0 4\nregion_add f 0 4\nregion_del f 1 2');
    expect(diffKernels(p, before, [], undefined, 2)).toEqual({ kind: 'gave-up', statements: 2 });
    expect(diffKernels(p, before).kind).toBe('same');
  });

  it('with only, the divergence is the same and its sides still hold the whole state', () => {
    const { program: p } = loadScenario(WORKED, readFileSync(WORKED, 'utf8'));
    const r = diffKernels(p, before, ['resv.f.regions']);
    expect(r.kind).toBe('diverged');
    const d = r.kind === 'diverged' ? r.divergence : undefined;
    expect(d?.changes).toEqual([{ path: 'resv.f.regions', a: '[[0,6]]', b: '[[0,1],[1,2],[2,3],[3,5],[5,6]]' }]);
    expect(Object.keys(d?.after.state as object)).toContain('hugetlb');
  });

  it('stateJson with roots reads just those roots; rootOf names a path\'s root', () => {
    const s = sim('hugetlb file f\nregion_chg f 0 1');
    s.machine.resume('continue');
    expect(Object.keys(stateJson(s.machine, ['resv']))).toEqual(['resv']);
    expect(stateJson(s.machine, ['resv']).resv).toEqual(stateJson(s.machine).resv);
    expect(['resv.f.regions', 'page[0].zone', 'hugetlb'].map(rootOf)).toEqual(['resv', 'page', 'hugetlb']);
  });
});

