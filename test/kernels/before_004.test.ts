/**
 * The kernel before reference 004 (`kernel before=004`): the `-` side of
 * "hugetlb: disable region_add file_region coalescing". The patch's own
 * behaviour-change example: resv->regions [0->1], [2->3], [5->6], then
 * region_chg/add(f=0, t=5).
 */
import { describe, expect, it } from 'vitest';
import { ev, load, run, scenario, show, sim } from '../support/kit';
import { loadScenario } from '../../src/sim';

const THREE_PAGES = `
  hugetlb file f
  region_chg f 0 1
  region_add f 0 1
  region_chg f 2 3
  region_add f 2 3
  region_chg f 5 6
  region_add f 5 6
`;

describe('kernel before=004: region_add coalescing', () => {
  it('merges [0,5) with every region it overlaps or touches: [5,6) included, so one region [0,6)', () => {
    const s = run(scenario(`kernel before=004\n${THREE_PAGES}\nregion_chg f 0 5\nregion_add f 0 5`));
    expect(show(s, 'resv.f.regions')).toBe(show(run(scenario('hugetlb file g\nregion_chg g 0 6\nregion_add g 0 6')), 'resv.g.regions'));
    expect(ev(s, 'last.ret')).toEqual(3n);
    expect(ev(s, 'resv.f.adds_in_progress')).toEqual(0n);
  });

  it('the patched kernel (the default) fills the two gaps instead: five regions', () => {
    const s = run(scenario(`${THREE_PAGES}\nregion_chg f 0 5\nregion_add f 0 5`));
    expect(show(s, 'resv.f.regions')).toBe(show(run(scenario('hugetlb file g\nregion_chg g 0 1\nregion_add g 0 1\nregion_chg g 1 2\nregion_add g 1 2\nregion_chg g 2 3\nregion_add g 2 3\nregion_chg g 3 5\nregion_add g 3 5\nregion_chg g 5 6\nregion_add g 5 6')), 'resv.g.regions'));
  });

  it('region_chg reserves one descriptor per call and sets no regions_needed', () => {
    const s = run(scenario(`kernel before=004\n${THREE_PAGES}\nregion_chg f 0 5`));
    expect(ev(s, 'last.ret')).toEqual(3n);
    expect(ev(s, 'resv.f.adds_in_progress')).toEqual(1n);
    expect(() => ev(s, 'last.regions_needed')).toThrow();
  });

  it('region_chg past the last region reads rg->from from the list head: resv->adds_in_progress', () => {
    // [0,1) only; f=2 runs off the list, rg->from aliases adds_in_progress (1 after the ++), so f rounds to 1.
    const s = run(scenario('kernel before=004\nhugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nregion_chg f 2 3'));
    expect(ev(s, 'last.ret')).toEqual(2n);
    const after = run(scenario('hugetlb file f\nregion_chg f 0 1\nregion_add f 0 1\nregion_chg f 2 3'));
    expect(ev(after, 'last.ret')).toEqual(1n);
  });

  it('region_abort takes back the one descriptor region_chg reserved', () => {
    const s = run(scenario('kernel before=004\nhugetlb file f\nregion_chg f 0 4\nregion_abort f 0 4'));
    expect(ev(s, 'resv.f.adds_in_progress')).toEqual(0n);
  });

  it('frames of the before kernel point into its own listing', () => {
    const { machine: m } = sim(scenario('kernel before=004\nhugetlb file f\nregion_chg f 0 5\nregion_add f 0 5'));
    m.resume('over');
    m.resume('over'); // at region_chg f 0 5
    m.resume('in');
    const fr = m.frames[0];
    expect(fr?.fn.name).toBe('region_chg');
    expect(fr?.fn.source.path).toBe('mm/hugetlb.c (before 004)');
    expect(fr?.fn.source.lines[(fr?.line ?? 1) - 1]).toContain('resv->adds_in_progress++');
  });

  it("'kernel' after another statement is an error naming its line and column", () => {
    const { diagnostics } = loadScenario('t.kstep', scenario('hugetlb file f\nkernel before=004'));
    expect(diagnostics.map((d) => [d.range.line, d.range.col, d.message.startsWith("'kernel' must come before")])).toEqual([[2, 1, true]]);
  });

  it("'kernel' may follow a proc definition, not a statement inside a block", () => {
    expect(() => load(scenario('proc p {\nregion_chg f 0 1\n}\nkernel before=004\nhugetlb file f\ncall p'))).not.toThrow();
    expect(() => load(scenario('repeat 1 {\nkernel before=004\n}'))).toThrow(/t.kstep:2:1: error: 'kernel' must come before/);
  });

  it('an unknown patch is an error', () => {
    expect(() => load(scenario('kernel before=999\nhugetlb file f'))).toThrow(/before/);
  });
});
