/**
 * SCENARIO.md §5 rule by rule, with cases ported from
 * tools/testing/selftests/mm/hmm-tests.c and lib/test_hmm.c behaviour.
 */
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../src/sim/core/values';
import type { Value } from '../../src/sim/core/values';
import { ev, run, show, sim, stops } from '../support/kit';

const A = '0x7f0000000000';

describe('pages, devices, tasks, VMAs', () => {
  it('creates device pagemaps with their free lists (free at refcount 1)', () => {
    const s = run(`
device gpu type=private pages=8
device cxl type=coherent pages=2
device h type=host pages=1
expect dev.gpu.type == private
expect dev.gpu.free == 8
expect dev.gpu.used == 0
expect dev.gpu.failed == false
expect dev.cxl.type == coherent
expect dev.h.type == host
device gpu fail=on
expect dev.gpu.failed
`);
    const base = ev(s, 'dev.gpu.base_pfn') as bigint;
    expect(show(s, `page[${base}].zone`)).toBe('DEVICE');
    expect(show(s, `page[${base}].pgmap`)).toBe('private');
    expect(ev(s, `page[${base}].refcount`)).toBe(1n);
    expect(ev(s, `page[${base}].mapcount`)).toBe(0n);
    expect(ev(s, `page[${base}].lru`)).toBe(false);
  });

  it('rejects a second definition and unknown devices', () => {
    expect(() => run('device gpu type=private pages=1\ndevice gpu type=private pages=1')).toThrow(/already exists/);
    expect(() => run(`mmap ${A} 4K\nmigrate ${A} 4K to=nope`)).toThrow(/no device 'nope'/);
    expect(() => run('device gpu fail=on')).toThrow(/does not exist/);
  });

  it('mmap defaults to private anon rw; anon faults allocate LRU anon pages', () => {
    const s = run(`
mmap ${A} 64K
expect len(task.init.vma) == 1
expect task.init.vma[0].prot == rw
expect task.init.vma[0].shared == false
write ${A} 42
expect last.fault == anon
expect last.faults == [anon]
expect last.signal == none
expect last.value == 42
expect task.init.pte[${A}].kind == present
expect task.init.pte[${A} + 0xfff].write
expect task.init.rss == 1
read ${A}
expect last.fault == none
expect last.faults == []
expect last.value == 42
read ${A} + 0x1000
expect last.fault == anon
expect last.value == 0
# a read fault maps the shared zero page: read-only, no rss
expect task.init.rss == 1
expect task.init.pte[${A} + 0x1000].write == false
write ${A} + 0x1000 3
expect last.fault == wp
expect task.init.rss == 2
`);
    const pfn = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    expect(show(s, `page[${pfn}].zone`)).toBe('NORMAL');
    expect(ev(s, `page[${pfn}].refcount`)).toBe(1n);
    expect(ev(s, `page[${pfn}].mapcount`)).toBe(1n);
    expect(ev(s, `page[${pfn}].lru`)).toBe(true);
    expect(ev(s, `page[${pfn}].anon`)).toBe(true);
    expect(ev(s, 'len(task.init.pte)')).toBe(2n);
    const zero = ev(s, 'page[0xfff]') as Record<string, Value>;
    expect(formatValue(zero)).toBe('{zone: NORMAL, pgmap: none, refcount: 1, mapcount: 0, lru: false, anon: false, device: "", hugetlb: false, compound_head: 4095, mapping: "", index: 0, node: 0, pincount: 0}');
  });

  it('SIGSEGV outside any VMA and against prot; nothing else changes', () => {
    const s = run(`
mmap ${A} 8K prot=r
read 0x1000
expect last.signal == SIGSEGV
write ${A} 1
expect last.signal == SIGSEGV
expect task.init.rss == 0
expect len(task.init.pte) == 0
read ${A}
expect last.signal == none
expect last.fault == anon
mmap 0x10000 4K prot=none
read 0x10000
expect last.signal == SIGSEGV
`, { exceptions: ['sigsegv'] });
    expect(ev(s, 'task.init.rss')).toBe(0n);
    expect(ev(s, 'len(task.init.pte)')).toBe(1n);
  });

  it('reports fault, device_private, sigbus and sigsegv exceptions', () => {
    const s = sim(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 1
migrate ${A} 4K to=gpu
device gpu fail=on
read ${A}
read 0
`);
    const kinds = stops(s, ['fault', 'device_private', 'sigbus', 'sigsegv']).map((st) => st.exception?.kind);
    expect(kinds).toEqual(['fault', 'fault', 'device_private', 'sigbus', 'fault', 'sigsegv']);
  });

  it('task switches and creates; exit tears down and frees', () => {
    run(`
mmap ${A} 8K
write ${A} 1
task other
expect task.other.current
expect task.init.current == false
mmap ${A} 4K
write ${A} 2
expect task.other.rss == 1
task init
read ${A}
expect last.value == 1
exit other
expect len(task.init.vma) == 1
`);
  });

  it('munmap splits VMAs and zaps the range', () => {
    run(`
mmap ${A} 16K
write ${A} 1
write ${A} + 0x1000 2
write ${A} + 0x2000 3
munmap ${A} + 0x1000 4K
expect len(task.init.vma) == 2
expect task.init.rss == 2
expect task.init.pte[${A} + 0x1000].kind == none
read ${A} + 0x1000
expect last.signal == SIGSEGV
read ${A} + 0x2000
expect last.value == 3
`);
  });

  it('the run helper fails on a false expect', () => {
    expect(() => run('expect task.init.rss == 1')).toThrow(/expect failed/);
  });

  it('mmap file= of a file never created names the statement that creates it', () => {
    expect(() => run(`mmap ${A} 2M file=f`)).toThrow(/no file 'f' \(create one with: file f size=<len>\)/);
  });
});

describe('a u64 load or store at an address that is not 8-byte aligned', () => {
  it('reads and writes the eight little-endian bytes from the two u64 words they span', () => {
    run(`
mmap 0x10000 8K
write 0x10000 0x1122334455667788
read 0x10004
expect last.value == 0x11223344
write 0x10006 0xaabb
read 0x10000
expect last.value == 0xaabb334455667788
read 0x10008
expect last.value == 0
`);
  });

  it('one that spans two pages faults on both, the lower first; a refused upper page is SIGSEGV and nothing is stored', () => {
    run(`
device gpu type=private pages=2
mmap 0x20000 8K
write 0x20ff8 0x0102030405060708
write 0x21000 0x1112131415161718
migrate 0x20000 8K to=gpu
read 0x20ffc
expect last.faults == [device_private, device_private]
expect last.value == 0x1516171801020304
write 0x20ffe 0xffff
expect last.faults == [] && last.signal == none
read 0x21000
expect last.value == 0x1112000000000000
mmap 0x30000 4K
mmap 0x31000 4K prot=r
write 0x30ffc 5
expect last.faults == [anon] && last.signal == SIGSEGV
expect task.init.pte[0x31000].kind == none
read 0x30ff8
expect last.value == 0
`);
  });
});

describe('migration to and from device memory', () => {
  it('hmm-tests migrate: device-private entries writable iff the source was', () => {
    const s = run(`
device gpu type=private pages=16
mmap ${A} 64K
write ${A} 1
write ${A} + 0x1000 2
mprotect ${A} + 0x1000 4K r
migrate ${A} 64K to=gpu
expect last.ret == 0
expect last.migrated == 16
expect task.init.pte[${A}].kind == device_private
expect task.init.pte[${A}].write
expect task.init.pte[${A} + 0x1000].kind == device_private
expect task.init.pte[${A} + 0x1000].write == false
expect dev.gpu.free == 0
expect task.init.rss == 16
`);
    const pfn = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    expect(ev(s, `page[${pfn}].refcount`)).toBe(2n);
    expect(ev(s, `page[${pfn}].mapcount`)).toBe(1n);
    expect(ev(s, `page[${pfn}].anon`)).toBe(true);
  });

  it('runs out of device pages: the rest stays in system memory', () => {
    run(`
device gpu type=private pages=2
mmap ${A} 16K
write ${A} 1
write ${A} + 0x1000 1
write ${A} + 0x2000 1
migrate ${A} 12K to=gpu
expect last.migrated == 2
expect task.init.pte[${A} + 0x2000].kind == present
expect dev.gpu.free == 0
`);
  });

  it('migrate of an unmapped range is -EINVAL; MAP_SHARED is -ENOENT (hmm-tests migrate_shared)', () => {
    run(`
device gpu type=private pages=2
migrate ${A} 4K to=gpu
expect last.ret == -EINVAL
mmap ${A} 4K shared
migrate ${A} 4K to=gpu
expect last.ret == -ENOENT
expect last.migrated == 0
`);
  });

  it('CPU fault migrates back through device_private_entry_fault and the driver', () => {
    const s = sim(`
device gpu type=private pages=8
mmap ${A} 64K
write ${A} 42
migrate ${A} 4K to=gpu
read ${A}
`);
    s.machine.breakpoints.setFunctions([{ id: 1, name: 'dmirror_devmem_fault', hits: 0 } as never]);
    const st = s.machine.resume('continue');
    expect(st.reason).toBe('function breakpoint');
    expect(s.machine.frames.map((f) => f.fn.name)).toEqual([
      'handle_mm_fault', 'handle_pte_fault', 'do_swap_page', 'device_private_entry_fault', 'dmirror_devmem_fault',
    ]);
  });

  it('hmm-tests migrate_fault: read back all pages, device pages freed at refcount 1', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 16K
write ${A} 10
write ${A} + 0x1000 11
write ${A} + 0x2000 12
write ${A} + 0x3000 13
migrate ${A} 16K to=gpu
expect dev.gpu.used == 4
read ${A} + 0x2000
expect last.fault == device_private
expect last.value == 12
expect dev.gpu.used == 3
migrate ${A} 16K to=system
expect last.migrated == 3
expect dev.gpu.used == 0
read ${A} + 0x3000
expect last.fault == none
expect last.value == 13
expect task.init.rss == 4
`);
  });

  it('a failed device: SIGBUS and the entry stays; explicit migrate back skips it', () => {
    run(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 3
migrate ${A} 4K to=gpu
device gpu fail=on
write ${A} 4
expect last.fault == device_private
expect last.signal == SIGBUS
expect task.init.pte[${A}].kind == device_private
migrate ${A} 4K to=system
expect last.migrated == 0
expect task.init.pte[${A}].kind == device_private
device gpu fail=off
write ${A} 4
expect last.signal == none
read ${A}
expect last.value == 4
`);
  });

  it('a read-only device-private entry comes back read-only: a write takes device_private then wp', () => {
    run(`
device gpu type=private pages=1
mmap ${A} 4K
write ${A} 1
mprotect ${A} 4K r
mprotect ${A} 4K rw
migrate ${A} 4K to=gpu
expect task.init.pte[${A}].write == false
write ${A} 2
expect last.faults == [device_private, wp]
expect task.init.pte[${A}].write
`);
  });

  it('device_access through the mirror (hmm_range_fault)', () => {
    run(`
device gpu type=private pages=2
device other type=private pages=2
mmap ${A} 16K
device_access gpu read ${A}
expect last.ret == 0
expect last.fault == anon
expect task.init.pte[${A}].kind == present
write ${A} 5
device_access gpu write ${A}
expect last.value == 6
read ${A}
expect last.value == 6
migrate ${A} 4K to=gpu
device_access gpu read ${A}
expect last.fault == none
expect last.value == 6
expect task.init.pte[${A}].kind == device_private
device_access other read ${A}
expect last.fault == device_private
expect task.init.pte[${A}].kind == present
device_access gpu read 0x1000
expect last.ret == -EFAULT
expect last.signal == none
`);
  });

  it('coherent pages are present PTEs; no fault on CPU access', () => {
    run(`
device cxl type=coherent pages=2
mmap ${A} 8K
write ${A} 9
migrate ${A} 4K to=cxl
expect task.init.pte[${A}].kind == present
expect page[task.init.pte[${A}].pfn].pgmap == coherent
write ${A} 10
expect last.fault == none
read ${A}
expect last.value == 10
munmap ${A} 8K
expect dev.cxl.free == 2
`);
  });
});

describe('fork, mprotect, zap', () => {
  it('copy_one_pte: writable device-private entry in a COW mapping becomes read in both', () => {
    const s = run(`
device gpu type=private pages=2
mmap ${A} 4K
write ${A} 1
migrate ${A} 4K to=gpu
fork as c
expect task.init.pte[${A}].write == false
expect task.c.pte[${A}].kind == device_private
expect task.c.pte[${A}].write == false
expect task.c.rss == 1
`);
    const pfn = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    expect(ev(s, `page[${pfn}].refcount`)).toBe(3n);
    expect(ev(s, `page[${pfn}].mapcount`)).toBe(2n);
  });

  it('copy_one_pte keeps a shared mapping writable', () => {
    run(`
device gpu type=private pages=2
mmap ${A} 4K shared
write ${A} 1
fork as c
expect task.init.pte[${A}].write
expect task.c.pte[${A}].write
`);
  });

  it('COW of present pages after fork (hmm-tests anon_write_child)', () => {
    const s = run(`
mmap ${A} 8K
write ${A} 1
fork
expect task.init.pte[${A}].write == false
task init_child
write ${A} 2
expect last.fault == wp
read ${A}
expect last.value == 2
task init
read ${A}
expect last.value == 1
write ${A} 3
expect last.fault == wp
`);
    const p = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    expect(ev(s, `page[${p}].mapcount`)).toBe(1n);
    expect(ev(s, `page[${p}].refcount`)).toBe(1n);
  });

  it('a fault on a device-private page mapped by parent and child migrates both mappings back', () => {
    const s = run(`
device gpu type=private pages=2
mmap ${A} 4K
write ${A} 7
migrate ${A} 4K to=gpu
fork as c
task c
read ${A}
expect last.fault == device_private
expect last.value == 7
expect task.c.pte[${A}].kind == present
expect task.init.pte[${A}].kind == present
expect task.c.pte[${A}].pfn == task.init.pte[${A}].pfn
expect dev.gpu.free == 2
write ${A} 8
expect last.fault == wp
task init
read ${A}
expect last.value == 7
`);
    const p = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    expect(ev(s, `page[${p}].mapcount`)).toBe(1n);
  });

  it('zap: munmap and exit drop rss, mapcount and refcount; page_free at refcount 1', () => {
    const s = sim(`
device gpu type=private pages=2
mmap ${A} 8K
write ${A} 1
migrate ${A} 4K to=gpu
fork as c
exit c
expect dev.gpu.used == 1
munmap ${A} 8K
expect dev.gpu.used == 0
expect task.init.rss == 0
`);
    s.machine.breakpoints.setFunctions([{ id: 1, name: 'dmirror_devmem_free', hits: 0 } as never]);
    let hits = 0;
    for (;;) {
      const st = s.machine.resume('continue');
      if (st.reason === 'end') break;
      if (st.reason === 'function breakpoint') {
        hits++;
        expect(s.machine.frames.map((f) => f.fn.name)).toEqual(['__do_munmap', 'zap_pte_range', 'put_page', 'dmirror_devmem_free']);
      } else throw new Error(st.exception?.message ?? st.reason);
    }
    expect(hits).toBe(1);
    expect(s.machine.root('task')?.kind).toBe('record');
  });

  it('mprotect downgrades writable device-private entries only where the VMA flags change', () => {
    run(`
device gpu type=private pages=2
mmap ${A} 8K
write ${A} 1
write ${A} + 0x1000 1
migrate ${A} 8K to=gpu
mprotect ${A} 4K rw
expect last.ret == 0
expect task.init.pte[${A}].write
mprotect ${A} 4K r
expect task.init.pte[${A}].write == false
expect task.init.pte[${A} + 0x1000].write
mprotect ${A} 8K r
expect task.init.pte[${A} + 0x1000].write == false
read ${A}
expect last.value == 1
mprotect 0x1000 4K r
expect last.ret == -ENOMEM
`);
  });
});

describe('vm_normal_any_page vs vm_normal_lru_page callers (reference 003)', () => {
  const setup = `
device cxl type=coherent pages=4
mmap 0x200000 2M
write 0x200000 1
migrate 0x200000 4K to=cxl
`;
  it('follow_page: FOLL_LRU / FOLL_MLOCK refuse coherent pages', () => {
    const s = run(`${setup}
follow_page 0x200000
expect last.page != none
follow_page 0x200000 flags=FOLL_LRU|FOLL_GET
expect last.page == none
follow_page 0x200000 flags=FOLL_MLOCK
expect last.page == none
follow_page 0x201000
expect last.page == none
`);
    expect(ev(s, 'task.init.pte[0x200000].pfn')).toBeGreaterThan(0n);
  });

  it('follow_page: FOLL_WRITE finds no page behind a read-only pte (can_follow_write_pte), FOLL_PIN none at all', () => {
    run(`${setup}
follow_page 0x200000 flags=FOLL_WRITE
expect last.page == task.init.pte[0x200000].pfn
follow_page 0x200000 flags=FOLL_PIN
expect last.page == none
read 0x201000
follow_page 0x201000
expect last.page == task.init.pte[0x201000].pfn
follow_page 0x201000 flags=FOLL_WRITE
expect last.page == none
fork as child
follow_page 0x200000 flags=FOLL_WRITE
expect last.page == none
follow_page 0x200000 flags=FOLL_GET
expect last.page == task.init.pte[0x200000].pfn
`);
  });

  it('khugepaged scan results', () => {
    run(`${setup}
khugepaged 0x200000
expect last.result == SCAN_PAGE_NULL
mmap 0x600000 2M
khugepaged 0x600000
expect last.result == SCAN_PMD_NULL
write 0x600000 1
khugepaged 0x600000
expect last.result == SCAN_SUCCEED
mmap 0xa00000 1M
khugepaged 0xa00000
expect last.result == SCAN_VMA_CHECK
mprotect 0x600000 2M r
khugepaged 0x600000
expect last.result == SCAN_PAGE_RO
`);
  });

  it('khugepaged: device-private entries count as swap ptes', () => {
    run(`
device gpu type=private pages=100
mmap 0x200000 2M
write 0x200000 1
migrate 0x200000 260K to=gpu
khugepaged 0x200000
expect last.result == SCAN_EXCEED_SWAP_PTE
`);
  });

  it('ksm, madvise, mlock, numa_stats count the refused pages in last.skipped', () => {
    run(`${setup}
write 0x201000 1
ksm 0x200000
expect last.skipped == 1
expect last.page == none
ksm 0x201000
expect last.skipped == 0
madvise 0x200000 8K MADV_COLD
expect last.skipped == 1
madvise 0x200000 8K MADV_PAGEOUT
expect last.skipped == 1
madvise 0x200000 8K MADV_FREE
expect last.skipped == 1
mlock 0x200000 2M
expect last.skipped == 1
expect last.pages == 511
expect task.init.vma[0].locked
numa_stats 0x200000 2M
expect last.skipped == 1
expect last.pages == 511
`);
  });
});

describe('physical memory space', () => {
  it('page[pfn] has a memoryReference into phys; reads and writes are the words the CPU sees', () => {
    const s = run(`
mmap ${A} 4K
write ${A} 0x1122334455667788
write ${A} + 8 0xff
`);
    const pfn = ev(s, `task.init.pte[${A}].pfn`) as bigint;
    const space = s.machine.memorySpace('phys');
    expect(space).toBeDefined();
    const bytes = space?.read(pfn << 12n, 10) as Uint8Array;
    expect([...bytes]).toEqual([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xff, 0]);
    space?.write((pfn << 12n) + 1n, new Uint8Array([0xaa]));
    expect(ev(s, `page[${pfn}].refcount`)).toBe(1n);
    const node = s.machine.root('page');
    const item = node?.kind === 'list' ? node.lookup?.(pfn) : undefined;
    expect(item?.memory).toEqual({ space: 'phys', base: pfn << 12n, size: 4096 });
    expect([...(space?.read(pfn << 12n, 2) as Uint8Array)]).toEqual([0x88, 0xaa]);
  });
});

describe('the zero page', () => {
  it('read faults map it; fork, zap, migrate, follow_page and khugepaged treat it as the kernel does', () => {
    run(`
device gpu type=private pages=2
mmap ${A} 8K
read ${A}
expect last.fault == anon
expect task.init.pte[${A}].pfn == 0xfff
follow_page ${A}
expect last.page == 0xfff
follow_page ${A} flags=FOLL_DUMP
expect last.page == none
fork as c
expect task.c.pte[${A}].pfn == 0xfff
expect task.c.rss == 0
expect page[0xfff].mapcount == 0
exit c
migrate ${A} 4K to=gpu
expect last.migrated == 1
expect task.init.pte[${A}].kind == device_private
expect task.init.pte[${A}].write
expect task.init.rss == 1
read ${A}
expect last.value == 0
expect page[0xfff].refcount == 1
`);
  });
});

describe('the Memory scope', () => {
  it('is active once the scenario uses memory', () => {
    const s = sim('print 1\nmmap 0x10000 4K\n');
    expect(s.machine.rootActive('task')).toBe(false);
    s.machine.resume('over');
    s.machine.resume('over');
    expect(s.machine.rootActive('task')).toBe(true);
  });
});

describe('more hmm-tests.c cases', () => {
  it('migrate_multiple: back and forth keeps the data and the free list whole', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 16K
write ${A} 1
write ${A} + 0x3000 4
repeat 10 {
  migrate ${A} 16K to=gpu
  expect last.migrated == 4
  expect dev.gpu.free == 0
  migrate ${A} 16K to=system
  expect last.migrated == 4
  expect dev.gpu.free == 4
}
read ${A} + 0x3000
expect last.value == 4
expect task.init.rss == 4
`);
  });

  it('anon_teardown: fork, touch in the child, exit, many times over', () => {
    const s = run(`
device gpu type=private pages=2
mmap ${A} 8K
write ${A} 5
migrate ${A} 8K to=gpu
repeat 5 {
  fork as kid
  task kid
  read ${A}
  expect last.value == 5
  write ${A} + 0x1000 6
  task init
  exit kid
}
expect task.init.rss == 2
read ${A}
expect last.value == 5
`);
    expect(ev(s, 'dev.gpu.free')).toBe(2n);
  });

  it('munmap of part of a device-private range returns just those pages', () => {
    run(`
device gpu type=private pages=4
mmap ${A} 16K
migrate ${A} 16K to=gpu
expect dev.gpu.used == 4
munmap ${A} + 0x1000 8K
expect dev.gpu.used == 2
expect task.init.rss == 2
exit
expect dev.gpu.used == 0
`);
  });
});

describe('VMA splits', () => {
  it('mlock and mprotect of part of a VMA split it; khugepaged then fails its VMA check', () => {
    run(`
mmap 0x200000 2M
write 0x200000 1
khugepaged 0x200000
expect last.result == SCAN_SUCCEED
mlock 0x200000 8K
expect len(task.init.vma) == 2
expect task.init.vma[0].locked
expect task.init.vma[1].locked == false
khugepaged 0x200000
expect last.result == SCAN_VMA_CHECK
mprotect 0x202000 4K r
expect len(task.init.vma) == 3
expect task.init.vma[1].prot == r
mprotect 0x202000 4K rw
expect len(task.init.vma) == 2
mmap 0x400000 4K
expect len(task.init.vma) == 2
expect task.init.vma[1].end == 0x401000
`);
  });
});
