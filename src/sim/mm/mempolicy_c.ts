import { kernelSource } from '../core/frames';

/**
 * mm/mempolicy.c of reference 003's era: mbind(2) with MPOL_MF_MOVE queues
 * the pages queue_pages_pte_range finds with vm_normal_lru_page (a caller
 * reference 003 moves off ZONE_DEVICE pages), and change_prot_numa, where
 * NUMA balancing makes PTEs prot-none (change_pte_range's prot_numa branch,
 * also moved to vm_normal_lru_page).
 */
export const MEMPOLICY_C = kernelSource(
  'mm/mempolicy.c',
  `
static long do_mbind(unsigned long start, unsigned long len,
		     unsigned short mode, unsigned short mode_flags,
		     nodemask_t *nmask, unsigned long flags)        //@@ do_mbind
{
	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;

	new = mpol_new(mode, mode_flags, nmask);                     //@new
	ret = queue_pages_range(mm, start, end, nmask,
			  flags | MPOL_MF_INVERT, &pagelist);        //@queue
	if (ret < 0) {
		err = ret;
		goto up_out;                                         //@efault
	}

	err = mbind_range(mm, start, end, new);                      //@range
	if (!err) {
		int nr_failed = 0;

		if (!list_empty(&pagelist)) {
			nr_failed = migrate_pages(&pagelist, new_page, NULL,
				start, MIGRATE_SYNC, MR_MEMPOLICY_MBIND, NULL); //@migrate
			if (nr_failed)
				putback_movable_pages(&pagelist);
		}

		if ((ret > 0) || (nr_failed && (flags & MPOL_MF_STRICT)))
			err = -EIO;
	}
up_out:
	mmap_write_unlock(mm);
	return err;                                                  //@out
}

static int queue_pages_pte_range(pmd_t *pmd, unsigned long addr,
			unsigned long end, struct mm_walk *walk)    //@@ queue_pages_pte_range
{
	mapped_pte = pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	for (; addr != end; pte++, addr += PAGE_SIZE) {
		if (!pte_present(*pte))
			continue;
		page = vm_normal_lru_page(vma, addr, *pte);          //@walk
		if (!page)
			continue;                                    //@skip
		/*
		 * vm_normal_lru_page() filters out zero pages, but there might
		 * still be PageReserved pages to skip, perhaps in a VDSO.
		 */
		if (PageReserved(page))
			continue;
		if (!queue_pages_required(page, qp))
			continue;                                    //@on_node
		if (flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) {
			/* MPOL_MF_STRICT must be specified if we get here */
			if (!vma_migratable(vma)) {
				has_unmovable = true;
				break;
			}

			/*
			 * Do not abort immediately since there may be
			 * temporary off LRU pages in the range.  Still
			 * need migrate other LRU pages.
			 */
			if (migrate_page_add(page, qp->pagelist, flags))
				has_unmovable = true;                /* mapcount > 1: not isolated */
		} else
			break;                                       //@queued
	}
	pte_unmap_unlock(mapped_pte, ptl);
	cond_resched();

	if (has_unmovable)
		return 1;

	return addr != end ? -EIO : 0;                               //@done
}

unsigned long change_prot_numa(struct vm_area_struct *vma,
			unsigned long addr, unsigned long end)      //@@ change_prot_numa
{
	/* change_protection(vma, addr, end, PAGE_NONE, MM_CP_PROT_NUMA)
	 *   -> change_pte_range(), its prot_numa branch: */
	if (pte_present(oldpte)) {
		/* Avoid TLB flush if possible */
		if (pte_protnone(oldpte))
			continue;                                    //@protnone

		page = vm_normal_lru_page(vma, addr, oldpte);        //@lru
		if (!page || PageKsm(page))
			continue;                                    //@skip

		/* Also skip shared copy-on-write pages */
		if (is_cow_mapping(vma->vm_flags) &&
		    page_count(page) != 1)
			continue;                                    //@cow_shared

		/*
		 * Don't mess with PTEs if page is already on the node
		 * a single-threaded process is running on.
		 */
		nid = page_to_nid(page);
		if (target_node == nid)
			continue;                                    //@on_node
	}
	ptent = pte_modify(oldpte, PAGE_NONE);   /* the NUMA hinting PTE */
	ptep_modify_prot_commit(vma, addr, pte, oldpte, ptent);      //@protnone_set
	return nr_updated;                                           //@out
}
`,
);
