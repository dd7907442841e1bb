/**
 * Every mm kernel frame points at the listing of the kernel file its function
 * lives in: "step in" on a migration shows mm/migrate_device.c, not one
 * listing of everything.
 */
import { describe, expect, it } from 'vitest';
import { MM_SOURCES } from '../../src/sim/mm/mechanism';
import { sim } from '../support/kit';

const FILE_OF: Readonly<Record<string, string>> = {
  handle_mm_fault: 'mm/memory.c',
  handle_pte_fault: 'mm/memory.c',
  do_anonymous_page: 'mm/memory.c',
  do_wp_page: 'mm/memory.c',
  do_swap_page: 'mm/memory.c',
  copy_one_pte: 'mm/memory.c',
  zap_pte_range: 'mm/memory.c',
  vm_normal_any_page: 'mm/memory.c',
  vm_normal_lru_page: 'mm/memory.c',
  device_private_entry_fault: 'kernel/memremap.c',
  devm_memremap_pages: 'kernel/memremap.c',
  put_page: 'include/linux/mm.h',
  dmirror_devmem_fault: 'lib/test_hmm.c',
  dmirror_devmem_free: 'lib/test_hmm.c',
  dmirror_migrate_to_device: 'lib/test_hmm.c',
  dmirror_migrate_to_system: 'lib/test_hmm.c',
  dmirror_migrate_alloc_and_copy: 'lib/test_hmm.c',
  dmirror_devmem_fault_alloc_and_copy: 'lib/test_hmm.c',
  dmirror_do_read: 'lib/test_hmm.c',
  dmirror_fault: 'lib/test_hmm.c',
  migrate_vma_setup: 'mm/migrate_device.c',
  migrate_vma_pages: 'mm/migrate_device.c',
  migrate_vma_finalize: 'mm/migrate_device.c',
  hmm_range_fault: 'mm/hmm.c',
  hmm_vma_walk_test: 'mm/hmm.c',
  hmm_vma_walk_hole: 'mm/hmm.c',
  hmm_vma_handle_pte: 'mm/hmm.c',
  hmm_vma_fault: 'mm/hmm.c',
  dup_mmap: 'kernel/fork.c',
  change_pte_range: 'mm/mprotect.c',
  do_mprotect_pkey: 'mm/mprotect.c',
  mprotect_fixup: 'mm/mprotect.c',
  follow_page: 'mm/gup.c',
  follow_page_pte: 'mm/gup.c',
  __mm_populate: 'mm/gup.c',
  populate_vma_page_range: 'mm/gup.c',
  __get_user_pages: 'mm/gup.c',
  khugepaged_scan_pmd: 'mm/khugepaged.c',
  get_mergeable_page: 'mm/ksm.c',
  madvise_cold_or_pageout_pte_range: 'mm/madvise.c',
  madvise_free_pte_range: 'mm/madvise.c',
  do_mlock: 'mm/mlock.c',
  gather_pte_stats: 'fs/proc/task_mmu.c',
  do_mmap: 'mm/mmap.c',
  __do_munmap: 'mm/mmap.c',
  exit_mmap: 'mm/mmap.c',
  // §5.1
  dmirror_exclusive: 'lib/test_hmm.c',
  dmirror_atomic_map: 'lib/test_hmm.c',
  dmirror_check_atomic: 'lib/test_hmm.c',
  dmirror_interval_invalidate: 'lib/test_hmm.c',
  dmirror_snapshot: 'lib/test_hmm.c',
  dmirror_mkentry: 'lib/test_hmm.c',
  make_device_exclusive_range: 'mm/rmap.c',
  page_make_device_exclusive: 'mm/rmap.c',
  page_make_device_exclusive_one: 'mm/rmap.c',
  remove_device_exclusive_entry: 'mm/memory.c',
  restore_exclusive_pte: 'mm/memory.c',
  try_restore_exclusive_pte: 'mm/memory.c',
  get_user_pages: 'mm/gup.c',
  get_user_pages_remote: 'mm/gup.c',
  pin_user_pages: 'mm/gup.c',
  __gup_longterm_locked: 'mm/gup.c',
  check_and_migrate_movable_pages: 'mm/gup.c',
  try_grab_page: 'mm/gup.c',
  unpin_user_page: 'mm/gup.c',
  migrate_device_coherent_page: 'mm/migrate_device.c',
};

const A = '0x7f0000000000';
const EVERY_MM_FUNCTION = `
device gpu type=private pages=8
mmap ${A} 2M
write ${A} 1
read ${A}+0x1000
write ${A}+0x1000 2
migrate ${A} 8K to=gpu
fork as child
device_access gpu read ${A}
device_access gpu write ${A}+0x2000
device_access gpu read 0x1000
read ${A}
migrate ${A}+0x1000 4K to=system
follow_page ${A}
follow_page ${A} flags=0x100000
khugepaged ${A}
ksm ${A}
madvise ${A} 8K MADV_COLD
madvise ${A} 8K MADV_FREE
mlock ${A} 8K
numa_stats ${A} 8K
mprotect ${A} 8K r
munmap ${A} 4K
exit child
device cxl type=coherent pages=2
mmap 0x7f1000000000 16K
write 0x7f1000000000 1
write 0x7f1000001000 2
device_exclusive gpu 0x7f1000000000 8K
device_check_exclusive gpu 0x7f1000000000 8K
read 0x7f1000000000
fork as child2
device_snapshot gpu 0x7f1000000000 16K
migrate 0x7f1000002000 4K to=cxl
gup 0x7f1000002000 flags=FOLL_PIN|FOLL_LONGTERM|FOLL_WRITE
unpin 0x7f1000002000
gup 0x7f1000002000
`;

describe('mm listings, one per kernel file', () => {
  it('every frame names the file its function is in', () => {
    const { machine: m } = sim(EVERY_MM_FUNCTION);
    const seen = new Map<string, string>();
    while (!m.ended) {
      m.resume('in');
      for (const f of m.frames) seen.set(f.fn.name, f.fn.source.path);
    }
    expect(Object.fromEntries([...seen].sort())).toEqual(Object.fromEntries(Object.entries(FILE_OF).sort()));
  });

  it('each function is in exactly one listing, and each listing is named for its file', () => {
    // A listing of the kernel before a patch (`mm/gup.c (before 003)`) repeats its patched file's functions.
    const before = (path: string): boolean => /before \d{3}\)$/.test(path);
    const owners = new Map<string, string[]>();
    for (const s of MM_SOURCES.filter((x) => !before(x.path))) for (const name of s.functions.keys()) owners.set(name, [...(owners.get(name) ?? []), s.path]);
    for (const [name, paths] of owners) expect(paths, name).toHaveLength(1);
    for (const [name, path] of Object.entries(FILE_OF)) expect(owners.get(name), name).toEqual([path]);
    // Each before listing's function is a patched one, or the one its patch replaces (vm_normal_page).
    for (const s of MM_SOURCES.filter((x) => before(x.path))) for (const name of s.functions.keys()) expect(owners.has(name) || name === 'vm_normal_page', `${s.path}: ${name}`).toBe(true);
  });
});
