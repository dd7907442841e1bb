import { kernelSource } from '../core/frames';

/** mm/gup.c: follow_page, where reference 003's FOLL_LRU keeps ZONE_DEVICE pages out. */
export const GUP_C = kernelSource(
  'mm/gup.c',
  `
struct page *follow_page(struct vm_area_struct *vma, unsigned long address,
			 unsigned int foll_flags)                   //@@ follow_page
{
	/* follow_page_mask -> follow_page_pte */
	vma = find_vma(mm, address);                                 //@vma
	pte = *ptep;
	if (!pte_present(pte))
		goto no_page;                                        //@no_page
	if (flags & (FOLL_MLOCK | FOLL_LRU))
		page = vm_normal_lru_page(vma, address, pte);        //@lru
	else
		page = vm_normal_any_page(vma, address, pte);        //@any
	return page;                                                 //@out
}
`,
);
