/**
 * SCENARIO.md §6.1 `hugetlb overcommit`: surplus pages allocated at reserve
 * time (hugetlb_acct_memory → gather_surplus_pages) and at fault time
 * (alloc_huge_page → alloc_buddy_huge_page_with_mpol → alloc_surplus_huge_page),
 * freed when they come back (free_huge_page, return_unused_surplus_pages).
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { cli, lineOf, run, scenario, show, sim, subsystem } from '../support/kit';
import { Mm } from '../../src/sim/mm/subsystem';
import { checkInvariants } from '../mm/invariants';

const A = '0x40000000';
const counters = (s: Sim): string => show(s, '[hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp]');

/** The kernel frames at the first stop in function `fn`. */
function framesAt(s: Sim, fn: string): string[] {
  s.machine.breakpoints.setFunctions([{ id: 1, name: fn, hits: 0 } as never]);
  const st = s.machine.resume('continue');
  expect(st.reason).toBe('function breakpoint');
  return s.machine.frames.map((f) => f.fn.name);
}

describe('hugetlb overcommit: gather_surplus_pages at mmap', () => {
  it('a shared mmap beyond the free pages allocates the shortfall as surplus pages, on the free list and reserved', () => {
    const s = run(`
hugetlb pool pages=1
hugetlb overcommit pages=2
expect hugetlb.overcommit == 2
mmap ${A} 6M hugetlb=f shared
expect last.ret == 0
`);
    expect(counters(s)).toBe('[3, 3, 3, 2]');
    checkInvariants(subsystem(s, Mm));
  });

  it('a shortfall beyond nr_overcommit_hugepages fails the mmap and frees the pages gathered so far', () => {
    const s = run(`
hugetlb pool pages=1
hugetlb overcommit pages=1
mmap ${A} 6M hugetlb=f shared
expect last.ret == -ENOMEM
expect len(task.init.vma) == 0
`);
    expect(counters(s)).toBe('[1, 1, 0, 0]');
  });

  it('munmap and eviction give the untouched surplus pages back (return_unused_surplus_pages)', () => {
    const s = run(`
hugetlb pool pages=1
hugetlb overcommit pages=2
mmap ${A} 6M hugetlb=f shared
write ${A} 1
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [3, 2, 2, 2]
munmap ${A} 6M
hugetlb truncate f 0
`);
    // The touched page is freed as surplus (surp 2 -> 1); the two unused reservations free one more surplus page each while there are any.
    expect(counters(s)).toBe('[1, 1, 0, 0]');
  });

  it('steps through hugetlb_acct_memory into gather_surplus_pages and alloc_surplus_huge_page', () => {
    const s = sim(`
hugetlb pool pages=0
hugetlb overcommit pages=1
mmap ${A} 2M hugetlb=f shared
`);
    expect(framesAt(s, 'alloc_surplus_huge_page')).toEqual(['do_mmap', 'hugetlbfs_file_mmap', 'hugetlb_reserve_pages', 'hugetlb_acct_memory', 'gather_surplus_pages', 'alloc_surplus_huge_page']);
  });
});

describe('hugetlb overcommit: alloc_surplus_huge_page at fault time', () => {
  it('a fault with no free unreserved page takes a fresh surplus page while the limit allows, then SIGBUS', () => {
    const s = run(`
hugetlb pool pages=0
hugetlb overcommit pages=1
mmap ${A} 4M hugetlb=f private noreserve
write ${A} 7
expect last.signal == none
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [1, 0, 0, 1]
write ${A} + 2M 7
expect last.signal == SIGBUS
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [1, 0, 0, 1]
munmap ${A} 4M
`);
    // free_huge_page of a page while surplus_huge_pages > 0: back to the buddy allocator.
    expect(counters(s)).toBe('[0, 0, 0, 0]');
    checkInvariants(subsystem(s, Mm));
  });

  it('the fault path steps into alloc_surplus_huge_page from alloc_huge_page', () => {
    const s = sim(`
hugetlb overcommit pages=1
mmap ${A} 2M hugetlb=f private noreserve
write ${A} 7
`);
    expect(framesAt(s, 'alloc_surplus_huge_page')).toEqual(['handle_mm_fault', 'hugetlb_fault', 'hugetlb_no_page', 'alloc_huge_page', 'alloc_surplus_huge_page']);
  });

  it('a COW in a child without reserves takes a surplus page', () => {
    const s = run(`
hugetlb pool pages=1
hugetlb overcommit pages=1
mmap ${A} 2M hugetlb=f private
write ${A} 5
fork as child
task child
write ${A} 6
expect last.signal == none
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [2, 0, 0, 1]
read ${A}
expect last.value == 6
task init
read ${A}
expect last.value == 5
`);
    checkInvariants(subsystem(s, Mm));
  });

  it('lowering nr_overcommit_hugepages below the surplus keeps the pages but allows no new one', () => {
    run(`
hugetlb overcommit pages=2
mmap ${A} 4M hugetlb=f shared
expect [hugetlb.total, hugetlb.surp] == [2, 2]
hugetlb overcommit pages=0
expect [hugetlb.total, hugetlb.surp] == [2, 2]
mmap 0x80000000 2M hugetlb=g shared
expect last.ret == -ENOMEM
`);
  });

  it('pages= must not be negative', () => {
    const r = cli(scenario('hugetlb overcommit pages=-1'));
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/pages= must not be negative/);
  });
});

describe('a pool counter that would underflow is a kernel BUG, never a negative number', () => {
  it('a fault consuming a reservation that raw region statements made without rsvd', () => {
    const text = scenario(`
hugetlb pool pages=2
hugetlb file f
region_chg f 0 1
region_add f 0 1
mmap ${A} 2M hugetlb=f shared
expect hugetlb.rsvd == 0
write ${A} 1
print "not reached"
`);
    const r = cli(text);
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(`t.kstep:${lineOf(text, 'write')}: BUG: h->resv_huge_pages underflow: 0 - 1`);
    expect(r.out).toEqual([]);
  });

  it('a truncate giving back reservations that raw region_add recorded without reserving', () => {
    const text = scenario(`
hugetlb pool pages=2
hugetlb file f
region_chg f 0 4
region_add f 0 4
hugetlb truncate f 0
`);
    const r = cli(text);
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(`t.kstep:${lineOf(text, 'hugetlb truncate')}: BUG: h->resv_huge_pages underflow: 0 - 4`);
    expect(r.err[1]?.split('\n').map((l) => l.replace(/:\d+\)$/, ')').trim())).toEqual([
      'at return_unused_surplus_pages (mm/hugetlb.c (pool))',
      'at hugetlb_acct_memory (mm/hugetlb.c (pool))',
      'at hugetlb_unreserve_pages (mm/hugetlb.c (mappings))',
      'at remove_inode_hugepages (mm/hugetlb.c (mappings))',
      'at hugetlb_vmtruncate (mm/hugetlb.c (mappings))',
    ]);
  });

  it('the debugger stops on the bug filter at that statement', () => {
    const text = scenario(`
hugetlb pool pages=2
hugetlb file f
region_chg f 0 4
region_add f 0 4
hugetlb truncate f 0
`);
    const s = sim(text);
    const st = s.machine.resume('continue');
    expect(st.reason).toBe('exception');
    expect(st.exception?.kind).toBe('bug');
    expect(st.exception?.line).toBe(lineOf(text, 'hugetlb truncate'));
    expect(Number(show(s, 'hugetlb.rsvd'))).toBeGreaterThanOrEqual(0);
  });
});
