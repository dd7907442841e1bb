/**
 * tools/testing/selftests/vm/hmm-tests.c, round 2, case by case under its C
 * name: device-exclusive access (HMM_DMIRROR_EXCLUSIVE / _CHECK_EXCLUSIVE),
 * the mirror's snapshot (HMM_DMIRROR_SNAPSHOT) and hmm_gup_test (gup_test's
 * GUP_BASIC_TEST, GUP_FAST_BENCHMARK, PIN_FAST_BENCHMARK with FOLL_LONGTERM
 * and PIN_LONGTERM_BENCHMARK as `gup` then `unpin`, which is what each
 * gup_test ioctl does before it returns). Where the C test asserts a value,
 * that value.
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { ev, run, sim, statements, stops, subsystem } from '../support/kit';
import { Mm } from '../../src/sim/mm/subsystem';
import { PAGE_CELL } from '../../src/sim/mm/picture';
import { statePicture } from '../../src/sim';
import { checkInvariants } from './invariants';

const A = 0x7f0000000000n;
const at = (page: number): string => `0x${(A + BigInt(page) * 0x1000n).toString(16)}`;
/** HMM_BUFFER_SIZE is 1024 pages; kstep runs the same loops over 130 (three of the driver's 64-page chunks), the code path per page being the same. */
const NPAGES = 130;

/** Every statement's state checked against the kernel's counts (refcounts, mapcounts, rss, free lists). */
function runChecked(text: string): Sim {
  const s = sim(text, { history: false });
  const mm = subsystem(s, Mm);
  // statements() throws at a failed expect
  for (const _ of statements(s)) checkInvariants(mm);
  checkInvariants(mm);
  return s;
}

function fill(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += `write ${at(i)} ${i}\n`;
  return out;
}

/** ASSERT_EQ(ptr[i]++, i) then ASSERT_EQ(ptr[i], i + 1) over every page, as the CPU faults them back. */
function cpuIncrement(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += `read ${at(i)}\nexpect last.value == ${i}\nwrite ${at(i)} ${i + 1}\n`;
  for (let i = 0; i < n; i++) out += `read ${at(i)}\nexpect last.value == ${i + 1}\n`;
  return out;
}

/** The kernel frames at the first stop in function `fn`. */
function framesAt(s: Sim, fn: string): string[] {
  s.machine.breakpoints.setFunctions([{ id: 1, name: fn, hits: 0 } as never]);
  const st = s.machine.resume('continue');
  expect(st.reason).toBe('function breakpoint');
  return s.machine.frames.map((f) => f.fn.name);
}

describe('hmm-tests exclusive', () => {
  it('every page becomes a device-exclusive entry; CPU accesses restore them in place; atomic access is revoked (CHECK_EXCLUSIVE 0)', () => {
    const s = runChecked(`
device gpu type=private pages=1
mmap ${at(0)} ${NPAGES * 4}K
${fill(NPAGES)}
device_exclusive gpu ${at(0)} ${NPAGES * 4}K
expect last.ret == 0
expect last.cpages == ${NPAGES}
expect task.init.pte[${at(0)}].kind == device_exclusive
expect task.init.pte[${at(NPAGES - 1)}].kind == device_exclusive
expect task.init.pte[${at(0)}].write
expect page[task.init.pte[${at(0)}].pfn].mapcount == 0
expect page[task.init.pte[${at(0)}].pfn].refcount == 1
expect task.init.rss == ${NPAGES}
device_check_exclusive gpu ${at(0)} ${NPAGES * 4}K
expect last.ret == -EPERM
read ${at(0)}
expect last.fault == device_exclusive
expect last.faults == [device_exclusive]
expect task.init.pte[${at(0)}].kind == present
expect task.init.pte[${at(0)}].write
expect page[task.init.pte[${at(0)}].pfn].zone == NORMAL
${cpuIncrement(NPAGES)}
device_check_exclusive gpu ${at(0)} ${NPAGES * 4}K
expect last.ret == 0
`);
    expect(ev(s, 'dev.gpu.free')).toBe(1n);
  });

  it('a write to an exclusive page costs one fault: the writable entry comes back writable', () => {
    run(`
device gpu type=private pages=1
mmap ${at(0)} 8K
write ${at(0)} 7
device_exclusive gpu ${at(0)} 8K
write ${at(0)} 8
expect last.faults == [device_exclusive]
read ${at(0)}
expect last.value == 8
expect last.faults == []
`);
  });

  it('runs make_device_exclusive_range under dmirror_exclusive, GUP first, then the rmap walk', () => {
    const s = sim(`
device gpu type=private pages=1
mmap ${at(0)} 4K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
read ${at(0)}
`);
    expect(framesAt(s, 'make_device_exclusive_range')).toEqual(['dmirror_exclusive', 'make_device_exclusive_range']);
    expect(s.machine.frames.at(-1)?.fn.source.path).toBe('mm/rmap.c');
    expect(framesAt(s, 'page_make_device_exclusive_one')).toEqual(['dmirror_exclusive', 'make_device_exclusive_range', 'page_make_device_exclusive', 'page_make_device_exclusive_one']);
    expect(framesAt(s, 'restore_exclusive_pte')).toEqual(['handle_mm_fault', 'handle_pte_fault', 'do_swap_page', 'remove_device_exclusive_entry', 'restore_exclusive_pte']);
  });

  it('the CPU fault is the device_exclusive exception, not device_private', () => {
    const s = sim(`
device gpu type=private pages=1
mmap ${at(0)} 4K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
read ${at(0)}
`);
    const kinds = stops(s, ['device_exclusive', 'device_private']).map((st) => st.exception?.kind);
    expect(kinds).toEqual(['device_exclusive']);
  });

  it('a page that is not anonymous (MAP_SHARED) is refused: -EBUSY, the pte stays present', () => {
    run(`
device gpu type=private pages=1
mmap ${at(0)} 4K shared
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
expect last.ret == -EBUSY
expect task.init.pte[${at(0)}].kind == present
device_check_exclusive gpu ${at(0)} 4K
expect last.ret == 0
`);
  });

  it('munmap zaps an exclusive entry: rss and the reference go, the atomic mapping is invalidated', () => {
    runChecked(`
device gpu type=private pages=1
mmap ${at(0)} 8K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 8K
munmap ${at(0)} 8K
expect task.init.rss == 0
device_check_exclusive gpu ${at(0)} 8K
expect last.ret == 0
`);
  });
});

describe('hmm-tests exclusive_mprotect', () => {
  it('mprotect PROT_READ makes the entries read-only; a device write is then -EPERM', () => {
    runChecked(`
device gpu type=private pages=1
mmap ${at(0)} ${NPAGES * 4}K
${fill(NPAGES)}
device_exclusive gpu ${at(0)} ${NPAGES * 4}K
expect last.ret == 0
expect last.cpages == ${NPAGES}
mprotect ${at(0)} ${NPAGES * 4}K r
expect task.init.pte[${at(0)}].kind == device_exclusive
expect task.init.pte[${at(0)}].write == false
device_access gpu write ${at(0)}
expect last.ret == -EPERM
device_check_exclusive gpu ${at(0)} ${NPAGES * 4}K
expect last.ret == 0
read ${at(1)}
expect last.value == 1
expect task.init.pte[${at(1)}].write == false
`);
  });
});

describe('hmm-tests exclusive_cow', () => {
  it('fork restores the entries (copy_nonpresent_pte → try_restore_exclusive_pte) and write-protects both; each side then copies on write', () => {
    runChecked(`
device gpu type=private pages=1
mmap ${at(0)} ${NPAGES * 4}K
${fill(NPAGES)}
device_exclusive gpu ${at(0)} ${NPAGES * 4}K
expect last.ret == 0
expect last.cpages == ${NPAGES}
fork as child
expect task.init.pte[${at(0)}].kind == present
expect task.init.pte[${at(0)}].write == false
expect task.child.pte[${at(0)}].pfn == task.init.pte[${at(0)}].pfn
expect page[task.init.pte[${at(0)}].pfn].mapcount == 2
${cpuIncrement(NPAGES)}
task child
${cpuIncrement(NPAGES)}
`);
  });

  it('the fork frames: copy_one_pte → try_restore_exclusive_pte → restore_exclusive_pte', () => {
    const s = sim(`
device gpu type=private pages=1
mmap ${at(0)} 4K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
fork as child
`);
    expect(framesAt(s, 'try_restore_exclusive_pte')).toEqual(['dup_mmap', 'copy_one_pte', 'try_restore_exclusive_pte']);
  });
});

/** hmm2 snapshot: pages 0..6 as the C test lays them out. */
function snapshotScenario(type: 'private' | 'coherent'): string {
  return `
device gpu0 type=${type} pages=4
device gpu1 type=${type} pages=4
mmap ${at(0)} 28K prot=none
munmap ${at(1)} 4K
mprotect ${at(2)} 4K r
read ${at(2)}
expect last.value + 3 == 3
mprotect ${at(3)} 4K rw
write ${at(3)} 3
mprotect ${at(3)} 4K r
mprotect ${at(4)} 12K rw
write ${at(4)} 3
migrate ${at(5)} 4K to=gpu0
expect last.ret == 0
expect last.migrated == 1
migrate ${at(6)} 4K to=gpu1
expect last.ret == 0
expect last.migrated == 1
device_snapshot gpu0 ${at(0)} 28K
expect last.ret == 0
expect last.cpages == 7
expect last.perm[0] == HMM_DMIRROR_PROT_ERROR
expect last.perm[1] == HMM_DMIRROR_PROT_ERROR
expect last.perm[2] == HMM_DMIRROR_PROT_ZERO | HMM_DMIRROR_PROT_READ
expect last.perm[3] == HMM_DMIRROR_PROT_READ
expect last.perm[4] == HMM_DMIRROR_PROT_WRITE
`;
}

describe('hmm-tests snapshot', () => {
  it('hmm2_device_private: a hole and PROT_NONE are errors, the zero page, read and write ptes, the own private page LOCAL, the other device NONE', () => {
    const s = runChecked(`${snapshotScenario('private')}
expect last.perm[5] == HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL | HMM_DMIRROR_PROT_WRITE
expect last.perm[6] == HMM_DMIRROR_PROT_NONE
expect last.perm == [0xff, 0xff, 0x11, 1, 2, 0x22, 0]
`);
    // nothing was faulted in: the other device's page is still there
    expect(ev(s, `task.init.pte[${at(6)}].kind`)).toEqual(ev(s, 'device_private'));
  });

  it('hmm2_device_coherent: coherent pages are present ptes, LOCAL and REMOTE', () => {
    runChecked(`${snapshotScenario('coherent')}
expect last.perm[5] == HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL | HMM_DMIRROR_PROT_WRITE
expect last.perm[6] == HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE | HMM_DMIRROR_PROT_WRITE
`);
  });

  it('walks hmm_range_fault under dmirror_snapshot without ever entering the fault path', () => {
    const s = sim(snapshotScenario('private'));
    expect(framesAt(s, 'dmirror_mkentry')).toEqual(['dmirror_snapshot', 'dmirror_mkentry']);
    const s2 = sim(`
device gpu type=private pages=1
mmap ${at(0)} 8K
device_snapshot gpu ${at(0)} 8K
`);
    expect(framesAt(s2, 'hmm_vma_handle_pte')).toEqual(['dmirror_snapshot', 'hmm_range_fault', 'hmm_vma_handle_pte']);
    s2.machine.breakpoints.setFunctions([{ id: 2, name: 'handle_mm_fault', hits: 0 } as never]);
    expect(s2.machine.resume('continue').reason).not.toBe('function breakpoint');
    expect(ev(s2, 'last.perm')).toEqual([0n, 0n]);
  });

  it('an exclusive entry is not present: NONE, and it stays exclusive', () => {
    run(`
device gpu type=private pages=1
mmap ${at(0)} 4K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
device_snapshot gpu ${at(0)} 4K
expect last.perm == [HMM_DMIRROR_PROT_NONE]
expect task.init.pte[${at(0)}].kind == device_exclusive
`);
  });
});

describe('hmm-tests compound', () => {
  it('a hugetlb page is reported with HMM_DMIRROR_PROT_PMD, WRITE then READ after mprotect', () => {
    const s = run(`
hugetlb pool pages=1
device gpu type=private pages=1
mmap ${at(0)} 2M hugetlb=f
write ${at(0)} 1
device_snapshot gpu ${at(0)} 2M
expect last.ret == 0
expect last.cpages == 512
expect last.perm[511] == HMM_DMIRROR_PROT_WRITE | HMM_DMIRROR_PROT_PMD
mprotect ${at(0)} 2M r
device_snapshot gpu ${at(0)} 2M
expect last.cpages == 512
`);
    expect(ev(s, 'last.perm')).toEqual(new Array(512).fill(0x05n));
  });
});

/** hmm_gup_test's four gup_test ioctls on pages 0..3, each giving its references back before it returns. */
function gupTestScenario(type: 'private' | 'coherent'): string {
  return `
device gpu type=${type} pages=4
mmap ${at(0)} 16K
${fill(4)}
migrate ${at(0)} 16K to=gpu
expect last.ret == 0
expect last.migrated == 4
gup ${at(0)} flags=FOLL_WRITE
expect last.ret == 1
unpin ${at(0)}
gup ${at(1)} flags=FOLL_WRITE
expect last.ret == 1
unpin ${at(1)}
gup ${at(2)} flags=FOLL_PIN|FOLL_WRITE|FOLL_LONGTERM
expect last.ret == 1
unpin ${at(2)}
gup ${at(3)} flags=FOLL_PIN|FOLL_WRITE|FOLL_LONGTERM
expect last.ret == 1
unpin ${at(3)}
device_snapshot gpu ${at(0)} 16K
expect last.ret == 0
expect last.cpages == 4
`;
}

describe('hmm-tests hmm_gup_test', () => {
  it('hmm_device_private: every gup faults the page back to system memory', () => {
    runChecked(`${gupTestScenario('private')}
expect last.perm == [HMM_DMIRROR_PROT_WRITE, HMM_DMIRROR_PROT_WRITE, HMM_DMIRROR_PROT_WRITE, HMM_DMIRROR_PROT_WRITE]
${[0, 1, 2, 3].map((i) => `read ${at(i)}\nexpect last.value == ${i}`).join('\n')}
`);
  });

  it('hmm_device_coherent: plain gets leave the pages on the device, FOLL_LONGTERM pins migrate them out first', () => {
    runChecked(`${gupTestScenario('coherent')}
expect last.perm[0] == HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL | HMM_DMIRROR_PROT_WRITE
expect last.perm[1] == HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL | HMM_DMIRROR_PROT_WRITE
expect last.perm[2] == HMM_DMIRROR_PROT_WRITE
expect last.perm[3] == HMM_DMIRROR_PROT_WRITE
expect dev.gpu.used == 2
${[0, 1, 2, 3].map((i) => `read ${at(i)}\nexpect last.value == ${i}`).join('\n')}
`);
  });

  it('the FOLL_LONGTERM pin of a coherent page migrates it through check_and_migrate_movable_pages', () => {
    const s = sim(gupTestScenario('coherent'));
    expect(framesAt(s, 'migrate_device_coherent_page')).toEqual(['pin_user_pages', '__gup_longterm_locked', 'check_and_migrate_movable_pages', 'migrate_device_coherent_page']);
  });
});

describe('gup and unpin: FOLL_PIN counts with GUP_PIN_COUNTING_BIAS', () => {
  it('a pin adds 1024 to a small page, a get adds one; unpin gives back what each took', () => {
    runChecked(`
mmap ${at(0)} 8K
write ${at(0)} 1
gup ${at(0)} flags=FOLL_PIN
expect last.ret == 1
expect last.pages[0] == task.init.pte[${at(0)}].pfn
expect page[task.init.pte[${at(0)}].pfn].refcount == 1025
gup ${at(0)} flags=FOLL_WRITE
expect page[task.init.pte[${at(0)}].pfn].refcount == 1026
unpin ${at(0)}
expect last.ret == 1
expect page[task.init.pte[${at(0)}].pfn].refcount == 1025
unpin ${at(0)}
expect page[task.init.pte[${at(0)}].pfn].refcount == 1
unpin ${at(0)}
expect last.ret == 0
`);
  });

  it('a pinned page outlives its mapping and is freed by the last unpin', () => {
    const s = runChecked(`
mmap ${at(0)} 4K
write ${at(0)} 5
gup ${at(0)} flags=FOLL_PIN|FOLL_WRITE
munmap ${at(0)} 4K
expect page[last.pages[0]].refcount == 1024
expect page[last.pages[0]].mapcount == 0
unpin ${at(0)}
expect last.ret == 1
`);
    expect(ev(s, 'task.init.rss')).toBe(0n);
  });

  it('a pinned page is not migrated to a device (migrate_vma_check_page sees the extra references): -ENOENT', () => {
    runChecked(`
device gpu type=private pages=2
mmap ${at(0)} 4K
write ${at(0)} 5
gup ${at(0)} flags=FOLL_PIN|FOLL_WRITE
migrate ${at(0)} 4K to=gpu
expect last.ret == -ENOENT
expect last.migrated == 0
expect task.init.pte[${at(0)}].kind == present
unpin ${at(0)}
migrate ${at(0)} 4K to=gpu
expect last.ret == 0
`);
  });

  it('errors: a hole is -EFAULT, FOLL_WRITE on a read-only VMA is -EFAULT, FOLL_PIN with FOLL_GET is -EINVAL', () => {
    run(`
mmap ${at(0)} 4K prot=r
gup ${at(4)} flags=FOLL_PIN
expect last.ret == -EFAULT
gup ${at(0)} flags=FOLL_WRITE
expect last.ret == -EFAULT
gup ${at(0)} flags=FOLL_PIN|FOLL_GET
expect last.ret == -EINVAL
gup ${at(0)}
expect last.ret == 1
expect page[last.pages[0]].refcount == 2
unpin ${at(0)}
`);
  });

  it('the dmirror ioctls refuse an unaligned address or no pages with -EINVAL (dmirror_fops_unlocked_ioctl); migrate too, unaligned', () => {
    run(`
device gpu type=private pages=4
mmap ${at(0)} 8K
write ${at(0)} 1
device_exclusive gpu ${at(0)} + 8 4K
expect last.ret == -EINVAL && task.init.pte[${at(0)}].kind == present
device_exclusive gpu ${at(0)} 0
expect last.ret == -EINVAL
device_check_exclusive gpu ${at(0)} + 8 4K
expect last.ret == -EINVAL
device_snapshot gpu ${at(0)} 0
expect last.ret == -EINVAL && last.perm == []
migrate ${at(0)} + 8 4K to=gpu
expect last.ret == -EINVAL && last.migrated == 0 && task.init.pte[${at(0)}].kind == present
migrate ${at(0)} 0 to=gpu
expect last.ret == 0
`);
  });

  it('get_user_pages with FOLL_LONGTERM but no FOLL_PIN is -EINVAL (is_valid_gup_flags), nothing taken or moved', () => {
    run(`
device cxl type=coherent pages=4
mmap ${at(0)} 4K
write ${at(0)} 1
migrate ${at(0)} 4K to=cxl
expect last.migrated == 1
gup ${at(0)} flags=FOLL_LONGTERM
expect last.ret == -EINVAL
gup ${at(0)} flags=FOLL_GET|FOLL_WRITE|FOLL_LONGTERM
expect last.ret == -EINVAL
expect page[task.init.pte[${at(0)}].pfn].pgmap == coherent
expect page[task.init.pte[${at(0)}].pfn].refcount == 2
`);
  });

  it('a read gup of an untouched page maps and pins the zero page; a short count stops at the hole', () => {
    runChecked(`
mmap ${at(0)} 8K
gup ${at(0)} 16K flags=FOLL_PIN
expect last.ret == 2
expect last.pages == [0xfff, 0xfff]
expect page[0xfff].refcount == 2049
unpin ${at(0)} 16K
expect last.ret == 2
expect page[0xfff].refcount == 1
`);
  });

  it('gup of a device-exclusive page restores it (do_swap_page) and the atomic access is revoked', () => {
    runChecked(`
device gpu type=private pages=1
mmap ${at(0)} 4K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
gup ${at(0)} flags=FOLL_PIN
expect last.ret == 1
expect task.init.pte[${at(0)}].kind == present
device_check_exclusive gpu ${at(0)} 4K
expect last.ret == 0
unpin ${at(0)}
`);
  });
});

describe('the contract constants of SCENARIO.md §5.1', () => {
  it('MAX_SWAPFILES, SWP_DEVICE_WRITE, SWP_DEVICE_READ and the HMM_DMIRROR_PROT_* values', () => {
    run(`
expect MAX_SWAPFILES == 27
expect SWP_DEVICE_WRITE == 30
expect SWP_DEVICE_READ == 31
expect [HMM_DMIRROR_PROT_ERROR, HMM_DMIRROR_PROT_NONE, HMM_DMIRROR_PROT_READ, HMM_DMIRROR_PROT_WRITE, HMM_DMIRROR_PROT_PMD, HMM_DMIRROR_PROT_PUD] == [0xff, 0, 1, 2, 4, 8]
expect [HMM_DMIRROR_PROT_ZERO, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE, HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL, HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE] == [0x10, 0x20, 0x30, 0x40, 0x50]
`);
  });

  it('the names SCENARIO.md lists stand for their numbers: MADV_DONTNEED, VM_WRITE, MAP_NORESERVE, and the swap.h names 002 builds on', () => {
    run(`
expect [MADV_DONTNEED, MADV_FREE, MADV_COLD, MADV_PAGEOUT] == [4, 8, 20, 21]
expect VM_WRITE == 2 && MAP_NORESERVE == 0x4000
expect (1 << MAX_SWAPFILES_SHIFT) - SWP_DEVICE_NUM - SWP_MIGRATION_NUM - SWP_HWPOISON_NUM == MAX_SWAPFILES
expect MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM == SWP_DEVICE_WRITE
mmap ${at(0)} 4K
write ${at(0)} 1
madvise ${at(0)} 4K MADV_DONTNEED
expect last.ret == 0 && task.init.pte[${at(0)}].kind == none
`);
  });
});

describe('fork with a pinned page (copy_present_pte, page_needs_cow_for_dma)', () => {
  it("the child gets its own copy at fork; the parent's pinned page keeps its writable pte", () => {
    runChecked(`
mmap ${at(0)} 8K
write ${at(0)} 5
write ${at(1)} 6
gup ${at(0)} flags=FOLL_PIN|FOLL_WRITE|FOLL_LONGTERM
fork as child
expect task.init.pte[${at(0)}].write
expect task.child.pte[${at(0)}].pfn != task.init.pte[${at(0)}].pfn
expect task.child.pte[${at(0)}].write
expect task.init.pte[${at(1)}].write == false
expect task.child.pte[${at(1)}].pfn == task.init.pte[${at(1)}].pfn
write ${at(0)} 7
expect last.faults == []
task child
read ${at(0)}
expect last.value == 5
task init
unpin ${at(0)}
`);
  });

  it('without a pin the page is shared and write-protected as before', () => {
    run(`
mmap ${at(0)} 4K
write ${at(0)} 5
gup ${at(0)} flags=FOLL_WRITE
fork as child
expect task.child.pte[${at(0)}].pfn == task.init.pte[${at(0)}].pfn
expect task.init.pte[${at(0)}].write == false
`);
  });
});

describe('hmm-tests anon_read_multiple', () => {
  it('ten rounds of a fresh mapping read by the device', () => {
    let text = 'device gpu type=private pages=1\n';
    for (let c = 0; c < 10; c++) {
      text += `mmap ${at(0)} 16K\n${[0, 1, 2, 3].map((i) => `write ${at(i)} ${i + c}`).join('\n')}\n`;
      for (let i = 0; i < 4; i++) text += `device_access gpu read ${at(i)}\nexpect last.ret == 0\nexpect last.value == ${i + c}\n`;
      text += `munmap ${at(0)} 16K\n`;
    }
    runChecked(text);
  });
});

describe('hmm-tests anon_write_hugetlbfs', () => {
  it('the device writes a hugetlb page, faulting it in once', () => {
    run(`
hugetlb pool pages=1
device gpu type=private pages=1
mmap ${at(0)} 2M hugetlb=f
device_access gpu write ${at(0)}
expect last.ret == 0
expect last.faults == [hugetlb]
device_access gpu write ${at(511)}
expect last.ret == 0
expect last.faults == []
read ${at(0)}
expect last.value == 1
read ${at(511)}
expect last.value == 1
`);
  });
});

describe('MMU notifier invalidations of the atomic mirror entries', () => {
  it("a migration by the owning device keeps them (dmirror_interval_invalidate ignores its own MMU_NOTIFY_MIGRATE); another device's drops them", () => {
    run(`
device gpu type=private pages=2
device gpu2 type=private pages=2
mmap ${at(0)} 8K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
migrate ${at(0)} 8K to=gpu
expect last.ret == 0
expect task.init.pte[${at(0)}].kind == device_exclusive
device_check_exclusive gpu ${at(0)} 4K
expect last.ret == -EPERM
migrate ${at(1)} 4K to=gpu2
device_check_exclusive gpu ${at(0)} 4K
expect last.ret == -EPERM
migrate ${at(0)} 8K to=gpu2
expect last.ret == -ENOENT
device_check_exclusive gpu ${at(0)} 4K
expect last.ret == 0
expect task.init.pte[${at(0)}].kind == device_exclusive
`);
  });

  it('mprotect and fork drop them; the dmirror_interval_invalidate frame shows where', () => {
    run(`
device gpu type=private pages=1
mmap ${at(0)} 8K
write ${at(0)} 1
write ${at(1)} 2
device_exclusive gpu ${at(0)} 4K
mprotect ${at(0)} 8K r
device_check_exclusive gpu ${at(0)} 4K
expect last.ret == 0
mprotect ${at(0)} 8K rw
device_exclusive gpu ${at(1)} 4K
fork as child
device_check_exclusive gpu ${at(1)} 4K
expect last.ret == 0
`);
    const s = sim(`
device gpu type=private pages=1
mmap ${at(0)} 4K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
munmap ${at(0)} 4K
`);
    expect(framesAt(s, 'dmirror_interval_invalidate')).toEqual(['__do_munmap', 'zap_pte_range', 'dmirror_interval_invalidate']);
  });
});

describe('hmm-tests hmm_cow_in_device (its snapshot)', () => {
  for (const type of ['private', 'coherent'] as const) {
    it(`hmm_device_${type}: after the parent writes its COW device pages, the snapshot shows them all WRITE in system memory`, () => {
      runChecked(`
device gpu type=${type} pages=4
mmap ${at(0)} 16K
${fill(4)}
migrate ${at(0)} 16K to=gpu
expect last.ret == 0
expect last.migrated == 4
fork as child
${[0, 1, 2, 3].map((i) => `write ${at(i)} ${i}`).join('\n')}
exit child
device_snapshot gpu ${at(0)} 16K
expect last.ret == 0
expect last.cpages == 4
expect last.perm == [HMM_DMIRROR_PROT_WRITE, HMM_DMIRROR_PROT_WRITE, HMM_DMIRROR_PROT_WRITE, HMM_DMIRROR_PROT_WRITE]
`);
    });
  }
});

describe('stepping into device_exclusive', () => {
  it('lands on the mm/rmap.c listing, then in get_user_pages_remote', () => {
    const s = sim(`
device gpu type=private pages=1
mmap ${at(0)} 4K
write ${at(0)} 1
device_exclusive gpu ${at(0)} 4K
`);
    framesAt(s, 'make_device_exclusive_range');
    const f = s.machine.frames.at(-1);
    expect(f?.fn.source.lines[(f?.line ?? 0) - 1]).toContain('get_user_pages_remote');
    s.machine.resume('in');
    expect(s.machine.frames.at(-1)?.fn.name).toBe('get_user_pages_remote');
    expect(s.machine.frames.at(-1)?.fn.source.path).toBe('mm/gup.c');
  });
});

describe('gup of a hugetlb page', () => {
  it('FOLL_PIN counts one reference and one compound_pincount per page; the last unpin frees the unmapped huge page to the pool', () => {
    runChecked(`
hugetlb pool pages=2
mmap ${at(0)} 2M hugetlb=f
write ${at(0)} 1
gup ${at(0)} 8K flags=FOLL_PIN
expect last.ret == 2
expect last.pages == [0x4000000, 0x4000001]
expect page[0x4000000].refcount == 3
expect page[0x4000001].pincount == 2
munmap ${at(0)} 2M
expect hugetlb.free == 1
expect page[0x4000000].refcount == 2
unpin ${at(0)} 8K
expect last.ret == 2
expect hugetlb.free == 2
`);
  });
});

describe('the state picture', () => {
  it("draws a device-exclusive entry as its own cell ('x'), beside present and device-private ones", () => {
    const s = run(`
device gpu type=private pages=1
mmap ${at(0)} 12K
write ${at(0)} 1
write ${at(1)} 2
device_exclusive gpu ${at(0)} 4K
migrate ${at(1)} 4K to=gpu
`);
    const p = statePicture(s);
    const task = p.mm.find((e) => e.kind === 'task');
    expect(task?.kind === 'task' ? task.vmas[0]?.cells : undefined).toBe(`${PAGE_CELL.device_exclusive}${PAGE_CELL.device_private}${PAGE_CELL.none}`);
    expect(PAGE_CELL.device_exclusive).toBe('x');
  });
});

describe('dmirror_exclusive works in chunks of 64 pages', () => {
  it("a refused page fails its chunk with -EBUSY; the earlier chunk and the chunk's other pages stay exclusive and atomic, the later chunks are not touched", () => {
    runChecked(`
device gpu type=private pages=1
mmap ${at(0)} 560K
mmap ${at(65)} 4K shared
${[0, 64, 65, 66, 70, 130].map((i) => `write ${at(i)} ${i}`).join('\n')}
device_exclusive gpu ${at(0)} 560K
expect last.ret == -EBUSY
expect task.init.pte[${at(130)}].kind == present
expect task.init.pte[${at(0)}].kind == device_exclusive
expect task.init.pte[${at(64)}].kind == device_exclusive
expect task.init.pte[${at(65)}].kind == present
expect task.init.pte[${at(66)}].kind == device_exclusive
expect task.init.pte[${at(70)}].kind == device_exclusive
device_check_exclusive gpu ${at(64)} 8K
expect last.ret == -EPERM
# GUP found every page of the chunk, so dmirror_atomic_map maps the ones that did become exclusive
device_check_exclusive gpu ${at(66)} 4K
expect last.ret == -EPERM
device_check_exclusive gpu ${at(65)} 4K
expect last.ret == 0
`);
  });
});

describe('MMF_HAS_PINNED', () => {
  it("is the parent's own: a page another task pinned is shared at fork as usual, and a child does not inherit the flag", () => {
    runChecked(`
mmap ${at(0)} 4K
write ${at(0)} 5
fork as a
task a
gup ${at(0)} flags=FOLL_PIN
task init
fork as b
expect task.b.pte[${at(0)}].pfn == task.init.pte[${at(0)}].pfn
task a
fork as c
expect task.c.pte[${at(0)}].pfn != task.a.pte[${at(0)}].pfn
unpin ${at(0)}
`);
  });
});
