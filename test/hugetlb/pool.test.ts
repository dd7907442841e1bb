import { describe, expect, it } from 'vitest';
import { sim } from '../support/kit';
import { Rng } from '../support/rng';
import { set_max_huge_pages, hugetlb_reserve_pages, hugetlb_acct_memory } from '../../src/sim/hugetlb/pool_ops';
import type { Pool } from '../../src/sim/hugetlb/pool_ops';
import { ResvMap } from '../../src/sim/hugetlb/resv_map';
import { Hugetlb } from '../../src/sim/hugetlb/subsystem';
import { ENOMEM } from '../../src/sim/core/errno';

function fresh(): ReturnType<typeof sim> {
  return sim('');
}

describe('set_max_huge_pages', () => {
  it('grows with fresh free pages, shrinks only free unreserved pages, and makes the rest surplus', () => {
    const { machine: m } = fresh();
    const p: Pool = { total: 0, free: 0, rsvd: 0, surp: 0, overcommit: 0 };
    m.drain(set_max_huge_pages(m, p, 8));
    expect(p).toEqual({ total: 8, free: 8, rsvd: 0, surp: 0, overcommit: 0 });
    p.rsvd = 3;
    p.free = 6; // 2 in use
    m.drain(set_max_huge_pages(m, p, 2));
    // min_count = rsvd + in use = 5: 3 free pages go, the 3 persistent pages beyond 2 become surplus.
    expect(p).toEqual({ total: 5, free: 3, rsvd: 3, surp: 3, overcommit: 0 });
    m.drain(set_max_huge_pages(m, p, 6));
    expect(p).toEqual({ total: 6, free: 4, rsvd: 3, surp: 0, overcommit: 0 });
  });
});

describe('hugetlb_acct_memory', () => {
  it('reserves from free pages, refuses beyond them (no overcommit), and unreserves', () => {
    const { machine: m } = fresh();
    const p: Pool = { total: 4, free: 4, rsvd: 0, surp: 0, overcommit: 0 };
    expect(m.drain(hugetlb_acct_memory(m, p, 3))).toBe(0);
    expect(m.drain(hugetlb_acct_memory(m, p, 2))).toBe(-ENOMEM);
    expect(p.rsvd).toBe(3);
    expect(m.drain(hugetlb_acct_memory(m, p, -2))).toBe(0);
    expect(p).toEqual({ total: 4, free: 4, rsvd: 1, surp: 0, overcommit: 0 });
  });

  it('gives back surplus pages first when a reservation is dropped', () => {
    const { machine: m } = fresh();
    const p: Pool = { total: 4, free: 4, rsvd: 4, surp: 3, overcommit: 0 };
    m.drain(hugetlb_acct_memory(m, p, -4));
    expect(p).toEqual({ total: 1, free: 1, rsvd: 0, surp: 0, overcommit: 0 });
  });
});

describe('hugetlb_reserve_pages', () => {
  it('shared: region_chg, acct, region_add; -ENOMEM aborts the region_chg; -EINVAL for an inverted range', () => {
    const s = fresh();
    const m = s.machine;
    const hugetlb = s.subsystem(Hugetlb);
    const p: Pool = { total: 2, free: 2, rsvd: 0, surp: 0, overcommit: 0 };
    const resv = new ResvMap('f');
    expect(m.drain(hugetlb_reserve_pages(m, p, hugetlb, resv, 0, 2, false))).toBe(0);
    expect(resv.regions.toArray()).toEqual([[0, 2]]);
    expect(p.rsvd).toBe(2);
    expect(m.drain(hugetlb_reserve_pages(m, p, hugetlb, resv, 4, 6, false))).toBe(-ENOMEM);
    expect(resv.addsInProgress).toBe(0);
    expect(resv.regions.toArray()).toEqual([[0, 2]]);
    expect(m.drain(hugetlb_reserve_pages(m, p, hugetlb, resv, 0, 2, false))).toBe(0);
    expect(p.rsvd).toBe(2);
    expect(m.drain(hugetlb_reserve_pages(m, p, hugetlb, resv, 3, 1, false))).toBe(-22);
    expect(m.frames).toEqual([]);
  });

  it('private: every page counts, the inode map is untouched, and the VMA map allocation can fail', () => {
    const s = fresh();
    const m = s.machine;
    const hugetlb = s.subsystem(Hugetlb);
    const p: Pool = { total: 4, free: 4, rsvd: 0, surp: 0, overcommit: 0 };
    const resv = new ResvMap('f');
    expect(m.drain(hugetlb_reserve_pages(m, p, hugetlb, resv, 0, 3, true))).toBe(0);
    expect(p.rsvd).toBe(3);
    expect(resv.regions.length).toBe(0);
    hugetlb.failNext = 1;
    expect(m.drain(hugetlb_reserve_pages(m, p, hugetlb, resv, 0, 1, true))).toBe(-ENOMEM);
    expect(p.rsvd).toBe(3);
  });

  // (adds_in_progress is not checked: a region_chg that fails on -ENOMEM leaves it raised, as reference 004's code does.)
  it('keeps the counters consistent over random pool and reservation changes', () => {
    const rng = new Rng(42);
    const lines = ['hugetlb file f'];
    for (let i = 0; i < 400; i++) {
      const r = rng.next();
      if (r < 0.2) lines.push(`hugetlb pool pages=${rng.int(0, 40)}`);
      else if (r < 0.8) {
        const from = rng.int(0, 60);
        lines.push(`hugetlb reserve f ${from} ${from + rng.int(0, 6)}${rng.chance(0.3) ? ' private' : ''}`);
      } else lines.push(`inject enomem count=${rng.int(0, 2)}`);
      lines.push('expect hugetlb.free >= hugetlb.rsvd && hugetlb.rsvd >= 0 && hugetlb.surp >= 0 && hugetlb.surp <= hugetlb.total && hugetlb.free <= hugetlb.total');
    }
    const { machine: m } = sim(`${lines.join('\n')}\n`);
    const stop = m.resume('continue');
    expect(stop.exception?.message).toBeUndefined();
    expect(stop.reason).toBe('end');
  });
});
