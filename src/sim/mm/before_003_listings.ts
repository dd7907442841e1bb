import { beforeListing } from '../core/before_listing';
import { GUP_C } from './gup_c';
import { KHUGEPAGED_C } from './khugepaged_c';
import { MADVISE_C } from './madvise_c';
import { MEMORY_C } from './memory_c';
import { MEMPOLICY_C } from './mempolicy_c';
import { MIGRATE_DEVICE_C } from './migrate_device_c';
import { MLOCK_C } from './mlock_c';
import { TASK_MMU_C } from './task_mmu_c';

/**
 * The callers reference 003 moves to vm_normal_lru_page / vm_normal_any_page,
 * as the kernel before it has them: every one calls vm_normal_page (a
 * definition, `*vm_normal_..._page(`, is left alone).
 */
const toVmNormalPage = (line: string): string => line.replace(/(?<![*\w])vm_normal_(?:lru|any)_page\(/g, 'vm_normal_page(');

export const BEFORE_003_CALLERS = [
  beforeListing(GUP_C, '003', toVmNormalPage),
  beforeListing(KHUGEPAGED_C, '003', toVmNormalPage),
  beforeListing(MADVISE_C, '003', toVmNormalPage),
  // mm/memory.c (before 003) is vm_normal_page's own listing; its callers in memory.c get this one.
  beforeListing(MEMORY_C, '003', toVmNormalPage, 'mm/memory.c (callers, before 003)'),
  beforeListing(MEMPOLICY_C, '003', toVmNormalPage),
  beforeListing(MIGRATE_DEVICE_C, '003', toVmNormalPage),
  beforeListing(MLOCK_C, '003', toVmNormalPage),
  beforeListing(TASK_MMU_C, '003', toVmNormalPage),
];
