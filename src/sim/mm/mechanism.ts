import { MEMORY_BEFORE_003_C } from './memory_before_003_c';
import type { KernelSource } from '../core/frames';
import type { MechanismDescriptor } from '../mechanism';
import { mmPicture } from './picture';
import { FORK_C } from './fork_c';
import { GUP_C } from './gup_c';
import { HMM_C } from './hmm_c';
import { HUGETLB_FAULT_C } from './hugetlb_fault_c';
import { HUGETLBFS_INODE_C } from './hugetlbfs_inode_c';
import { KHUGEPAGED_C } from './khugepaged_c';
import { KSM_C } from './ksm_c';
import { MADVISE_C } from './madvise_c';
import { MEMORY_C } from './memory_c';
import { MEMREMAP_C } from './memremap_c';
import { MIGRATE_DEVICE_C } from './migrate_device_c';
import { MLOCK_C } from './mlock_c';
import { MM_H } from './mm_h';
import { MMAP_C } from './mmap_c';
import { MPROTECT_C } from './mprotect_c';
import { TASK_MMU_C } from './task_mmu_c';
import { TEST_HMM_C } from './test_hmm_c';
import { RMAP_C } from './rmap_c';
import { mmCompilers } from './compilers';
import { Mm } from './subsystem';
import type { Hugetlb } from '../hugetlb/subsystem';
import { MM_VERBS } from './verbs';
import { DAX_C } from './dax_c';
import { FILEMAP_C } from './filemap_c';
import { MEMPOLICY_C } from './mempolicy_c';
import { MIGRATE_C } from './migrate_c';
import { TRUNCATE_C } from './truncate_c';
import { MM_CALLS } from './call_decls';
import { BEFORE_003_CALLERS } from './before_003_listings';
import { HUGETLB_FAULT_BEFORE_004_C } from './before_004_listings';

/** Its kernel listings: known without building the mechanism (the debugger's sources, function breakpoints). */
export const MM_SOURCES: readonly KernelSource[] = [
  MEMORY_C, MEMREMAP_C, MM_H, TEST_HMM_C, MIGRATE_DEVICE_C, HMM_C, FORK_C, MPROTECT_C, MMAP_C,
  GUP_C, KHUGEPAGED_C, KSM_C, MADVISE_C, MLOCK_C, TASK_MMU_C, HUGETLB_FAULT_C,
  FILEMAP_C, DAX_C, MIGRATE_C, MEMPOLICY_C, TRUNCATE_C, HUGETLBFS_INODE_C, RMAP_C,
  MEMORY_BEFORE_003_C, ...BEFORE_003_CALLERS, HUGETLB_FAULT_BEFORE_004_C,
];

/** Memory, page tables, ZONE_DEVICE and HMM (SCENARIO.md §5, references 002 and 003). */
export const mmMechanism: MechanismDescriptor<Mm> = {
  id: 'mm',
  title: 'memory and HMM (SCENARIO.md §5)',
  verbs: MM_VERBS,
  scopes: [{ name: 'Memory' }],
  roots: [
    { name: 'task', scope: 'Memory', summary: 'tasks by name: VMAs, page tables (pte[addr]), rss' },
    { name: 'page', scope: 'Memory', summary: 'struct page by pfn: refcount, mapcount, zone, flags' },
    { name: 'dev', scope: 'Memory', summary: 'ZONE_DEVICE dev_pagemaps by name: type, pages, free list' },
    { name: 'pagecache', scope: 'Memory', summary: 'page-cache files by name: size, cached pages (page[index] is the pfn)' },
  ],
  nameSets: {
    task: { what: 'task', names: ['init'], declared: true, hint: 'task <name>' },
    device: { what: 'device', names: [], declared: true, hint: 'device <name> type=private pages=<n>' },
    file: { what: 'file', names: [], declared: true, hint: 'file <name> size=<len>' },
  },
  sample: ['device sample_dev type=private pages=1', 'file sample_cache size=4K', 'task sample_task', 'mmap 0x200000 4K prot=rw', 'write 0x200000 1'],
  exceptionFilters: [
    { kind: 'fault', label: 'fault', default: false, description: 'page fault: any page fault' },
    { kind: 'device_private', label: 'device_private', default: false, description: 'device-private fault: a CPU fault on a device-private entry' },
    { kind: 'device_exclusive', label: 'device_exclusive', default: false, description: 'device-exclusive fault: a CPU fault on a device-exclusive entry (remove_device_exclusive_entry)' },
    { kind: 'sigbus', label: 'sigbus', default: false, description: 'SIGBUS: a simulated task got SIGBUS' },
    { kind: 'sigsegv', label: 'sigsegv', default: false, description: 'SIGSEGV: a simulated task got SIGSEGV' },
  ],
  calls: MM_CALLS,
  sources: MM_SOURCES,
  breakpointAliases: [],
  // hugetlb mappings fault through the hstate pool and the inodes' resv_maps.
  needs: ['hugetlb'],
  create(deps) {
    const subsystem = new Mm(deps.get('hugetlb') as Hugetlb | undefined);
    return { subsystem, compilers: mmCompilers(() => subsystem), picture: () => mmPicture(subsystem) };
  },
};
