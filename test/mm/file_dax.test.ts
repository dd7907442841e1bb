/**
 * Page-cache file mappings (mm/memory.c do_fault, mm/filemap.c filemap_fault)
 * and fsdax mappings (fs/dax.c, insert_pfn) as the v5.18-era kernel with
 * references 002 and 003 runs them, with hmm-tests' file_read and file_write.
 */
import { describe, expect, it } from 'vitest';
import type { Sim } from '../support/kit';
import { ev, run, sim } from '../support/kit';

const A = '0x7f0000000000';
const B = '0x7f1000000000';

/** Every step point passed from here to the end, as `function@label`. */
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

describe('hmm-tests file_read', () => {
  it('the device reads a MAP_SHARED PROT_READ file mapping: each page faults in from the page cache with the file data', () => {
    run(`
device gpu type=private pages=4
file f size=16K
file write f 0 0
file write f 0x1000 1024
file write f 0x2000 2048
file write f 0x3000 3072
mmap ${A} 16K prot=r shared file=f
device_access gpu read ${A}
expect last.ret == 0
expect last.faults == [file]
expect last.value == 0
device_access gpu read ${A} + 0x1000
expect last.ret == 0
expect last.value == 1024
device_access gpu read ${A} + 0x3000
expect last.value == 3072
expect page[task.init.pte[${A} + 0x1000].pfn].anon == false
expect page[task.init.pte[${A} + 0x1000].pfn].lru
expect page[task.init.pte[${A} + 0x1000].pfn].refcount == 2
expect page[task.init.pte[${A} + 0x1000].pfn].mapcount == 1
expect task.init.pte[${A} + 0x1000].write == false
`);
  });
});

describe('hmm-tests file_write', () => {
  it('the device writes a MAP_SHARED file mapping: the CPU sees it, and so does every later mapping of the file', () => {
    run(`
device gpu type=private pages=4
file f size=16K
mmap ${A} 16K shared file=f
device_access gpu write ${A} + 0x1000
expect last.ret == 0
expect last.faults == [file]
expect last.value == 1
read ${A} + 0x1000
expect last.value == 1
expect last.faults == []
mmap ${B} 16K prot=r shared file=f
read ${B} + 0x1000
expect last.value == 1
expect task.init.pte[${A} + 0x1000].pfn == task.init.pte[${B} + 0x1000].pfn
expect page[task.init.pte[${B} + 0x1000].pfn].mapcount == 2
expect page[task.init.pte[${B} + 0x1000].pfn].refcount == 3
`);
  });
});

describe('file mappings: do_fault', () => {
  it('a read fault maps the page-cache page read-only (do_read_fault); a write to a shared mapping takes do_wp_page shared', () => {
    const s = sim(`
file f size=8K
file write f 8 77
mmap ${A} 8K shared file=f
read ${A} + 8
read ${A} + 0x1000
write ${A} 5
`);
    const v = visited(s);
    expect(v).toEqual(expect.arrayContaining(['handle_pte_fault@fault', 'do_fault@read', 'do_read_fault@do_fault', '__do_fault@fault', 'filemap_fault@found', 'finish_fault@file', 'do_wp_page@shared']));
    expect(v).toContain('filemap_fault@no_cached_page');
  });

  it('a private mapping copies on write into an anonymous page (do_cow_fault); the file and other mappers keep the old data', () => {
    run(`
file f size=8K
file write f 0 10
mmap ${A} 8K shared file=f
mmap ${B} 8K private file=f
write ${B} 99
expect last.faults == [file]
expect page[task.init.pte[${B}].pfn].anon
expect page[task.init.pte[${B}].pfn].mapcount == 1
expect task.init.pte[${B}].write
read ${A}
expect last.value == 10
read ${B}
expect last.value == 99
expect task.init.rss == 2
`);
  });

  it('a private read-only-then-written page copies in do_wp_page; the page-cache page goes back to the cache reference only', () => {
    run(`
file f size=8K
file write f 0 10
mmap ${A} 8K private file=f
read ${A}
expect page[task.init.pte[${A}].pfn].refcount == 2
write ${A} 11
expect last.faults == [wp]
expect page[task.init.pte[${A}].pfn].anon
mmap ${B} 8K prot=r shared file=f
read ${B}
expect last.value == 10
expect page[task.init.pte[${B}].pfn].refcount == 2
`);
  });

  it('past i_size the fault is SIGBUS; munmap and exit keep the page cache', () => {
    run(`
file f size=4K
mmap ${A} 8K shared file=f
read ${A} + 0x1000
expect last.signal == SIGBUS
write ${A} 3
munmap ${A} 8K
expect task.init.rss == 0
mmap ${B} 4K prot=r shared file=f
read ${B}
expect last.value == 3
expect page[task.init.pte[${B}].pfn].refcount == 2
exit
`);
  });

  it('fork copies a private file mapping (COW) but leaves a shared one for the child to fault', () => {
    run(`
file f size=8K
mmap ${A} 8K private file=f
mmap ${B} 8K shared file=f
read ${A}
read ${B}
fork as child
task child
expect task.child.rss == 1
expect task.child.pte[${B}].kind == none
read ${B}
expect last.faults == [file]
# file page 0 is mapped at A and B in both tasks
expect page[task.child.pte[${B}].pfn].mapcount == 4
`);
  });

  it('file write after mmap is seen through the mapping (one page cache)', () => {
    run(`
file f size=8K
mmap ${A} 8K prot=r shared file=f
read ${A}
expect last.value == 0
file write f 0 42
read ${A}
expect last.value == 42
`);
  });

  it('migrate to a device leaves file pages where they are (not anonymous)', () => {
    run(`
device gpu type=private pages=4
file f size=8K
mmap ${A} 8K shared file=f
write ${A} 1
migrate ${A} 8K to=gpu
expect task.init.pte[${A}].kind == present
`);
  });

  it('errors name the statement: a missing file, a file mapping with anon, shrinking', () => {
    expect(() => run(`mmap ${A} 8K file=g`)).toThrow(/no file 'g'/);
    expect(() => run(`file g size=8K\nmmap ${A} 8K anon file=g`)).toThrow(/anon or a file/);
    expect(() => run(`file g size=8K\nfile g size=4K`)).toThrow(/shrink it with: file truncate g 4096/);
    expect(() => run(`file write nope 0 1`)).toThrow(/no file 'nope'/);
  });
});

describe('zap_pte_range and reference 002', () => {
  it('munmap passes no zap_details: device-private entries of a private file mapping are zapped and their pages freed', () => {
    const s = sim(`
device gpu type=private pages=2
file f size=8K
mmap ${A} 8K private file=f
write ${A} 1
migrate ${A} 4K to=gpu
expect task.init.pte[${A}].kind == device_private
expect dev.gpu.free == 1
munmap ${A} 8K
expect dev.gpu.free == 2
expect task.init.rss == 0
`);
    const v = visited(s);
    expect(v).toContain('zap_pte_range@device_private');
    expect(v).not.toContain('zap_pte_range@check_mapping');
  });
});

describe('fsdax: mmap dax=<host device>', () => {
  const DAX = `
device pm type=host pages=4
mmap ${A} 16K shared dax=pm
`;
  it('a fault inserts a devmap PTE of the pmem page: no reference, no mapcount, no rss', () => {
    run(`${DAX}
read ${A} + 0x1000
expect last.faults == [file]
expect task.init.pte[${A} + 0x1000].pfn == dev.pm.base_pfn + 1
expect task.init.pte[${A} + 0x1000].write == false
expect page[dev.pm.base_pfn + 1].refcount == 1
expect page[dev.pm.base_pfn + 1].mapcount == 0
expect page[dev.pm.base_pfn + 1].zone == DEVICE
expect page[dev.pm.base_pfn + 1].pgmap == host
expect task.init.rss == 0
write ${A} + 0x1000 7
expect last.faults == [wp]
expect task.init.pte[${A} + 0x1000].write
read ${A} + 0x1000
expect last.value == 7
write ${A} 9
expect last.faults == [file]
expect task.init.pte[${A}].write
`);
  });

  it('pmem content outlives the mapping: a second mapping reads it', () => {
    run(`${DAX}
write ${A} 5
munmap ${A} 16K
mmap ${B} 16K shared dax=pm
read ${B}
expect last.value == 5
`);
  });

  it('past the device the fault is SIGBUS; private and non-host dax= are refused', () => {
    run(`
device pm type=host pages=1
mmap ${A} 8K shared dax=pm
read ${A} + 0x1000
expect last.signal == SIGBUS
`);
    expect(() => run(`device pm type=host pages=1\nmmap ${A} 4K dax=pm`)).toThrow(/needs shared/);
    expect(() => run(`device gpu type=private pages=1\nmmap ${A} 4K shared dax=gpu`)).toThrow(/MEMORY_DEVICE_HOST/);
  });

  it('vm_normal_any_page reaches print_bad_pte on a devmap PTE (the check reference 003 removed)', () => {
    const s = sim(`${DAX}
read ${A}
munmap ${A} 16K
`);
    const v = visited(s);
    expect(v).toContain('insert_pfn@devmap');
    expect(v).toContain('vm_normal_any_page@bad_pte');
    expect(v).toContain('zap_pte_range@no_page');
    expect(s.out.join('\n')).toMatch(/print_bad_pte: bad page map in process init/);
  });

  it('follow_page: FOLL_GET takes the devmap branch even with FOLL_LRU; without FOLL_GET there is no page', () => {
    run(`${DAX}
read ${A}
follow_page ${A} flags=FOLL_GET
expect last.page == dev.pm.base_pfn
follow_page ${A} flags=FOLL_GET|FOLL_LRU
expect last.page == dev.pm.base_pfn
follow_page ${A}
expect last.page == none
follow_page ${A} flags=FOLL_LRU
expect last.page == none
follow_page ${A} flags=FOLL_PIN
expect last.page == none
expect page[dev.pm.base_pfn].refcount == 1
`);
  });

  it('follow_page_pte steps through vm_normal_lru_page, vm_normal_any_page@bad_pte, then devmap and try_grab_page', () => {
    const s = sim(`${DAX}
read ${A}
follow_page ${A} flags=FOLL_GET|FOLL_LRU
`);
    const v = visited(s);
    const at = v.indexOf('follow_page_pte@lru');
    expect(at).toBeGreaterThan(0);
    expect(v.slice(at)).toEqual(expect.arrayContaining(['vm_normal_lru_page@any', 'vm_normal_any_page@bad_pte', 'follow_page_pte@devmap', 'follow_page_pte@devmap_page', 'follow_page_pte@grab']));
  });

  it('try_grab_page holds a FOLL_GET reference on the pmem page until follow_page returns', () => {
    const s = sim(`${DAX}
read ${A}
follow_page ${A} flags=FOLL_GET
`);
    s.machine.breakpoints.setFunctions([{ id: 1, name: 'follow_page_pte', hits: 0 } as never]);
    expect(s.machine.resume('continue').reason).toBe('function breakpoint');
    const atLabel = (label: string): boolean => {
      const f = s.machine.frames.at(-1);
      return f?.fn.name === 'follow_page_pte' && f.fn.labels.get(label) === f.line;
    };
    while (!atLabel('grab')) s.machine.resume('over');
    expect(ev(s, 'page[dev.pm.base_pfn].refcount')).toBe(2n);
    while (!s.machine.ended) s.machine.resume('over');
    expect(ev(s, 'page[dev.pm.base_pfn].refcount')).toBe(1n);
  });

  it('fork leaves the fsdax VMA to the child to fault', () => {
    run(`${DAX}
read ${A}
fork as c
task c
expect task.c.pte[${A}].kind == none
read ${A}
expect task.c.pte[${A}].kind == present
`);
  });
});

describe('truncate_pagecache: unmap_mapping_range with even_cows', () => {
  it('unmaps the shared and the COWed private pages past the new size, device-private entries too, and drops them from the page cache', () => {
    const s = sim(`
device gpu type=private pages=2
file f size=16K
file write f 0x3000 3
mmap ${A} 16K shared file=f
mmap ${B} 16K private file=f
read ${A} + 0x3000
write ${B} + 0x2000 7
migrate ${B} + 0x2000 4K to=gpu
expect task.init.pte[${B} + 0x2000].kind == device_private
write ${B} + 0x1000 5
file truncate f 8K
expect pagecache.f.size == 8192
expect pagecache.f.nrpages == 1
expect page[pagecache.f.page[1]].refcount == 1
expect task.init.pte[${A} + 0x3000].kind == none
expect task.init.pte[${B} + 0x2000].kind == none
expect task.init.pte[${B} + 0x1000].kind == present
expect dev.gpu.free == 2
expect task.init.rss == 1
read ${A} + 0x3000
expect last.signal == SIGBUS
`);
    const v = visited(s);
    expect(v).toEqual(expect.arrayContaining(['truncate_pagecache@unmap', 'unmap_mapping_range@details', 'zap_pte_range@device_private', 'truncate_inode_pages_range@delete', 'truncate_pagecache@unmap_again']));
    expect(v).not.toContain('zap_pte_range@check_mapping');
  });

  it('a partial last page keeps its head and loses its tail', () => {
    run(`
file f size=8K
file write f 0x1000 1
file write f 0x1010 2
mmap ${A} 8K prot=r shared file=f
file truncate f 0x1008
read ${A} + 0x1000
expect last.value == 1
read ${A} + 0x1010
expect last.value == 0
file truncate f 64K
expect pagecache.f.size == 65536
`);
  });
});

describe("unmap_mapping_range with check_mapping: reference 002's branch", () => {
  it('file invalidate unmaps the shared file pages but keeps private COW pages and device-private entries', () => {
    const s = sim(`
device gpu type=private pages=2
file f size=16K
mmap ${A} 16K shared file=f
mmap ${B} 16K private file=f
read ${A}
read ${B} + 0x1000
write ${B} + 0x2000 7
write ${B} + 0x3000 8
migrate ${B} + 0x3000 4K to=gpu
file invalidate f
expect task.init.pte[${A}].kind == none
expect task.init.pte[${B} + 0x1000].kind == none
expect task.init.pte[${B} + 0x2000].kind == present
expect task.init.pte[${B} + 0x3000].kind == device_private
expect dev.gpu.free == 1
expect pagecache.f.nrpages == 4
`);
    const v = visited(s);
    expect(v).toEqual(expect.arrayContaining(['unmap_mapping_range@details', 'zap_pte_range@keep_private', 'zap_pte_range@check_mapping']));
  });
});

describe('migrate_vma_setup and fsdax', () => {
  it('a dax VMA is -EINVAL (vma_is_dax), nothing moves', () => {
    run(`
device pm type=host pages=2
device gpu type=private pages=2
mmap ${A} 8K shared dax=pm
write ${A} 1
migrate ${A} 8K to=gpu
expect last.ret == -EINVAL
expect task.init.pte[${A}].pfn == dev.pm.base_pfn
`);
  });
});
