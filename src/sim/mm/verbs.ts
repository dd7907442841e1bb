import type { VerbDecl } from '../scenario/verbs';
import { E, N, pe, pn, pw, ref, w } from '../scenario/verbs';

/** The statements of memory and HMM (SCENARIO.md §5). */
export const MM_VERBS: readonly VerbDecl[] = [
  { verb: 'device', args: [ref(pn('name'), 'device', { declares: true })], keys: { type: w('private', 'coherent', 'host'), pages: E, fail: w('on', 'off') }, summary: 'a dev_pagemap of ZONE_DEVICE pages' },
  { verb: 'task', args: [ref(pn('name'), 'task', { declares: true })], summary: 'create / switch the current task' },
  {
    verb: 'mmap', args: [pe('addr'), pe('len')],
    keys: { prot: w('none', 'r', 'rw', 'rwx'), file: ref(N, 'file'), hugetlb: ref(N, 'hugetlbfs file', { declares: true }), dax: ref(N, 'device'), offset: E }, flags: ['private', 'shared', 'anon', 'noreserve'], sets: ['ret'], summary: 'a new VMA (file=<name>: a page-cache file; dax=<host device>: fsdax; hugetlb=<file>: a hugetlbfs mapping, reserved at mmap; offset=: the file offset)',
  },
  { verb: 'read', args: [pe('addr')], sets: ['fault', 'faults', 'signal', 'value'], summary: 'CPU load of a u64' },
  { verb: 'write', args: [pe('addr'), pe('value', true)], sets: ['fault', 'faults', 'signal', 'value'], summary: 'CPU store of a u64' },
  { verb: 'migrate', args: [pe('addr'), pe('len')], keys: { to: ref(N, 'device', { also: ['system'] }) }, required: ['to'], sets: ['migrated', 'ret'], summary: 'migrate_vma to a device or back' },
  { verb: 'device_access', args: [ref(pn('device'), 'device'), pw('access', ['read', 'write']), pe('addr')], sets: ['ret', 'fault', 'faults', 'value', 'pfn'], summary: 'the device touches memory through its mirror (hmm_range_fault)' },
  { verb: 'fork', args: [pw('as', ['as'], true), ref(pn('name', true), 'task', { declares: true })], summary: 'copy the address space' },
  { verb: 'exit', args: [ref(pn('name', true), 'task')], summary: 'tear down an address space' },
  { verb: 'mprotect', args: [pe('addr'), pe('len'), pw('prot', ['none', 'r', 'rw', 'rwx'])], sets: ['ret'], summary: 'change protection' },
  { verb: 'munmap', args: [pe('addr'), pe('len')], summary: 'unmap' },
  { verb: 'follow_page', args: [pe('addr')], keys: { flags: E }, sets: ['page'], summary: 'follow_page with FOLL_ flags' },
  { verb: 'khugepaged', args: [pe('addr')], sets: ['result'], summary: 'khugepaged_scan_pmd over the 2 MiB range' },
  { verb: 'ksm', args: [pe('addr')], sets: ['skipped'], summary: 'KSM scan of one address' },
  { verb: 'madvise', args: [pe('addr'), pe('len'), pw('advice', ['MADV_COLD', 'MADV_PAGEOUT', 'MADV_FREE', 'MADV_DONTNEED'])], sets: ['skipped', 'ret'], summary: 'madvise' },
  { verb: 'mlock', args: [pe('addr'), pe('len')], sets: ['skipped', 'pages', 'ret'], summary: 'mlock: lock the VMAs, fault the range in (__mm_populate)' },
  { verb: 'numa_stats', args: [pe('addr'), pe('len')], sets: ['skipped'], summary: 'NUMA statistics walk' },
  // ftruncate of a hugetlbfs file unmaps the pages past the size from every task's page tables: memory's to run.
  { verb: 'hugetlb punch', args: [ref(pn('file'), 'hugetlbfs file'), pe('offset'), pe('len')], sets: ['ret'], summary: 'fallocate(PUNCH_HOLE) of a hugetlbfs file: unmap and free the whole huge pages in [offset, offset+len), each giving back its reservation' },
  { verb: 'hugetlb truncate', args: [ref(pn('file'), 'hugetlbfs file'), pe('size', true)], sets: ['ret'], summary: 'ftruncate of a hugetlbfs file: unmap and free the pages past size (default 0), give back unused reservations' },
  // Page-cache files, fsdax, and the rest of reference 003's LRU-only callers (SCENARIO.md §5.1).
  { verb: 'file', args: [ref(pn('name'), 'file', { declares: true })], keys: { size: E }, required: ['size'], summary: 'a page-cache file of size bytes (created empty, or resized)' },
  { verb: 'file write', args: [ref(pn('name'), 'file'), pe('offset'), pe('value')], summary: 'write(2) of a u64 into the file through the page cache' },
  { verb: 'file truncate', args: [ref(pn('name'), 'file'), pe('size', true)], summary: 'ftruncate(2): truncate_pagecache unmaps (even_cows) and drops the pages past size (default 0)' },
  { verb: 'file invalidate', args: [ref(pn('name'), 'file')], summary: 'unmap_shared_mapping_range: unmap_mapping_range with check_mapping set (private COW pages stay mapped)' },
  { verb: 'move_pages', args: [pe('addr')], keys: { node: E }, required: ['node'], sets: ['status', 'ret'], summary: 'move_pages(2) of one page to a NUMA node (add_page_for_migration)' },
  { verb: 'mbind', args: [pe('addr'), pe('len')], keys: { node: E }, required: ['node'], sets: ['ret', 'skipped', 'pages'], summary: 'mbind(MPOL_BIND, MPOL_MF_MOVE): queue_pages_pte_range, then migrate' },
  { verb: 'numa_fault', args: [pe('addr')], sets: ['fault', 'skipped', 'migrated', 'page'], summary: 'a NUMA hinting fault: change_prot_numa marks the PTE, then do_numa_page' },
  { verb: 'munlock', args: [pe('addr'), pe('len')], sets: ['ret', 'skipped', 'pages'], summary: 'munlock: clear VM_LOCKED, munlock_vma_pages_range' },
  { verb: 'pagemap', args: [pe('addr')], sets: ['present', 'swap', 'pfn', 'swap_type', 'swap_offset', 'file', 'entry'], summary: '/proc/<pid>/pagemap entry of one page (pte_to_pagemap_entry)' },
  { verb: 'smaps', args: [pe('addr')], sets: ['rss', 'swap', 'anonymous', 'shared', 'private'], summary: '/proc/<pid>/smaps of the VMA holding addr, in bytes (smaps_pte_entry)' },
  // HMM round 2 (SCENARIO.md §5.1): device-exclusive access, the mirror's snapshot, gup/unpin.
  { verb: 'device_exclusive', args: [ref(pn('device'), 'device'), pe('addr'), pe('len')], sets: ['ret', 'cpages'], summary: 'HMM_DMIRROR_EXCLUSIVE: make_device_exclusive_range, ptes become device_exclusive entries' },
  { verb: 'device_check_exclusive', args: [ref(pn('device'), 'device'), pe('addr'), pe('len')], sets: ['ret'], summary: 'HMM_DMIRROR_CHECK_EXCLUSIVE (dmirror_check_atomic): -EPERM while an atomic mirror entry is left' },
  { verb: 'device_snapshot', args: [ref(pn('device'), 'device'), pe('addr'), pe('len')], sets: ['ret', 'cpages', 'perm'], summary: 'HMM_DMIRROR_SNAPSHOT: hmm_range_fault without faulting; last.perm lists HMM_DMIRROR_PROT_* per page' },
  { verb: 'gup', args: [pe('addr'), pe('len', true)], keys: { flags: E }, sets: ['ret', 'pages'], summary: 'get_user_pages, or pin_user_pages with FOLL_PIN; the references stay until unpin' },
  { verb: 'unpin', args: [pe('addr'), pe('len', true)], sets: ['ret'], summary: 'give back what gup took at these pages (unpin_user_page for FOLL_PIN, put_page otherwise)' },
];
