/**
 * mprotect (mm/mprotect.c: do_mprotect_pkey, mprotect_fixup) and mlock
 * (mm/mlock.c do_mlock, mm/gup.c __mm_populate) as the kernel's code runs
 * them: unchanged flags change nothing, a zero length is 0, and mlock faults
 * the whole range in before it mlocks the LRU pages.
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { ev, run, sim, stops } from '../support/kit';

const A = '0x7f0000000000';

/** The function names of every kernel frame the run enters, in first-entry order. */
function framesEntered(s: Sim): string[] {
  const seen: string[] = [];
  while (!s.machine.ended) {
    s.machine.resume('in');
    for (const f of s.machine.frames) if (!seen.includes(f.fn.name)) seen.push(f.fn.name);
  }
  return seen;
}

describe('mprotect_fixup: newflags == oldflags returns early', () => {
  it('mprotect to the protection the VMA has keeps writable device-private entries: one device_private fault, no wp', () => {
    run(`
device gpu type=private pages=2
mmap ${A} 8K
write ${A} 1
migrate ${A} 8K to=gpu
mprotect ${A} 8K rw
expect last.ret == 0
expect task.init.pte[${A}].write
expect task.init.pte[${A} + 0x1000].write
write ${A} 2
expect last.faults == [device_private]
expect task.init.pte[${A}].write
`);
  });

  it('the same mprotect runs no change_pte_range', () => {
    const s = sim(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 1
migrate ${A} 4K to=gpu
mprotect ${A} 4K rw
`);
    for (let i = 0; i < 4; i++) s.machine.resume('over');
    expect(framesEntered(s)).toEqual(['do_mprotect_pkey', 'mprotect_fixup']);
  });

  it('a change of any flag (rw -> rwx) walks the PTEs: writable device-private entries become read entries', () => {
    run(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 1
migrate ${A} 4K to=gpu
mprotect ${A} 4K rwx
expect task.init.vma[0].prot == rwx
expect task.init.pte[${A}].write == false
write ${A} 2
expect last.faults == [device_private, wp]
`);
  });

  it('VMA by VMA: only the VMAs whose protection changes are split and walked', () => {
    run(`
device gpu type=private pages=3
mmap ${A} 12K
write ${A} 1
write ${A} + 0x1000 1
write ${A} + 0x2000 1
mprotect ${A} + 0x1000 4K r
migrate ${A} 12K to=gpu
expect task.init.pte[${A} + 0x1000].write == false
mprotect ${A} 12K r
expect last.ret == 0
expect len(task.init.vma) == 1
expect task.init.pte[${A}].write == false
expect task.init.pte[${A} + 0x2000].write == false
`);
  });

  it('a hole stops it with -ENOMEM; the VMAs before the hole are already changed', () => {
    run(`
mmap ${A} 4K
mmap ${A} + 0x2000 4K
mprotect ${A} 12K r
expect last.ret == -ENOMEM
expect task.init.vma[0].prot == r
expect task.init.vma[1].prot == rw
mprotect ${A} + 0x1000 4K r
expect last.ret == -ENOMEM
`);
  });

  it('a zero length is 0, mapped or not, and changes nothing', () => {
    const s = run(`
mmap ${A} 4K
mprotect ${A} 0 r
expect last.ret == 0
expect task.init.vma[0].prot == rw
mprotect 0x1000 0 none
expect last.ret == 0
`);
    expect(ev(s, 'len(task.init.vma)')).toBe(1n);
  });

  it('a hugetlb VMA left at its protection needs no split, so an unaligned range is not refused', () => {
    run(`
hugetlb pool pages=2
mmap 0x40000000 4M hugetlb=f shared
mprotect 0x40000000 1M rw
expect last.ret == 0
mprotect 0x40000000 1M r
expect last.ret == -EINVAL
expect task.init.vma[0].prot == rw
`);
  });

  it('a private mlocked VMA that becomes writable is populated again: COW broken at mprotect time', () => {
    run(`
mmap ${A} 8K prot=r
mlock ${A} 8K
expect last.ret == 0
expect task.init.pte[${A}].pfn == 0xfff
mprotect ${A} 8K rw
expect task.init.pte[${A}].write
expect task.init.pte[${A}].pfn != 0xfff
expect task.init.rss == 2
write ${A} 1
expect last.faults == []
`);
  });
});

describe('do_mlock → __mm_populate', () => {
  it('empty PTEs of a private writable VMA get anonymous pages (FOLL_WRITE), all mlocked', () => {
    run(`
mmap ${A} 16K
mlock ${A} 16K
expect last.ret == 0
expect last.pages == 4
expect last.skipped == 0
expect task.init.rss == 4
expect task.init.pte[${A} + 0x3000].kind == present
expect task.init.pte[${A} + 0x3000].write
expect task.init.vma[0].locked
`);
  });

  it('a read-only VMA is read-faulted: the zero page, nothing mlocked', () => {
    run(`
mmap ${A} 8K prot=r
mlock ${A} 8K
expect last.ret == 0
expect last.pages == 0
expect task.init.pte[${A} + 0x1000].pfn == 0xfff
expect task.init.rss == 0
`);
  });

  it('device-private pages migrate back; coherent pages stay and are skipped', () => {
    run(`
device gpu type=private pages=2
device cxl type=coherent pages=1
mmap ${A} 16K
write ${A} 1
write ${A} + 0x1000 2
write ${A} + 0x2000 3
migrate ${A} 8K to=gpu
migrate ${A} + 0x2000 4K to=cxl
mlock ${A} 16K
expect last.ret == 0
expect last.skipped == 1
expect last.pages == 3
expect dev.gpu.free == 2
expect task.init.pte[${A}].kind == present
expect task.init.pte[${A}].write
expect page[task.init.pte[${A} + 0x2000].pfn].pgmap == coherent
read ${A} + 0x1000
expect last.faults == []
expect last.value == 2
`);
  });

  it('a read-only device-private entry after fork comes back and is copied: device_private then wp', () => {
    const s = run(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 1
migrate ${A} 4K to=gpu
fork as child
mlock ${A} 4K
expect last.ret == 0
expect task.init.pte[${A}].write
expect task.init.pte[${A}].pfn != task.child.pte[${A}].pfn
`);
    expect(ev(s, `page[task.child.pte[${A}].pfn].mapcount`)).toBe(1n);
  });

  it('runs do_mlock → __mm_populate → populate_vma_page_range → __get_user_pages → handle_mm_fault', () => {
    const s = sim(`
mmap ${A} 4K
mlock ${A} 4K
`);
    s.machine.resume('over');
    expect(framesEntered(s).slice(0, 5)).toEqual(['do_mlock', '__mm_populate', 'populate_vma_page_range', '__get_user_pages', 'handle_mm_fault']);
  });

  it('a failed device stops the populate at its page: -ENOMEM, no signal, the pages before it populated', () => {
    const failed = `
device gpu type=private pages=1
mmap ${A} 12K
write ${A} + 0x1000 1
migrate ${A} + 0x1000 4K to=gpu
device gpu fail=on
mlock ${A} 12K
`;
    expect(stops(sim(failed), ['sigbus', 'sigsegv'])).toEqual([]);
    run(`${failed}
expect last.ret == -ENOMEM
expect task.init.pte[${A}].kind == present
expect task.init.pte[${A} + 0x1000].kind == device_private
expect task.init.pte[${A} + 0x2000].kind == none
expect task.init.vma[0].locked
`);
  });

  it('a hole is -ENOMEM from apply_vma_lock_flags: the VMAs before it locked, nothing populated', () => {
    run(`
mmap ${A} 4K
mmap ${A} + 0x2000 4K
mlock ${A} 12K
expect last.ret == -ENOMEM
expect task.init.vma[0].locked
expect task.init.vma[1].locked == false
expect task.init.rss == 0
`);
  });

  it('a PROT_NONE VMA is locked but cannot be populated: -EFAULT, reported as -ENOMEM', () => {
    run(`
mmap ${A} 4K prot=none
mlock ${A} 4K
expect last.ret == -ENOMEM
expect task.init.vma[0].locked
expect len(task.init.pte) == 0
`);
  });

  it('hugetlb VMAs are populated but not VM_LOCKED; a fault that ends in SIGBUS is -ENOMEM', () => {
    run(`
hugetlb pool pages=2
mmap 0x40000000 2M hugetlb=f shared
mlock 0x40000000 2M
expect last.ret == 0
expect last.pages == 0
expect task.init.vma[0].locked == false
expect task.init.pte[0x40000000].kind == present
expect hugetlb.free == 1
# a read-only mapping of an empty file: the read fault is past i_size
mmap 0x80000000 2M hugetlb=g shared prot=r
mlock 0x80000000 2M
expect last.ret == -ENOMEM
expect task.init.pte[0x80000000].kind == none
`, { exceptions: [] });
  });
});

describe('the entry checks of the system calls: an address inside a page, a zero length', () => {
  it('mprotect, madvise and mbind refuse an unaligned start with -EINVAL before anything changes', () => {
    run(`
mmap ${A} 16K
write ${A} 1
mprotect ${A} + 1 4K r
expect last.ret == -EINVAL && task.init.vma[0].prot == rw
madvise ${A} + 0x800 4K MADV_DONTNEED
expect last.ret == -EINVAL && task.init.pte[${A}].kind == present
madvise ${A} + 0x800 4K MADV_PAGEOUT
expect last.ret == -EINVAL
mbind ${A} + 1 4K node=1
expect last.ret == -EINVAL && page[task.init.pte[${A}].pfn].node == 0
`);
  });

  it('a zero length: mmap is -EINVAL, madvise, mbind, mlock and munlock return 0', () => {
    run(`
mmap ${A} 0
expect last.ret == -EINVAL && len(task.init.vma) == 0
mmap ${A} 8K
expect last.ret == 0
madvise ${A} 0 MADV_COLD
expect last.ret == 0
mbind ${A} 0 node=1
expect last.ret == 0
mlock ${A} 0
expect last.ret == 0 && task.init.vma[0].locked == false
munlock ${A} 0
expect last.ret == 0
`);
  });

  it('mlock takes an unaligned start down to its page and grows the length by the offset (do_mlock)', () => {
    run(`
mmap ${A} 16K
mlock ${A} + 0xfff 2
expect last.ret == 0 && last.pages == 2
expect task.init.vma[0].locked && task.init.vma[0].end == ${A} + 0x2000
munlock ${A} + 0xfff 2
expect last.ret == 0 && task.init.vma[0].locked == false
`);
  });
});
