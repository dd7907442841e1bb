/**
 * hugetlbfs mappings (SCENARIO.md §5 `mmap ... hugetlb=`, §6 "Faults on
 * hugetlb mappings go through alloc_huge_page with
 * vma_needs/commit/end_reservation"), with the pool-counter cases of
 * libhugetlbfs' tests/counters.c: every mmap, fault, COW, munmap and exit
 * moves total/free/rsvd/surp as the kernel does.
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/sim';
import { Mm } from '../../src/sim/mm/subsystem';
import { ev, run, show, sim, stops, subsystem } from '../support/kit';
import { checkInvariants } from '../mm/invariants';

const A = '0x40000000';
const counters = (s: Simulation): string => show(s, '[hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp]');

describe('shared hugetlb mappings', () => {
  it('mmap reserves every page in the inode map; a fault consumes one reservation (counters: map/touch)', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 6M hugetlb=f shared
expect last.ret == 0
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd] == [4, 4, 3]
expect resv.f.regions == [[0, 3]]
expect hugetlb.inode.f.i_size == 6M
write ${A} 0x1234
expect last.fault == hugetlb
expect last.faults == [hugetlb]
expect last.signal == none
expect [hugetlb.free, hugetlb.rsvd] == [3, 2]
read ${A}
expect last.fault == none
expect last.value == 0x1234
`);
    const pfn = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    expect(show(s, `task.init.pte[${A}]`)).toBe(`{kind: present, write: true, pfn: ${pfn}}`);
    // Every base page of the huge page is a PTE of the same compound page.
    expect(ev(s, `task.init.pte[${A} + 0x1ff000].pfn`)).toBe(pfn + 511n);
    expect(show(s, `page[${pfn + 7n}].compound_head`)).toBe(String(pfn));
    // One mapping and the page cache's reference.
    expect(show(s, `[page[${pfn}].refcount, page[${pfn}].mapcount, page[${pfn}].hugetlb, page[${pfn}].anon]`)).toBe('[2, 1, true, false]');
    expect(show(s, 'hugetlb.inode.f.pagecache')).toBe(`[[0, ${pfn}]]`);
    expect(show(s, 'task.init.hugetlb_usage')).toBe('512');
    expect(show(s, 'task.init.rss')).toBe('0');
    checkInvariants(subsystem(s, Mm));
  });

  it('a second mapping of the file finds the page in the page cache; munmap leaves it there', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 2M hugetlb=f shared
write ${A} 5
fork as child
task child
mmap 0x80000000 2M hugetlb=f shared
expect hugetlb.rsvd == 0
read 0x80000000
expect last.value == 5
expect [hugetlb.free, hugetlb.rsvd] == [3, 0]
expect page[task.child.pte[0x80000000].pfn].mapcount == 3
expect page[task.child.pte[0x80000000].pfn].refcount == 4
exit child
task init
munmap ${A} 2M
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd] == [4, 3, 0]
expect len(hugetlb.inode.f.pagecache) == 1
mmap ${A} 2M hugetlb=f shared
read ${A}
expect last.value == 5
expect [hugetlb.free, hugetlb.rsvd] == [3, 0]
`);
    checkInvariants(subsystem(s, Mm));
  });

  it('mmap beyond the free pages fails with -ENOMEM and maps nothing (no overcommit)', () => {
    const s = run(`
hugetlb pool pages=2
mmap ${A} 6M hugetlb=f shared
expect last.ret == -ENOMEM
expect len(task.init.vma) == 0
expect [hugetlb.free, hugetlb.rsvd] == [2, 0]
expect resv.f.regions == []
expect resv.f.adds_in_progress == 0
`);
    expect(s.out.join('\n')).toMatch(/mmap: -ENOMEM/);
  });

  it('a read-only mapping does not grow i_size: a fault beyond it is SIGBUS', () => {
    const s = run(`
hugetlb pool pages=2
mmap ${A} 2M prot=r hugetlb=f shared
read ${A}
expect last.fault == hugetlb
expect last.signal == SIGBUS
expect hugetlb.free == 2
`, { exceptions: [] });
    expect(show(s, `task.init.pte[${A}].kind`)).toBe('none');
  });

  it('the SIGBUS of a fault beyond i_size says so (hugetlb_no_page: idx >= size)', () => {
    const s = sim(`
hugetlb pool pages=2
mmap ${A} 2M prot=r hugetlb=f shared
read ${A}
`);
    const st = stops(s, ['sigbus']);
    const sig = st.find((x) => x.exception?.kind === 'sigbus');
    expect(sig?.exception?.message).toMatch(/^SIGBUS: hugetlb fault at 0x[0-9a-f]+ in task init: it is beyond i_size of f \(huge page 0, i_size 0 huge pages\)/);
  });

  it('a SIGBUS from an exhausted pool says the allocation failed, not i_size', () => {
    const s = sim(`
hugetlb pool pages=1
mmap ${A} 4M hugetlb=f shared noreserve
write ${A}
write ${A} + 2M
`);
    const sig = stops(s, ['sigbus']).find((x) => x.exception?.kind === 'sigbus');
    expect(sig?.exception?.message).toMatch(/alloc_huge_page failed/);
  });

  it('a hole punched in the reserve map: the fault needs an unreserved free page, else SIGBUS', () => {
    run(`
hugetlb pool pages=2
mmap ${A} 4M hugetlb=f shared
region_del f 0 1
expect resv.f.regions == [[1, 2]]
# The reservation of page 0 is gone from the map but still counted: free 2, rsvd 2.
write ${A} 1
expect last.signal == SIGBUS
expect [hugetlb.free, hugetlb.rsvd] == [2, 2]
hugetlb pool pages=3
write ${A} 1
expect last.signal == none
expect [hugetlb.free, hugetlb.rsvd] == [2, 2]
expect resv.f.regions == [[0, 1], [1, 2]]
`);
  });
});

describe('private hugetlb mappings', () => {
  it('counters.c: map reserves, touch consumes, unmap frees the page and gives back unused reserves', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 8M hugetlb=p
expect [hugetlb.free, hugetlb.rsvd] == [4, 4]
expect task.init.vma[0].owner
read ${A}
expect last.fault == hugetlb
expect [hugetlb.free, hugetlb.rsvd] == [3, 3]
write ${A} + 2M 7
expect [hugetlb.free, hugetlb.rsvd] == [2, 2]
expect task.init.vma[0].resv == [[0, 1], [1, 2]]
munmap ${A} 4M
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd] == [4, 4, 2]
munmap ${A} + 4M 4M
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd] == [4, 4, 0]
`);
    checkInvariants(subsystem(s, Mm));
    expect(subsystem(s, Mm).hugetlb.privateMaps.size).toBe(0);
  });

  it('an anonymous private page is not in the page cache: refcount 1, mapcount 1, anon', () => {
    const s = run(`
hugetlb pool pages=1
mmap ${A} 2M hugetlb=p private
write ${A} 3
`);
    const pfn = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    expect(show(s, `[page[${pfn}].refcount, page[${pfn}].mapcount, page[${pfn}].anon]`)).toBe('[1, 1, true]');
    expect(show(s, 'hugetlb.inode.p.pagecache')).toBe('[]');
  });

  it('a private mapping of a file page maps it read-only; a write copies it using the reservation', () => {
    const s = run(`
hugetlb pool pages=3
mmap ${A} 2M hugetlb=f shared
write ${A} 11
mmap 0x80000000 2M hugetlb=f private
expect [hugetlb.free, hugetlb.rsvd] == [2, 1]
read 0x80000000
expect last.value == 11
expect task.init.pte[0x80000000].pfn == task.init.pte[${A}].pfn
expect task.init.pte[0x80000000].write == false
expect [hugetlb.free, hugetlb.rsvd] == [2, 1]
write 0x80000000 12
expect last.faults == [hugetlb]
expect task.init.pte[0x80000000].pfn != task.init.pte[${A}].pfn
expect [hugetlb.free, hugetlb.rsvd] == [1, 0]
read ${A}
expect last.value == 11
read 0x80000000
expect last.value == 12
`);
    checkInvariants(subsystem(s, Mm));
  });

  it('fork: the child has no reserves; its COW takes an unreserved page or gets SIGBUS', () => {
    const s = run(`
hugetlb pool pages=2
mmap ${A} 2M hugetlb=p private
write ${A} 1
fork as child
expect task.init.pte[${A}].write == false
expect task.child.vma[0].owner == false
expect page[task.init.pte[${A}].pfn].mapcount == 2
task child
write ${A} 2
expect last.signal == none
expect hugetlb.free == 0
task init
read ${A}
expect last.value == 1
mmap 0x80000000 2M hugetlb=q private
expect last.ret == -ENOMEM
fork as child2
task child2
write ${A} 3
expect last.signal == SIGBUS
`, { exceptions: [] });
    checkInvariants(subsystem(s, Mm));
  });

  it("the owner's COW with an empty pool takes the page back from the child (unmap_ref_private); the child then dies", () => {
    const s = run(`
hugetlb pool pages=1
mmap ${A} 2M hugetlb=p private
write ${A} 1
fork as child
write ${A} 2
expect last.signal == none
expect task.init.pte[${A}].write
expect task.child.pte[${A}].kind == none
expect task.child.vma[0].unmapped
expect hugetlb.free == 0
task child
read ${A}
expect last.signal == SIGBUS
`, { exceptions: [] });
    expect(s.out.join('\n')).toMatch(/killed due to inadequate hugepage pool/);
    checkInvariants(subsystem(s, Mm));
  });

  it('a failed reserve-map allocation at fault time is VM_FAULT_OOM: the access is retried', () => {
    run(`
hugetlb pool pages=2
mmap ${A} 2M hugetlb=p private
inject enomem count=1
write ${A} 5
expect last.faults == [hugetlb, hugetlb]
expect last.signal == none
expect [hugetlb.free, hugetlb.rsvd] == [1, 0]
inject enomem count=100
write ${A} + 0x1000 6
expect last.signal == none
inject enomem count=0
mmap 0x80000000 2M hugetlb=p private
expect last.ret == 0
inject enomem count=100
write 0x80000000 1
expect last.signal == SIGKILL
expect len(last.faults) == 4
# restore_reserve_on_error could not touch the map either: it clears PagePrivate, so the
# reservation looks consumed rather than counted twice (the kernel's choice, commented there).
expect [hugetlb.free, hugetlb.rsvd] == [1, 0]
expect task.init.pte[0x80000000].kind == none
`, { exceptions: [] });
  });
});

describe('hugetlb truncate (hugetlb_vmtruncate)', () => {
  it('counters.c truncate: pages past the size leave every mapping and the page cache; unused reservations go back', () => {
    const s = run(`
hugetlb pool pages=4
mmap ${A} 6M hugetlb=f shared
write ${A} 1
write ${A} + 2M 1
expect [hugetlb.free, hugetlb.rsvd] == [2, 1]
hugetlb truncate f 2M
expect last.ret == 0
expect hugetlb.inode.f.i_size == 2M
# Page 1 is freed, page 2's reservation (never used) is given back; page 0 stays.
expect [hugetlb.free, hugetlb.rsvd] == [3, 0]
expect resv.f.regions == [[0, 1]]
expect task.init.pte[${A} + 2M].kind == none
expect task.init.pte[${A}].kind == present
read ${A} + 2M
expect last.signal == SIGBUS
munmap ${A} 6M
hugetlb truncate f
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd] == [4, 4, 0]
expect len(hugetlb.inode.f.pagecache) == 0
hugetlb truncate f 1M
expect last.ret == -EINVAL
`, { exceptions: [] });
    expect(s.out.join('\n')).toMatch(/hugetlb truncate: -EINVAL/);
    checkInvariants(subsystem(s, Mm));
  });

  it('truncation also unmaps private mappings of the file, their COW copies included', () => {
    const s = run(`
hugetlb pool pages=3
mmap ${A} 2M hugetlb=f shared
write ${A} 1
mmap 0x80000000 2M hugetlb=f private
write 0x80000000 2
expect hugetlb.free == 1
hugetlb truncate f
expect task.init.pte[0x80000000].kind == none
expect task.init.pte[${A}].kind == none
expect hugetlb.free == 3
`);
    checkInvariants(subsystem(s, Mm));
  });

  it('names an unknown file', () => {
    expect(() => run('hugetlb file f\nhugetlb truncate g\n')).toThrow(/no hugetlb file 'g' \(files: f\)/);
  });
});

describe('hugetlb VMAs and the rest of mm', () => {
  it('2M alignment: mmap, munmap and mprotect off a huge page boundary are -EINVAL', () => {
    const s = run(`
hugetlb pool pages=2
mmap ${A} 1M hugetlb=f shared
expect last.ret == -EINVAL
mmap ${A} + 4K 2M hugetlb=f shared
expect last.ret == -EINVAL
mmap ${A} 4M hugetlb=f shared
munmap ${A} 4K
expect len(task.init.vma) == 1
mprotect ${A} 1M r
expect task.init.vma[0].prot == rw
`);
    expect(s.out.join('\n')).toMatch(/munmap: -EINVAL/);
    expect(s.out.join('\n')).toMatch(/mprotect: -EINVAL/);
  });

  it('mmap anon and hugetlb= together is an error at the key', () => {
    expect(() => run(`mmap ${A} 2M anon hugetlb=f`)).toThrow(/anon or hugetlb=<file>, not both/);
  });

  it('mprotect read-only then read-write: shared PTEs become writable again, private ones COW-reuse', () => {
    run(`
hugetlb pool pages=2
mmap ${A} 2M hugetlb=f shared
mmap 0x80000000 2M hugetlb=p private
write ${A} 1
write 0x80000000 1
mprotect ${A} 2M r
mprotect 0x80000000 2M r
expect task.init.pte[${A}].write == false
expect task.init.pte[0x80000000].write == false
write ${A} 2
expect last.signal == SIGSEGV
mprotect ${A} 2M rw
mprotect 0x80000000 2M rw
expect task.init.pte[${A}].write
expect task.init.pte[0x80000000].write == false
write 0x80000000 2
expect last.faults == [hugetlb]
expect hugetlb.free == 0
expect task.init.pte[0x80000000].write
`, { exceptions: [] });
  });

  it('migrate refuses hugetlb VMAs; khugepaged and madvise leave them alone', () => {
    run(`
hugetlb pool pages=1
device gpu type=private pages=4
mmap ${A} 2M hugetlb=f shared
write ${A} 1
migrate ${A} 4K to=gpu
expect last.ret == -EINVAL
expect last.migrated == 0
khugepaged ${A}
expect last.result == SCAN_VMA_CHECK
madvise ${A} 2M MADV_COLD
expect last.ret == -EINVAL
expect last.skipped == 0
`);
  });

  it('exit tears down hugetlb mappings: pages freed, private reserves returned, surplus pages released', () => {
    const s = run(`
hugetlb pool pages=3
mmap ${A} 6M hugetlb=p private
write ${A} 1
write ${A} + 2M 1
hugetlb pool pages=0
# Two pages in use and one reserved cannot go: they become surplus.
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [3, 1, 1, 3]
exit
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [0, 0, 0, 0]
`);
    expect(counters(s)).toBe('[0, 0, 0, 0]');
  });

  it('as the code has it: a reserved page freed while the pool is surplus restores its reserve but leaves the pool (free < rsvd)', () => {
    // free_huge_page: restore_reserve bumps resv_huge_pages, then a surplus page goes back to
    // the buddy allocator instead of the free list. SCENARIO.md's "free >= rsvd" does not hold here.
    run(`
hugetlb pool pages=2
mmap ${A} 4M hugetlb=p
write ${A} 1
hugetlb pool pages=0
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [2, 1, 1, 2]
inject enomem count=1
write ${A} + 2M 1
expect last.faults == [hugetlb, hugetlb]
expect last.signal == SIGBUS
expect [hugetlb.total, hugetlb.free, hugetlb.rsvd, hugetlb.surp] == [1, 0, 1, 1]
`, { exceptions: [] });
  });

  it('step in: write → handle_mm_fault → hugetlb_fault → hugetlb_no_page → alloc_huge_page → vma_needs_reservation → region_chg', () => {
    const s = sim(`hugetlb pool pages=1\nmmap ${A} 2M hugetlb=f shared\nwrite ${A} 1\n`);
    const m = s.machine;
    while (m.statement?.line !== 3) m.resume('over');
    const stacks = new Set<string>();
    while (!m.ended) {
      m.resume('in');
      stacks.add(m.frames.map((f) => f.fn.name).join(' > '));
    }
    const all = [...stacks].join('\n');
    expect(all).toContain('handle_mm_fault > hugetlb_fault > hugetlb_no_page > alloc_huge_page > vma_needs_reservation > __vma_reservation_common > region_chg');
    expect(all).toContain('hugetlb_no_page > alloc_huge_page > dequeue_huge_page_vma');
    expect(all).toContain('hugetlb_no_page > alloc_huge_page > vma_commit_reservation > __vma_reservation_common > region_add');
  });

  it('history: stepping back over a hugetlb fault restores the pool, the maps and the page table', () => {
    const s = sim(`hugetlb pool pages=2\nmmap ${A} 2M hugetlb=p private\nwrite ${A} 9\nfork as c\nwrite ${A} 8\n`);
    const m = s.machine;
    const seen: string[] = [];
    const obs = (): string => `${counters(s)} ${show(s, 'task')} ${show(s, 'resv')}`;
    while (!m.ended) {
      seen.push(obs());
      m.resume('over');
    }
    for (let i = seen.length - 1; i >= 0; i--) {
      m.stepBack();
      expect(obs()).toBe(seen[i]);
    }
  });
});
