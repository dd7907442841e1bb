/**
 * history(), when() and why() on reference 004's worked example: where
 * adds_in_progress changed, and which kernel line changed it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeText, historyOf, parseQueryText, pointText, runQuery, whenOf, whyOf } from '../../src/sim';
import { expr, lineOf, ROOT, sim } from '../support/kit';

const WORKED = readFileSync(join(ROOT, 'test', 'scenarios', 'resv_map_worked_example.kstep'), 'utf8');
const CHG_0_5 = lineOf(WORKED, 'region_chg f 0 5');
const ADD_0_5 = lineOf(WORKED, 'region_add f 0 5');

/** The listing line of mm/hugetlb.c that holds `text`, within the function `fn`. */
function hugetlbLine(fn: string, text: string): number {
  const m = sim(WORKED).machine;
  m.resume('in');
  for (;;) {
    const top = m.frames[m.frames.length - 1];
    if (top?.fn.name === fn) {
      const lines = top.fn.source.lines;
      for (let i = top.fn.line; i < lines.length; i++) if ((lines[i - 1] as string).includes(text)) return i;
    }
    if (m.resume('in').reason === 'end') throw new Error(`${fn} never ran`);
  }
}

/** Sets resv.f.adds_in_progress as setVariable does, through its state node. */
function setLeaf(m: ReturnType<typeof sim>['machine'], v: bigint): void {
  const resv = m.root('resv');
  const f = resv?.kind === 'record' ? resv.child('f') : undefined;
  const n = f?.kind === 'record' ? f.child('adds_in_progress') : undefined;
  if (n?.kind !== 'leaf' || !n.set) throw new Error('adds_in_progress is not writable');
  n.set(v);
}

describe('history queries on the worked example of reference 004', () => {
  it('history(resv.f.adds_in_progress) lists each raise in region_chg and each drop in region_add', () => {
    const m = sim(WORKED).machine;
    m.resume('continue');
    const r = runQuery(historyOf(m, expr('resv.f.adds_in_progress')));
    expect(r.capped).toBeUndefined();
    expect(r.changes.map((c) => `${c.at.kernel?.fn ?? c.at.statement}: ${changeText(c)}`)).toEqual([
      'resv_map_alloc: (no value) → 0',
      'region_chg: 0 → 1', 'region_add: 1 → 0',
      'region_chg: 0 → 1', 'region_add: 1 → 0',
      'region_chg: 0 → 1', 'region_add: 1 → 0',
      'region_chg: 0 → 2', 'region_add: 2 → 0',
    ]);
    const raise = r.changes[7];
    expect(raise?.at.line).toBe(CHG_0_5);
    expect(raise?.at.kernel?.path).toBe('mm/hugetlb.c');
    expect(raise?.at.kernel?.line).toBe(hugetlbLine('region_chg', 'resv->adds_in_progress += *out_regions_needed'));
    expect(pointText(raise?.at as NonNullable<typeof raise>['at'])).toMatch(/^step \d+ · 0 ns · line 10 · region_chg \(mm\/hugetlb\.c:\d+\)$/);
  });

  it('when() finds the first, next and previous step where a condition holds', () => {
    const m = sim(WORKED).machine;
    m.resume('continue');
    const end = m.step;
    const first = runQuery(whenOf(m, expr('resv.f.adds_in_progress == 2'), 'first'));
    expect(first.at?.line).toBe(CHG_0_5);
    expect(first.at?.kernel?.fn).toBe('region_chg');
    expect(runQuery(whenOf(m, expr('resv.f.adds_in_progress == 2'), 'next')).at).toBeUndefined();
    expect(runQuery(whenOf(m, expr('resv.f.adds_in_progress == 2'), 'prev')).at?.step).toBeGreaterThan(first.at?.step ?? 0);
    expect(runQuery(whenOf(m, expr('len(resv.f.regions) == 5'), 'first')).at?.line).toBe(ADD_0_5);
    expect(runQuery(whenOf(m, expr('len(resv.f.regions) == 5'), 'prev')).at?.line).toBe(lineOf(WORKED, 'adds_in_progress == 0'));
    expect(m.step).toBe(end);
    m.goto(0);
    expect(runQuery(whenOf(m, expr('resv.f.adds_in_progress == 1'), 'next')).at?.line).toBe(lineOf(WORKED, 'region_chg f 0 1'));
  });

  it('why(resv.f.adds_in_progress) after region_chg f 0 5 lands on its `adds_in_progress +=` line', () => {
    const m = sim(WORKED).machine;
    m.breakpoints.setLines([{ id: 1, line: CHG_0_5 + 1, hits: 0 }]);
    expect(m.resume('continue').reason).toBe('breakpoint');
    const r = runQuery(whyOf(m, expr('resv.f.adds_in_progress')));
    expect(r.value).toBe(2n);
    const [last, before] = r.writes;
    expect(last?.at.kernel?.fn).toBe('region_chg');
    expect(last?.at.kernel?.line).toBe(hugetlbLine('region_chg', 'resv->adds_in_progress += *out_regions_needed'));
    expect(last?.at.line).toBe(CHG_0_5);
    expect(changeText(last as NonNullable<typeof last>)).toBe('0 → 2');
    // One level further: region_add f 5 6 brought it back to 0.
    expect(before?.at.kernel?.fn).toBe('region_add');
    expect(before?.at.line).toBe(lineOf(WORKED, 'region_add f 5 6'));
    expect(changeText(before as NonNullable<typeof before>)).toBe('1 → 0');
  });

  it('why() at the end walks back through region_add and then region_chg', () => {
    const m = sim(WORKED, { snapshotEvery: 1 }).machine;
    m.resume('continue');
    const r = runQuery(whyOf(m, expr('resv.f.adds_in_progress'), 3));
    expect(r.writes.map((w) => `${w.at.kernel?.fn}@${w.at.line} ${changeText(w)}`)).toEqual([
      `region_add@${ADD_0_5} 2 → 0`,
      `region_chg@${CHG_0_5} 0 → 2`,
      `region_add@${lineOf(WORKED, 'region_add f 5 6')} 1 → 0`,
    ]);
    m.goto(m.history?.maxStep ?? 0);
  });

  it('a change made from the debugger (an input in history) is a change like any other, replayed where it was made', () => {
    const m = sim(WORKED).machine;
    m.breakpoints.setLines([{ id: 1, line: CHG_0_5, hits: 0 }]);
    m.resume('continue');
    const at = m.step;
    m.inject({ text: 'resv.f.adds_in_progress = 7', apply: () => setLeaf(m, 7n) });
    m.breakpoints.setLines([]);
    m.resume('continue');
    const r = runQuery(historyOf(m, expr('resv.f.adds_in_progress')));
    const injected = r.changes.find((c) => c.at.step === at);
    expect(injected && changeText(injected)).toBe('0 → 7');
    expect(r.changes.at(-2) && changeText(r.changes.at(-2) as NonNullable<ReturnType<typeof r.changes.at>>)).toBe('7 → 9');
    expect(runQuery(whenOf(m, expr('resv.f.adds_in_progress == 7'), 'first')).at?.step).toBe(at + 1);
  });

  it('a capped query says so and leaves the machine where it was', () => {
    const m = sim(WORKED).machine;
    m.resume('continue');
    const end = m.step;
    const r = runQuery(historyOf(m, expr('resv.f.adds_in_progress'), { maxPoints: 20, maxResults: 100 }));
    expect(r.capped).toBe('points');
    expect(r.scanned).toBe(20);
    expect(r.lastStep).toBe(20);
    expect(runQuery(historyOf(m, expr('resv.f.adds_in_progress'), { maxPoints: 1000, maxResults: 2 })).changes).toHaveLength(2);
    expect(runQuery(whenOf(m, expr('false'), 'prev', { maxPoints: 10, maxResults: 1 })).capped).toBe('points');
    expect(runQuery(whyOf(m, expr('resv.f.regions'), 2, { maxPoints: 5, maxResults: 1 })).capped).toBe('points');
    expect(m.step).toBe(end);
  });

  it('reads queries from the text typed in the console', () => {
    expect(parseQueryText('history(resv.f.adds_in_progress)')).toEqual({ kind: 'history', expr: 'resv.f.adds_in_progress' });
    expect(parseQueryText(' when( last.ret == [1, 2] , prev )')).toEqual({ kind: 'when', expr: 'last.ret == [1, 2]', dir: 'prev' });
    expect(parseQueryText('when(hugetlb.free < 3)')).toEqual({ kind: 'when', expr: 'hugetlb.free < 3', dir: 'first' });
    expect(parseQueryText('why(hugetlb.rsvd)')).toEqual({ kind: 'why', expr: 'hugetlb.rsvd' });
    expect(parseQueryText('when(a) + len(b)')).toBeUndefined();
    expect(parseQueryText('len(resv.f.regions)')).toBeUndefined();
    expect(parseQueryText('history.x')).toBeUndefined();
  });
});
