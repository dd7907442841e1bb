import { kernelSource } from '../core/frames';

/** mm/mlock.c: a caller reference 003 moves to vm_normal_lru_page, so device pages are never mlocked. */
export const MLOCK_C = kernelSource(
  'mm/mlock.c',
  `
static int mlock_pte_range(pmd_t *pmd, unsigned long addr,
			   unsigned long end, struct mm_walk *walk) //@@ mlock_pte_range
{
	/* mm/mlock.c: mlock_vma_pages_range */
	vma->vm_flags |= VM_LOCKED;                                  //@locked
	for (pte = start_pte; addr != end; pte++, addr += PAGE_SIZE) {
		if (!pte_present(*pte))
			continue;
		page = vm_normal_lru_page(vma, addr, *pte);
		if (!page || is_zone_device_page(page))
			continue;
		mlock_vma_page(page);
	}
	return 0;                                                    //@done
}
`,
);
