import { kernelSource } from '../core/frames';

/**
 * mm/khugepaged.c: the PMD scan, one of the callers reference 003 moves to
 * vm_normal_lru_page so device-coherent pages are never collapsed.
 */
export const KHUGEPAGED_C = kernelSource(
  'mm/khugepaged.c',
  `
static int khugepaged_scan_pmd(struct mm_struct *mm,
			       struct vm_area_struct *vma,
			       unsigned long address,
			       struct page **hpage)                 //@@ khugepaged_scan_pmd
{
	if (!hugepage_vma_check(vma, vma->vm_flags) ||
	    address < hstart || address + HPAGE_PMD_SIZE > hend) {
		result = SCAN_VMA_CHECK;
		goto out;                                            //@vma_check
	}
	pmd = mm_find_pmd(mm, address);
	if (!pmd) {
		result = SCAN_PMD_NULL;
		goto out;                                            //@pmd
	}
	for (_address = address, _pte = pte; _pte < pte + HPAGE_PMD_NR;
	     _pte++, _address += PAGE_SIZE) {
		pte_t pteval = *_pte;                                //@pte
		if (is_swap_pte(pteval)) {
			if (++unmapped <= khugepaged_max_ptes_swap) {
				continue;
			} else {
				result = SCAN_EXCEED_SWAP_PTE;
				goto out_unmap;
			}
		}
		if (pte_none(pteval) || is_zero_pfn(pte_pfn(pteval))) {
			if (++none_or_zero <= khugepaged_max_ptes_none) {
				continue;
			} else {
				result = SCAN_EXCEED_NONE_PTE;
				goto out_unmap;
			}
		}
		if (pte_write(pteval))
			writable = true;

		page = vm_normal_lru_page(vma, _address, pteval);
		if (unlikely(!page)) {
			result = SCAN_PAGE_NULL;
			goto out_unmap;                              //@page_null
		}
		if (page_mapcount(page) > 1 &&
				++shared > khugepaged_max_ptes_shared) {
			result = SCAN_EXCEED_SHARED_PTE;
			goto out_unmap;
		}
		if (!PageLRU(page)) {
			result = SCAN_PAGE_LRU;
			goto out_unmap;
		}
		if (!PageAnon(page)) {
			result = SCAN_PAGE_ANON;
			goto out_unmap;
		}
		if (pte_young(pteval) || page_is_young(page))
			referenced++;
	}
	if (!writable) {
		result = SCAN_PAGE_RO;
	} else if (!referenced || (unmapped && referenced < HPAGE_PMD_NR / 2)) {
		result = SCAN_LACK_REFERENCED_PAGE;
	} else {
		result = SCAN_SUCCEED;
		ret = 1;
	}
out_unmap:
	pte_unmap_unlock(pte, ptl);
out:
	return ret;                                                  //@out
}
`,
);
