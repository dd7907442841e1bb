/**
 * The rest of reference 003's LRU-only callers (move_pages, mbind, NUMA
 * hinting faults, munlock), fs/proc/task_mmu.c's pagemap and smaps as
 * reference 002 patches them, and madvise(MADV_DONTNEED) — each answered as
 * the kernel code of that era computes it.
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { ev, run, sim } from '../support/kit';

const A = '0x7f0000000000';

function visited(s: Sim): string[] {
  const seen: string[] = [];
  for (;;) {
    const f = s.machine.frames.at(-1);
    if (f) for (const [label, line] of f.fn.labels) if (line === f.line && seen.at(-1) !== `${f.fn.name}@${label}`) seen.push(`${f.fn.name}@${label}`);
    if (s.machine.ended) return seen;
    const st = s.machine.resume('in');
    const e = st.exception;
    // A failed expect (or a BUG) on the way fails the test, as run() does.
    if (st.reason === 'exception' && e && (e.kind === 'expect' || e.kind === 'bug' || e.kind === 'error')) throw new Error(`${e.kind} at line ${e.line}: ${e.message}`);
  }
}

/** Page 0 anon, 1 zero page, 2 device-private, 3 coherent, 4 anon, 5 none. */
const MIX = `
device gpu type=private pages=4
device cxl type=coherent pages=4
mmap ${A} 32K
write ${A} 1
read ${A} + 0x1000
write ${A} + 0x2000 2
migrate ${A} + 0x2000 4K to=gpu
write ${A} + 0x3000 3
migrate ${A} + 0x3000 4K to=cxl
write ${A} + 0x4000 4
`;

describe('move_pages: add_page_for_migration with FOLL_GET|FOLL_DUMP|FOLL_LRU', () => {
  it('status per page as do_pages_move stores it', () => {
    run(`${MIX}
move_pages ${A} node=0
expect last.status == 0
expect last.ret == 0
move_pages ${A} node=1
expect last.status == 1
expect task.init.pte[${A}].kind == present
read ${A}
expect last.value == 1
move_pages ${A} + 0x1000 node=1
expect last.status == -EFAULT
move_pages ${A} + 0x2000 node=1
expect last.status == -ENOENT
move_pages ${A} + 0x3000 node=1
expect last.status == -EFAULT
move_pages ${A} + 0x5000 node=1
expect last.status == -EFAULT
move_pages 0x7f00f0000000 node=1
expect last.status == -EFAULT
move_pages ${A} node=2
expect last.ret == -ENODEV
expect last.status == none
fork as c
move_pages ${A} + 0x4000 node=1
expect last.status == -EACCES
`);
  });

  it('a moved page keeps its data, counts and LRU place; the old frame is free', () => {
    const s = run(`${MIX}
move_pages ${A} + 0x4000 node=1
expect page[task.init.pte[${A} + 0x4000].pfn].refcount == 1
expect page[task.init.pte[${A} + 0x4000].pfn].mapcount == 1
expect page[task.init.pte[${A} + 0x4000].pfn].lru
expect page[task.init.pte[${A} + 0x4000].pfn].anon
`);
    expect(ev(s, 'task.init.rss')).toBe(4n);
  });

  it('a file page with no PTE is NULL from no_page_table (the VMA has ->fault): -ENOENT; a page-cache page moves with its cache slot', () => {
    run(`
file f size=8K
mmap ${A} 8K shared file=f
move_pages ${A} node=1
expect last.status == -ENOENT
write ${A} 6
move_pages ${A} node=1
expect last.status == 1
mmap 0x7f1000000000 8K prot=r shared file=f
read 0x7f1000000000
expect last.value == 6
expect task.init.pte[0x7f1000000000].pfn == task.init.pte[${A}].pfn
`);
  });

  it('an fsdax VMA is not migratable: -EFAULT before follow_page', () => {
    const s = sim(`
device pm type=host pages=2
mmap ${A} 8K shared dax=pm
read ${A}
move_pages ${A} node=1
expect last.status == -EFAULT
`);
    const v = visited(s);
    expect(v).toContain('add_page_for_migration@efault');
    expect(v.filter((x) => x.startsWith('follow_page_pte@'))).toEqual([]);
  });

  it('steps add_page_for_migration → follow_page_pte → vm_normal_lru_page@zone_device → follow_page_pte@dump for a coherent page', () => {
    const s = sim(`${MIX}
move_pages ${A} + 0x3000 node=1
`);
    const v = visited(s);
    const at = v.indexOf('add_page_for_migration@follow');
    expect(v.slice(at)).toEqual(expect.arrayContaining(['follow_page_pte@lru', 'vm_normal_lru_page@zone_device', 'follow_page_pte@dump', 'add_page_for_migration@err', 'do_pages_move@store']));
  });
});

describe('mbind: queue_pages_pte_range with vm_normal_lru_page', () => {
  it('moves the LRU pages off other nodes, skips ZONE_DEVICE pages, refuses a hole', () => {
    run(`${MIX}
mbind ${A} 32K node=1
expect last.ret == 0
expect last.skipped == 1
expect last.pages == 2
read ${A} + 0x4000
expect last.value == 4
move_pages ${A} node=1
expect last.status == 1
mbind ${A} 32K node=1
expect last.pages == 0
mbind ${A} 64K node=1
expect last.ret == -EFAULT
mbind ${A} 4K node=7
expect last.ret == -EINVAL
`);
  });
});

describe('mbind_range: the VMA keeps the policy', () => {
  it('later faults in the range allocate on the bound node; the VMA splits at the range ends; NUMA balancing skips it (no MPOL_F_MOF)', () => {
    run(`
mmap ${A} 16K
mbind ${A} + 0x1000 8K node=1
expect last.ret == 0
expect len(task.init.vma) == 3
expect task.init.vma[1].bind == 1
write ${A} + 0x1000 1
expect page[task.init.pte[${A} + 0x1000].pfn].node == 1
write ${A} 2
expect page[task.init.pte[${A}].pfn].node == 0
numa_fault ${A} + 0x1000
expect last.fault == none
`);
  });
});

describe('numa_fault: change_prot_numa, then do_numa_page', () => {
  it('a page on node 1 faults and migrates back to node 0; a node-0 page takes no hinting fault; a coherent page is skipped', () => {
    run(`${MIX}
numa_fault ${A}
expect last.fault == none
move_pages ${A} node=1
numa_fault ${A}
expect last.fault == numa
expect last.migrated == 1
move_pages ${A} node=0
expect last.status == 0
numa_fault ${A} + 0x3000
expect last.fault == none
expect last.skipped == 1
numa_fault ${A} + 0x2000
expect last.fault == none
`);
  });

  it('a shared page-cache page mapped by two tasks moves with both PTEs and its cache slot (rmap walk)', () => {
    run(`
file f size=4K
mmap ${A} 4K shared file=f
write ${A} 5
move_pages ${A} node=1
expect last.status == 1
fork as c
task c
read ${A}
expect task.c.pte[${A}].pfn == task.init.pte[${A}].pfn
numa_fault ${A}
expect last.fault == numa
expect last.migrated == 1
expect task.c.pte[${A}].pfn == task.init.pte[${A}].pfn
expect page[task.init.pte[${A}].pfn].node == 0
expect page[task.init.pte[${A}].pfn].mapcount == 2
expect page[task.init.pte[${A}].pfn].refcount == 3
expect pagecache.f.page[0] == task.init.pte[${A}].pfn
read ${A}
expect last.value == 5
`);
  });

  it('steps do_numa_page through vm_normal_lru_page and migrate_misplaced_page', () => {
    const s = sim(`${MIX}
move_pages ${A} node=1
numa_fault ${A}
`);
    const v = visited(s);
    const at = v.indexOf('change_prot_numa@lru');
    expect(v.slice(at)).toEqual(expect.arrayContaining(['change_prot_numa@protnone_set', 'do_numa_page@lru', 'vm_normal_lru_page@out', 'do_numa_page@prep', 'migrate_misplaced_page@migrate', 'migrate_pages@remap', 'do_numa_page@migrated']));
  });
});

describe('munlock: munlock_vma_pages_range with follow_page(FOLL_GET|FOLL_DUMP|FOLL_LRU)', () => {
  it('clears VM_LOCKED and munlocks the LRU pages; a coherent page is refused (skipped)', () => {
    run(`
device cxl type=coherent pages=2
mmap ${A} 16K
write ${A} 1
write ${A} + 0x1000 2
migrate ${A} + 0x1000 4K to=cxl
mlock ${A} 16K
expect last.skipped == 1
munlock ${A} 16K
expect last.ret == 0
expect last.skipped == 1
expect last.pages == 3
expect task.init.vma[0].locked == false
munlock ${A} 16K
expect last.pages == 0
munlock ${A} 32K
expect last.ret == -ENOMEM
`);
  });

  it('an fsdax VMA never gets VM_LOCKED (mlock_fixup: vma_is_dax), so munlock walks none of it', () => {
    const s = sim(`
device pm type=host pages=2
mmap ${A} 8K shared dax=pm
read ${A}
mlock ${A} 8K
expect task.init.vma[0].locked == false
munlock ${A} 8K
expect last.ret == 0
expect last.pages == 0
expect page[dev.pm.base_pfn].refcount == 1
`);
    expect(visited(s)).not.toContain('munlock_vma_pages_range@follow');
  });
});

describe('pagemap: pte_to_pagemap_entry', () => {
  it('a device-private entry is PM_SWAP with swp_type SWP_DEVICE_WRITE / _READ and swp_offset the device pfn', () => {
    const s = run(`
device gpu type=private pages=2
mmap ${A} 8K
write ${A} 1
migrate ${A} 4K to=gpu
pagemap ${A}
expect last.present == 0
expect last.swap == 1
expect last.swap_type == 30
expect last.swap_offset == task.init.pte[${A}].pfn
expect last.pfn == 30 | (task.init.pte[${A}].pfn << 5)
expect last.file == 0
mprotect ${A} 4K r
pagemap ${A}
expect last.swap_type == 31
pagemap ${A} + 0x1000
expect last.present == 0
expect last.swap == 0
expect last.pfn == 0
`);
    // An empty PTE inside a VMA: only PM_SOFT_DIRTY (every mmap'ed VMA is VM_SOFTDIRTY).
    expect(ev(s, 'last.entry')).toBe(1n << 55n);
    const pfn = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    // PM_SWAP | PM_MMAP_EXCLUSIVE | PM_SOFT_DIRTY, then the swap frame
    expect(ev(run(`
device gpu type=private pages=2
mmap ${A} 8K
write ${A} 1
migrate ${A} 4K to=gpu
pagemap ${A}
`), 'last.entry')).toBe((1n << 62n) | (1n << 56n) | (1n << 55n) | 30n | (pfn << 5n));
  });

  it('a present page: PM_PRESENT and its pfn; a page-cache page is PM_FILE; the zero page is present without a page', () => {
    run(`
file f size=4K
mmap ${A} 8K
mmap 0x7f1000000000 4K prot=r shared file=f
write ${A} 1
read ${A} + 0x1000
read 0x7f1000000000
pagemap ${A}
expect last.present == 1
expect last.pfn == task.init.pte[${A}].pfn
expect last.file == 0
expect last.entry == (1 << 63) | (1 << 56) | (1 << 55) | task.init.pte[${A}].pfn
pagemap 0x7f1000000000
expect last.file == 1
pagemap ${A} + 0x1000
expect last.present == 1
expect last.entry == (1 << 63) | (1 << 55) | 0xfff
`);
  });
});

describe('smaps: smaps_pte_entry', () => {
  it('device-private pages count in Rss and Anonymous, not in Swap; the zero page not at all', () => {
    run(`
device gpu type=private pages=2
mmap ${A} 16K
write ${A} 1
write ${A} + 0x1000 1
read ${A} + 0x2000
migrate ${A} 4K to=gpu
smaps ${A}
expect last.rss == 8192
expect last.anonymous == 8192
expect last.swap == 0
expect last.private == 8192
fork as c
smaps ${A}
expect last.shared == 8192
expect last.private == 0
`);
  });

  it('file pages are Rss but not Anonymous; a hugetlb-free VMA with nothing faulted is all zero', () => {
    run(`
file f size=8K
mmap ${A} 8K prot=r shared file=f
smaps ${A}
expect last.rss == 0
read ${A}
smaps ${A}
expect last.rss == 4096
expect last.anonymous == 0
`);
    expect(() => run(`smaps ${A}`)).toThrow(/no VMA holds/);
  });
});

describe('madvise MADV_DONTNEED: zap_page_range', () => {
  it('zaps present pages and device-private entries, freeing device pages; rss drops; the next read is the zero page', () => {
    run(`
device gpu type=private pages=2
mmap ${A} 16K
write ${A} 1
write ${A} + 0x1000 2
migrate ${A} 8K to=gpu
expect dev.gpu.free == 0
madvise ${A} 16K MADV_DONTNEED
expect last.ret == 0
expect dev.gpu.free == 2
expect task.init.rss == 0
read ${A}
expect last.value == 0
expect task.init.pte[${A}].pfn == 0xfff
`);
  });

  it('a locked VMA is -EINVAL, a hole -ENOMEM; a shared file page stays in the page cache', () => {
    run(`
file f size=4K
mmap ${A} 4K shared file=f
write ${A} 9
madvise ${A} 4K MADV_DONTNEED
expect task.init.pte[${A}].kind == none
read ${A}
expect last.value == 9
madvise ${A} 8K MADV_DONTNEED
expect last.ret == -ENOMEM
mlock ${A} 4K
madvise ${A} 4K MADV_DONTNEED
expect last.ret == -EINVAL
`);
  });
});

describe('madvise MADV_COLD / MADV_PAGEOUT / MADV_FREE: madvise_walk_vmas', () => {
  it('a locked VMA is -EINVAL (can_madv_lru_vma), for MADV_FREE a file VMA too (not vma_is_anonymous)', () => {
    run(`
mmap ${A} 8K
write ${A} 1
mlock ${A} 8K
madvise ${A} 8K MADV_COLD
expect last.ret == -EINVAL && last.pages == 0
madvise ${A} 8K MADV_PAGEOUT
expect last.ret == -EINVAL
madvise ${A} 8K MADV_FREE
expect last.ret == -EINVAL
munlock ${A} 8K
madvise ${A} 8K MADV_COLD
expect last.ret == 0 && last.pages == 2
file f size=8K
mmap 0x7f1000000000 8K private file=f
write 0x7f1000000000 1
madvise 0x7f1000000000 8K MADV_FREE
expect last.ret == -EINVAL && last.pages == 0
madvise 0x7f1000000000 8K MADV_COLD
expect last.ret == 0 && last.pages == 1
`);
  });

  it('the walk stops at the refused VMA: the VMAs after it are not walked, and its -EINVAL wins over an earlier hole', () => {
    run(`
device cxl type=coherent pages=4
hugetlb pool pages=1
mmap 0x40000000 2M hugetlb=h shared
mmap 0x40200000 4K
write 0x40200000 1
migrate 0x40200000 4K to=cxl
madvise 0x3fff0000 0x211000 MADV_PAGEOUT
expect last.ret == -EINVAL && last.skipped == 0
madvise 0x40200000 4K MADV_PAGEOUT
expect last.ret == 0 && last.skipped == 1
mmap 0x40400000 4K
write 0x40400000 1
madvise 0x40200000 0x203000 MADV_COLD
expect last.ret == -ENOMEM && last.skipped == 1 && last.pages == 1
`);
  });
});

describe('pagemap of hugetlb pages (pagemap_hugetlb_range)', () => {
  it('the base page pfn inside the huge page; PM_FILE only for a shared mapping', () => {
    run(`
hugetlb pool pages=2
mmap 0x40000000 2M hugetlb=h
mmap 0x40200000 2M shared hugetlb=h2
write 0x40001000 1
write 0x40200000 1
pagemap 0x40001000
expect last.present == 1
expect last.pfn == task.init.pte[0x40001000].pfn
expect last.file == 0
pagemap 0x40200000
expect last.file == 1
`);
  });
});
