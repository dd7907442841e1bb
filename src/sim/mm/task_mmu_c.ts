import { kernelSource } from '../core/frames';

/** fs/proc/task_mmu.c: numa_maps, a caller reference 003 moves to vm_normal_lru_page. */
export const TASK_MMU_C = kernelSource(
  'fs/proc/task_mmu.c',
  `
static int gather_pte_stats(pmd_t *pmd, unsigned long addr,
		unsigned long end, struct mm_walk *walk)            //@@ gather_pte_stats
{
	/* fs/proc/task_mmu.c: show_numa_map */
	do {
		/* can_gather_numa_stats(): */
		if (!pte_present(pte))
			continue;
		page = vm_normal_lru_page(vma, addr, pte);           //@walk
		if (!page)
			continue;
		if (PageReserved(page))
			continue;
		gather_stats(page, md, pte_dirty(*pte), 1);
	} while (pte++, addr += PAGE_SIZE, addr != end);
	return 0;                                                    //@done
}
`,
);
