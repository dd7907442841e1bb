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

static pagemap_entry_t pte_to_pagemap_entry(struct pagemapread *pm,
		struct vm_area_struct *vma, unsigned long addr, pte_t pte) //@@ pte_to_pagemap_entry
{
	u64 frame = 0, flags = 0;
	struct page *page = NULL;

	if (pte_present(pte)) {
		if (pm->show_pfn)
			frame = pte_pfn(pte);
		flags |= PM_PRESENT;
		page = vm_normal_any_page(vma, addr, pte);           //@present
		if (pte_soft_dirty(pte))
			flags |= PM_SOFT_DIRTY;
	} else if (is_swap_pte(pte)) {
		swp_entry_t entry;
		if (pte_swp_soft_dirty(pte))
			flags |= PM_SOFT_DIRTY;
		entry = pte_to_swp_entry(pte);
		frame = swp_type(entry) |
			(swp_offset(entry) << MAX_SWAPFILES_SHIFT);  //@swap
		flags |= PM_SWAP;
		if (is_migration_entry(entry))
			page = migration_entry_to_page(entry);

		if (is_device_private_entry(entry))
			page = device_private_entry_to_page(entry);  //@device_private
		/* v5.14's device-exclusive entries: is_pfn_swap_entry() in v5.18 */
		if (is_device_exclusive_entry(entry))
			page = pfn_swap_entry_to_page(entry);        //@device_exclusive
	}

	if (page && !PageAnon(page))
		flags |= PM_FILE;
	if (page && page_mapcount(page) == 1)
		flags |= PM_MMAP_EXCLUSIVE;
	if (vma->vm_flags & VM_SOFTDIRTY)
		flags |= PM_SOFT_DIRTY;

	return make_pme(frame, flags);                               //@out
}

static void smaps_pte_entry(pte_t *pte, unsigned long addr,
		struct mm_walk *walk)                               //@@ smaps_pte_entry
{
	struct mem_size_stats *mss = walk->private;
	struct vm_area_struct *vma = walk->vma;
	struct page *page = NULL;

	if (pte_present(*pte)) {
		page = vm_normal_any_page(vma, addr, *pte);          //@present
	} else if (is_swap_pte(*pte)) {
		swp_entry_t swpent = pte_to_swp_entry(*pte);

		if (!non_swap_entry(swpent)) {
			mss->swap += PAGE_SIZE;
		} else if (is_migration_entry(swpent))
			page = migration_entry_to_page(swpent);      //@migration
		else if (is_device_private_entry(swpent))
			page = device_private_entry_to_page(swpent); //@device_private
		else if (is_device_exclusive_entry(swpent))
			page = pfn_swap_entry_to_page(swpent);       //@device_exclusive
	}

	if (!page)
		return;                                              //@no_page

	/* smaps_account(): */
	if (PageAnon(page))
		mss->anonymous += size;
	mss->resident += size;
	if (page_count(page) == 1)
		smaps_page_accumulate(mss, page, size, size << PSS_SHIFT,
				dirty, locked, true);        /* private */
	else
		smaps_page_accumulate(mss, page, PAGE_SIZE, pss, dirty,
				locked, page_mapcount(page) < 2);    //@account
}
`,
);
