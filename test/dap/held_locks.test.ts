/**
 * A Debug Console statement while a kernel function holds a lock (issue 16
 * §3): refused with the holder and the lock named, never run in the middle
 * of the critical section. Which locks a frame holds is read from its
 * listing: taken and not yet dropped on the way from the function's start to
 * the frame's line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { heldLocks } from '../../src/adapter/held_locks';
import { fnOf } from '../../src/sim/core/frames';
import { HUGETLB_C } from '../../src/sim/hugetlb/hugetlb_c';
import { HUGETLB_POOL_C } from '../../src/sim/hugetlb/hugetlb_pool_c';
import { HUGETLB_FAULT_C } from '../../src/sim/mm/hugetlb_fault_c';
import { Harness, Scenarios, openPerTest } from '../support/dap';

const at = (fn: ReturnType<typeof fnOf>, label: string): string[] => {
  const line = fn.labels.get(label);
  if (line === undefined) throw new Error(`no label ${label} in ${fn.name}`);
  return heldLocks(fn, line);
};

describe('the locks a listing holds at a line', () => {
  it('region_chg: resv->lock from its spin_lock to its spin_unlock, dropped around the kmalloc', () => {
    const fn = fnOf(HUGETLB_C, 'region_chg');
    expect(at(fn, 'count')).toEqual(['resv->lock']);
    expect(at(fn, 'adds_in_progress')).toEqual(['resv->lock']);
    expect(at(fn, 'kmalloc')).toEqual([]);
    expect(at(fn, 'enomem')).toEqual([]);
    expect(at(fn, 'cache_add')).toEqual(['resv->lock']);
    expect(at(fn, 'return')).toEqual([]);
  });

  it('region_add: held again after the retry loop (the block that drops it ends in goto retry)', () => {
    const fn = fnOf(HUGETLB_C, 'region_add');
    expect(at(fn, 'count')).toEqual(['resv->lock']);
    expect(at(fn, 'kmalloc')).toEqual([]);
    expect(at(fn, 'add')).toEqual(['resv->lock']);
    expect(at(fn, 'return')).toEqual([]);
  });

  it('a label reached by goto holds what the goto held, not what the return before it dropped', () => {
    const fn = fnOf(HUGETLB_POOL_C, 'alloc_surplus_huge_page');
    expect(at(fn, 'check')).toEqual(['hugetlb_lock']);
    expect(at(fn, 'surplus')).toEqual(['hugetlb_lock']);
    const unlock = fn.source.lines.findIndex((l, i) => i + 1 > fn.line && /^out_unlock:/.test(l)) + 1;
    expect(heldLocks(fn, unlock + 1)).toEqual(['hugetlb_lock']);
  });

  it('hugetlb_fault holds its fault mutex until out_mutex drops it', () => {
    const fn = fnOf(HUGETLB_FAULT_C, 'hugetlb_fault');
    expect(at(fn, 'no_page')).toEqual(['hugetlb_fault_mutex_table[hash]']);
    expect(at(fn, 'out')).toEqual([]);
  });
});

const files = new Scenarios();
const P = files.write('lock.kstep', 'hugetlb file f\nregion_chg f 0 4\nregion_add f 0 4\nprint "done"\n');
afterAll(() => files.dispose());

let h: Harness;
openPerTest((x) => (h = x));

describe('Debug Console statements under a lock', () => {
  it('refused inside region_chg (and in its callee), with the reason; expressions still read; allowed once out of it', async () => {
    await h.launch(P, { functions: ['region_chg'] });
    await h.stopped('function breakpoint');
    expect((await h.top()).name).toMatch(/^region_chg/);
    const refused = await h.fails('evaluate', { expression: 'region_del f 0 1', context: 'repl' });
    expect(refused).toBe('region_chg holds resv->lock: a statement now would interleave with it; step out or continue to the end of the statement first');
    // Reading is no statement: nothing runs.
    expect(await h.ev('frame.f', 'repl')).toBe('0');
    // In add_reservation_in_range, called with the lock held, the holder is still region_chg.
    await h.go('stepIn');
    expect((await h.top()).name).toMatch(/^add_reservation_in_range/);
    expect(await h.fails('evaluate', { expression: 'region_del f 0 1', context: 'repl' })).toMatch(/^region_chg holds resv->lock: /);
    // At the scenario's next statement nothing holds it.
    await h.go('stepOut');
    await h.go('stepOut');
    expect((await h.top()).name).not.toMatch(/^(region_chg|add_reservation_in_range)/);
    expect((await h.dc.evaluateRequest({ expression: 'print "console"', context: 'repl' })).success).toBe(true);
  });
});
