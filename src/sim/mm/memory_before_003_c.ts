import { kernelSource } from '../core/frames';

/**
 * mm/memory.c before reference 003 ("mm: split vm_normal_pages for LRU and
 * non-LRU handling"): the `-` side of the patch. One vm_normal_page for
 * every caller, so khugepaged, KSM, mlock, madvise and NUMA balancing get a
 * device-coherent (ZONE_DEVICE) page as if it were an LRU page. The frames
 * of the kernel selected by `kernel before=003` point into this listing.
 */
export const MEMORY_BEFORE_003_C = kernelSource(
  'mm/memory.c (before 003)',
  `
/*
 * vm_normal_page -- This function gets the "struct page" associated with a pte.
 *
 * "Special" mappings do not wish to be associated with a "struct page" (either
 * it doesn't exist, or it exists but they don't want to touch it). In this
 * case, NULL is returned here. "Normal" mappings do have a struct page.
 */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte)                              //@@ vm_normal_page
{
	unsigned long pfn = pte_pfn(pte);

	if (IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL)) {
		if (likely(!pte_special(pte)))
			goto check_pfn;                              //@special
		if (vma->vm_ops && vma->vm_ops->find_special_page)
			return vma->vm_ops->find_special_page(vma, addr);
		if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
			return NULL;
		if (is_zero_pfn(pfn))
			return NULL;                                 //@zero
		if (pte_devmap(pte))
			return NULL;                                 //@devmap

		print_bad_pte(vma, addr, pte, NULL);
		return NULL;
	}

check_pfn:
	if (unlikely(pfn > highest_memmap_pfn)) {
		print_bad_pte(vma, addr, pte, NULL);
		return NULL;
	}

	/*
	 * NOTE! We still have PageReserved() pages in the page tables.
	 * eg. VDSO mappings can cause them to exist.
	 * (A device-coherent page is returned like any other: no
	 * is_zone_device_page() check before reference 003.)
	 */
out:
	return pfn_to_page(pfn);                                     //@out
}
`,
);
