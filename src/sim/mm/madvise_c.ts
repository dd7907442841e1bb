import { kernelSource } from '../core/frames';

/**
 * mm/madvise.c: MADV_COLD / MADV_PAGEOUT / MADV_FREE walkers, callers
 * reference 003 moves to vm_normal_lru_page.
 */
export const MADVISE_C = kernelSource(
  'mm/madvise.c',
  `
static int madvise_cold_or_pageout_pte_range(pmd_t *pmd,
				unsigned long addr, unsigned long end,
				struct mm_walk *walk)               //@@ madvise_cold_or_pageout_pte_range
{
	/* mm/madvise.c */
	for (; addr < end; pte++, addr += PAGE_SIZE) {
		ptent = *pte;                                        //@walk
		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent))
			continue;
		page = vm_normal_lru_page(vma, addr, ptent);
		if (!page)
			continue;
		/* deactivate_page() / isolate for reclaim_pages() */
	}
	return 0;                                                    //@done
}

static int madvise_free_pte_range(pmd_t *pmd, unsigned long addr,
				unsigned long end, struct mm_walk *walk) //@@ madvise_free_pte_range
{
	/* mm/madvise.c */
	for (; addr != end; pte++, addr += PAGE_SIZE) {
		ptent = *pte;                                        //@walk
		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent)) {
			/* device-private and other non-present entries */
			continue;
		}
		page = vm_normal_lru_page(vma, addr, ptent);
		if (!page)
			continue;
		mark_page_lazyfree(page);
	}
	return 0;                                                    //@done
}

static long madvise_dontneed_free(struct vm_area_struct *vma,
				  struct vm_area_struct **prev,
				  unsigned long start, unsigned long end,
				  int behavior)                     //@@ madvise_dontneed_free
{
	*prev = vma;
	/* madvise_dontneed_valid_vma() */
	if (vma->vm_flags & (VM_LOCKED|VM_HUGETLB|VM_PFNMAP))
		return -EINVAL;                                      //@einval

	if (behavior == MADV_DONTNEED)
		return madvise_dontneed_single_vma(vma, start, end);
	/* madvise_dontneed_single_vma(): */
	zap_page_range(vma, start, end - start);  /* details == NULL */ //@zap
	return 0;                                                    //@done
}
`,
);
