/**
 * SCENARIO.md §6.1 `mmap ... hugetlb=<file> noreserve` (MAP_NORESERVE:
 * VM_NORESERVE, hugetlb_reserve_pages returns before reserving anything),
 * `offset=<bytes>` (vm_pgoff: reservations and faults at file indexes from
 * the offset), and a private mapping's own reservation map under
 * `task.<t>.vma[<i>].resv_map`.
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { cli, ev, run, scenario, show, subsystem } from '../support/kit';
import { Mm } from '../../src/sim/mm/subsystem';
import { checkInvariants } from '../mm/invariants';

const A = '0x40000000';
const B = '0x80000000';
const counters = (s: Sim): string => show(s, '[hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp]');

describe('mmap noreserve', () => {
  it('a shared MAP_NORESERVE mapping reserves nothing; a fault takes a free page and records its region at commit', () => {
    const s = run(`
hugetlb pool pages=1
mmap ${A} 4M hugetlb=f shared noreserve
expect last.ret == 0
expect [hugetlb.free, hugetlb.rsvd] == [1, 0]
expect resv.f.regions == []
expect task.init.vma[0].noreserve
write ${A} 1
expect last.signal == none
expect [hugetlb.free, hugetlb.rsvd] == [0, 0]
expect resv.f.regions == [[0, 1]]
write ${A} + 2M 1
expect last.signal == SIGBUS
`);
    expect(counters(s)).toBe('[1, 0, 0, 0]');
    checkInvariants(subsystem(s, Mm));
  });

  it('a MAP_NORESERVE fault does not take pages reserved by other mappings', () => {
    const s = run(`
hugetlb pool pages=1
mmap ${B} 2M hugetlb=g shared
expect hugetlb.rsvd == 1
mmap ${A} 2M hugetlb=f private noreserve
write ${A} 1
expect last.signal == SIGBUS
`);
    expect(counters(s)).toBe('[1, 1, 1, 0]');
  });

  it('but a shared MAP_NORESERVE fault on a page another mapping reserved uses that reservation (vma_has_reserves, chg == 0)', () => {
    const s = run(`
hugetlb pool pages=1
mmap ${B} 2M hugetlb=f shared
mmap ${A} 2M hugetlb=f shared noreserve
write ${A} 3
expect last.signal == none
read ${B}
expect last.value == 3
`);
    expect(counters(s)).toBe('[1, 0, 0, 0]');
  });

  it('a private MAP_NORESERVE mapping owns no reservation map', () => {
    const s = run(`
hugetlb pool pages=2
mmap ${A} 4M hugetlb=f private noreserve
write ${A} 1
`);
    expect(ev(s, 'task.init.vma[0].owner')).toBe(false);
    expect(show(s, 'task.init.vma[0]')).not.toMatch(/resv_map/);
    expect(counters(s)).toBe('[2, 1, 0, 0]');
  });
});

describe('mmap offset=', () => {
  it('reserves the file pages from the offset, and faults reach the page cache at those indexes', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 4M hugetlb=f shared offset=2M
expect last.ret == 0
expect resv.f.regions == [[1, 3]]
expect hugetlb.inode.f.i_size == 6M
expect task.init.vma[0].offset == 2M
write ${A} + 2M 9
mmap ${B} 8M hugetlb=f shared
expect resv.f.regions == [[0, 1], [1, 3], [3, 4]]
read ${B} + 4M
expect last.value == 9
`);
    const pfn = ev(s, `task.init.pte[${A} + 2M].pfn`) as bigint;
    expect(show(s, 'hugetlb.inode.f.pagecache')).toBe(`[[2, ${pfn}]]`);
    expect(counters(s)).toBe('[4, 3, 3, 0]');
    checkInvariants(subsystem(s, Mm));
  });

  it('an offset off the huge page size is -EINVAL from hugetlbfs_file_mmap; off the page size, from mmap itself', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 2M hugetlb=f shared offset=4K
expect last.ret == -EINVAL
mmap ${A} 2M hugetlb=f shared offset=0x1001
expect last.ret == -EINVAL
expect len(task.init.vma) == 0
`);
    expect(counters(s)).toBe('[4, 4, 0, 0]');
  });

  it('truncation unmaps a mapping at an offset from its own file index', () => {
    run(`
hugetlb pool pages=4
mmap ${A} 4M hugetlb=f shared offset=2M
write ${A} 1
write ${A} + 2M 2
hugetlb truncate f 4M
expect task.init.pte[${A}].kind == present
expect task.init.pte[${A} + 2M].kind == none
`);
  });

  it('offset= on an anonymous mapping is a scenario error (file mappings are hugetlb=, file= and dax=)', () => {
    const r = cli(scenario(`mmap ${A} 2M offset=2M`));
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/offset= applies to a file mapping \(hugetlb=, file= or dax=\)/);
  });
});

describe('task.<t>.vma[<i>].resv_map', () => {
  it("a private owner's map: regions are the pages whose reservation a fault consumed", () => {
    run(`
hugetlb pool pages=4
mmap ${A} 6M hugetlb=f private
expect task.init.vma[0].resv_map.regions == []
expect task.init.vma[0].resv_map.adds_in_progress == 0
expect task.init.vma[0].resv_map.region_cache_count == 1
write ${A} + 2M 1
expect task.init.vma[0].resv_map.regions == [[1, 2]]
expect task.init.vma[0].resv_map.adds_in_progress == 0
expect hugetlb.rsvd == 2
`);
  });

  it('a shared mapping and a child of the owner have none', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 2M hugetlb=f private
mmap ${B} 2M hugetlb=g shared
fork as child
`);
    expect(show(s, 'task.init.vma[0].resv_map.regions')).toBe('[]');
    expect(show(s, 'task.init.vma[1]')).not.toMatch(/resv_map/);
    expect(show(s, 'task.child.vma[0]')).not.toMatch(/resv_map/);
  });
});

describe('hugetlb VMAs are never merged (hugetlb_vm_ops has a close method)', () => {
  it('two mappings of one file at contiguous offsets stay two VMAs; a fork keeps MAP_NORESERVE', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 2M hugetlb=f shared
mmap ${A} + 2M 2M hugetlb=f shared offset=2M
expect len(task.init.vma) == 2
mmap ${B} 2M hugetlb=g private noreserve
fork as child
expect len(task.child.vma) == 3
expect task.child.vma[2].noreserve
`);
    expect(show(s, 'task.child.vma[0]')).not.toMatch(/noreserve/);
  });
});
