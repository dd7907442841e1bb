/**
 * SCENARIO.md §6.1 `hugetlb punch <file> <offset> <len>`: fallocate
 * (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) → hugetlbfs_punch_hole →
 * hugetlb_vmdelete_list, remove_inode_hugepages, which gives back each
 * removed page's reservation with hugetlb_unreserve_pages(inode, index,
 * index + 1, 1) — region_del splitting a region — and falls back on
 * hugetlb_fix_reserve_counts when that region_del fails.
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { run, show, sim, subsystem } from '../support/kit';
import { Mm } from '../../src/sim/mm/subsystem';
import { checkInvariants } from '../mm/invariants';

const A = '0x40000000';
const counters = (s: Sim): string => show(s, '[hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp]');

const FOUR_PAGES = `
hugetlb pool pages=4
mmap ${A} 8M hugetlb=f shared
write ${A} + 2M 7
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd] == [4, 3, 3]
expect resv.f.regions == [[0, 4]]
expect resv.f.region_cache_count == 1
`;

describe('hugetlb punch', () => {
  it('punching a faulted page in the middle of a region splits it, frees the page and keeps the other reservations', () => {
    const s = run(`${FOUR_PAGES}
hugetlb punch f 2M 2M
expect last.ret == 0
expect resv.f.regions == [[0, 1], [2, 4]]
expect resv.f.region_cache_count == 0
expect task.init.pte[${A} + 2M].kind == none
expect len(hugetlb.inode.f.pagecache) == 0
expect hugetlb.inode.f.i_size == 8M
`);
    // The page is free again; its region went with it (chg 1 - freed 1: no reservation to give back).
    expect(counters(s)).toBe('[4, 4, 3, 0]');
    checkInvariants(subsystem(s, Mm));
  });

  it('pages never faulted in keep their regions and reservations', () => {
    const s = run(`${FOUR_PAGES}
hugetlb punch f 4M 4M
expect resv.f.regions == [[0, 4]]
`);
    expect(counters(s)).toBe('[4, 3, 3, 0]');
  });

  it('the hole is rounded inward to whole huge pages: less than a page punches nothing', () => {
    const s = run(`${FOUR_PAGES}
hugetlb punch f 1M 2M
expect last.ret == 0
expect resv.f.regions == [[0, 4]]
expect task.init.pte[${A} + 2M].kind == present
hugetlb punch f 1M 3M
expect resv.f.regions == [[0, 1], [2, 4]]
`);
    expect(counters(s)).toBe('[4, 4, 3, 0]');
  });

  it('a failed region_del (no cache entry, kmalloc failing) takes the reservation again: hugetlb_fix_reserve_counts', () => {
    const s = run(`
hugetlb pool pages=5
mmap ${A} 8M hugetlb=f shared
write ${A} + 2M 7
region_chg f 10 11
expect [resv.f.adds_in_progress, resv.f.region_cache_count] == [1, 1]
inject enomem
hugetlb punch f 2M 2M
expect last.ret == 0
expect resv.f.regions == [[0, 4]]
expect len(hugetlb.inode.f.pagecache) == 0
`);
    // The page is freed (free 4 -> 5) and its region stays, reserved again (rsvd 3 -> 4).
    expect(counters(s)).toBe('[5, 5, 4, 0]');
    expect(s.out.join('\n')).not.toMatch(/may go negative/);
  });

  it('when the pool cannot take that reservation again, the kernel only warns', () => {
    // The page is still held by remove_inode_hugepages' lookup while the reservation is retaken: no free page for it.
    const s = run(`${FOUR_PAGES}
region_chg f 10 11
inject enomem
hugetlb punch f 2M 2M
expect resv.f.regions == [[0, 4]]
`);
    expect(counters(s)).toBe('[4, 4, 3, 0]');
    expect(s.out.join('\n')).toMatch(/hugetlb: Huge Page Reserved count may go negative\./);
  });

  it('steps through hugetlbfs_fallocate down to region_del', () => {
    const s = sim(`${FOUR_PAGES}
hugetlb punch f 2M 2M
`);
    s.machine.breakpoints.setFunctions([{ id: 1, name: 'region_del', hits: 0 } as never]);
    expect(s.machine.resume('continue').reason).toBe('function breakpoint');
    expect(s.machine.frames.map((f) => f.fn.name)).toEqual([
      'hugetlbfs_fallocate', 'hugetlbfs_punch_hole', 'remove_inode_hugepages', 'hugetlb_unreserve_pages', 'region_del',
    ]);
    expect(s.machine.frames[0]?.fn.source.path).toBe('fs/hugetlbfs/inode.c');
  });

  it('unmaps the punched page from private mappings too, and their COW copies go back to the pool', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 4M hugetlb=f private
write ${A} 1
expect [hugetlb.free, hugetlb.rsvd] == [3, 1]
hugetlb punch f 0 2M
expect task.init.pte[${A}].kind == none
`);
    expect(counters(s)).toBe('[4, 4, 1, 0]');
    checkInvariants(subsystem(s, Mm));
  });

  it('len <= 0 is -EINVAL (vfs_fallocate) and changes nothing', () => {
    const s = run(`${FOUR_PAGES}
hugetlb punch f 0 0
expect last.ret == -EINVAL
`);
    expect(counters(s)).toBe('[4, 3, 3, 0]');
  });
});
