import { kernelSource } from '../core/frames';

/**
 * The mapping side of mm/hugetlb.c and fs/hugetlbfs as reference 004 leaves
 * it (vma_*_reservation carry regions_needed). One 2 MiB hstate, one node,
 * no cgroup; the subpool is the file's mount's (hugepage_subpool_get_pages
 * of none returns n); surplus pages come from alloc_surplus_huge_page while
 * nr_overcommit_huge_pages allows.
 */
export const HUGETLB_FAULT_C = kernelSource(
  'mm/hugetlb.c (mappings)',
  `
/* mmap() of a hugetlbfs file: reserve the pages the mapping covers. */
static int hugetlbfs_file_mmap(struct file *file, struct vm_area_struct *vma)  //@@ hugetlbfs_file_mmap
{
	struct inode *inode = file_inode(file);
	loff_t len, vma_len;
	int ret;

	vma->vm_flags |= VM_HUGETLB | VM_DONTEXPAND;
	vma->vm_ops = &hugetlb_vm_ops;

	/* must be huge page aligned */
	if (vma->vm_pgoff & (~huge_page_mask(h) >> PAGE_SHIFT))
		return -EINVAL;                                                //@pgoff
	/* addr and len were checked by hugetlb_get_unmapped_area: 2 MiB aligned */
	vma_len = (loff_t)(vma->vm_end - vma->vm_start);
	len = vma_len + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);             //@entry

	ret = -ENOMEM;
	if (hugetlb_reserve_pages(inode,
				vma->vm_pgoff >> huge_page_order(h),
				len >> huge_page_shift(h), vma,
				vma->vm_flags))
		goto out;                                                      //@reserve

	ret = 0;
	if (vma->vm_flags & VM_WRITE && inode->i_size < len)
		i_size_write(inode, len);                                      //@i_size
out:
	return ret;                                                        //@out
}

vm_fault_t hugetlb_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			unsigned long address, unsigned int flags)          //@@ hugetlb_fault
{
	pte_t *ptep, entry;
	struct page *page = NULL;
	struct page *pagecache_page = NULL;
	unsigned long haddr = address & huge_page_mask(h);
	long regions_needed = 0;

	mutex_lock(&hugetlb_fault_mutex_table[hash]);
	entry = huge_ptep_get(ptep);                                       //@entry
	if (huge_pte_none(entry)) {
		ret = hugetlb_no_page(mm, vma, mapping, idx, address, ptep, flags);
		goto out_mutex;                                                //@no_page
	}

	/*
	 * If we are going to COW the mapping later, we examine the pending
	 * reservations for this page now. This will ensure that any
	 * allocations necessary to record that reservation occur outside the
	 * spinlock. For private mappings, we also lookup the pagecache
	 * page now as it is used to determine if a reservation has been
	 * consumed.
	 */
	if ((flags & FAULT_FLAG_WRITE) && !huge_pte_write(entry)) {
		if (vma_needs_reservation(h, vma, haddr, &regions_needed) < 0) {
			ret = VM_FAULT_OOM;
			goto out_mutex;                                            //@oom
		}
		/* Just decrements count, does not deallocate */
		vma_end_reservation(h, vma, haddr, regions_needed);            //@end_reservation

		if (!(vma->vm_flags & VM_MAYSHARE))
			pagecache_page = hugetlbfs_pagecache_page(h, vma, haddr);  //@pagecache
	}

	if (flags & FAULT_FLAG_WRITE) {
		if (!huge_pte_write(entry)) {
			ret = hugetlb_cow(mm, vma, address, ptep, pagecache_page, ptl);
			goto out_put_page;                                         //@cow
		}
	}
out_mutex:
	mutex_unlock(&hugetlb_fault_mutex_table[hash]);
	return ret;                                                        //@out
}

static vm_fault_t hugetlb_no_page(struct mm_struct *mm,
			struct vm_area_struct *vma, struct address_space *mapping,
			pgoff_t idx, unsigned long address, pte_t *ptep, unsigned int flags)  //@@ hugetlb_no_page
{
	vm_fault_t ret = VM_FAULT_SIGBUS;
	int anon_rmap = 0;
	bool new_page = false;
	long regions_needed = 0;

	/*
	 * Currently, we are forced to kill the process in the event the
	 * original mapper has unmapped pages from the child due to a failed
	 * COW. Warn that such a situation has occurred as it may not be obvious
	 */
	if (is_vma_resv_set(vma, HPAGE_RESV_UNMAPPED)) {
		pr_warn_ratelimited("PID %d killed due to inadequate hugepage pool\\n",
			   current->pid);
		return ret;                                                    //@unmapped
	}

	page = find_lock_page(mapping, idx);                               //@find_page
	if (!page) {
		size = i_size_read(mapping->host) >> huge_page_shift(h);
		if (idx >= size)
			goto out;                                                  //@beyond_i_size

		page = alloc_huge_page(vma, haddr, 0);
		if (IS_ERR(page)) {
			ret = vmf_error(PTR_ERR(page));  /* -ENOMEM: OOM, else SIGBUS */
			goto out;                                                  //@alloc_failed
		}
		clear_huge_page(page, address, pages_per_huge_page(h));
		__SetPageUptodate(page);
		new_page = true;                                               //@new_page

		if (vma->vm_flags & VM_MAYSHARE) {
			/* add_to_page_cache takes a reference; ClearPagePrivate */
			int err = huge_add_to_page_cache(page, mapping, idx);      //@page_cache
		} else {
			lock_page(page);
			anon_rmap = 1;                                             //@anon
		}
	}

	/*
	 * If we are going to COW a private mapping later, we examine the
	 * pending reservations for this page now. This will ensure that
	 * any allocations necessary to record that reservation occur outside
	 * the spinlock.
	 */
	if ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED)) {
		if (vma_needs_reservation(h, vma, haddr, &regions_needed) < 0) {
			ret = VM_FAULT_OOM;
			goto backout_unlocked;                                     //@oom
		}
		/* Just decrements count, does not deallocate */
		vma_end_reservation(h, vma, haddr, regions_needed);            //@end_reservation
	}

	ptl = huge_pte_lock(h, mm, ptep);
	ret = 0;
	if (anon_rmap) {
		ClearPagePrivate(page);
		hugepage_add_new_anon_rmap(page, vma, haddr);
	} else
		page_dup_rmap(page, true);
	new_pte = make_huge_pte(vma, page, ((vma->vm_flags & VM_WRITE)
				&& (vma->vm_flags & VM_SHARED)));
	set_huge_pte_at(mm, haddr, ptep, new_pte);
	hugetlb_count_add(pages_per_huge_page(h), mm);                     //@set_pte
	if ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED)) {
		/* Optimization, do the COW without a second fault */
		ret = hugetlb_cow(mm, vma, address, ptep, page, ptl);          //@cow
	}
	unlock_page(page);
out:
	return ret;                                                        //@out

backout_unlocked:
	unlock_page(page);
	restore_reserve_on_error(h, vma, haddr, page);
	put_page(page);
	goto out;                                                          //@backout
}

struct page *alloc_huge_page(struct vm_area_struct *vma,
				    unsigned long addr, int avoid_reserve)  //@@ alloc_huge_page
{
	long map_chg, map_commit;
	long gbl_chg;
	long regions_needed = 0;

	/*
	 * Examine the region/reserve map to determine if the process
	 * has a reservation for the page to be allocated.  A return
	 * code of zero indicates a reservation exists (no change).
	 */
	map_chg = gbl_chg =
		vma_needs_reservation(h, vma, addr, &regions_needed);          //@needs
	if (map_chg < 0)
		return ERR_PTR(-ENOMEM);                                       //@enomem

	/*
	 * Processes that did not create the mapping will have no
	 * reserves as indicated by the region/reserve map. Check
	 * that the allocation will not exceed the subpool limit.
	 * Allocations for MAP_NORESERVE mappings also need to be
	 * checked against any subpool limit.
	 */
	if (map_chg || avoid_reserve) {
		gbl_chg = hugepage_subpool_get_pages(spool, 1);                //@subpool
		if (gbl_chg < 0) {
			vma_end_reservation(h, vma, addr, regions_needed);         //@subpool_full
			return ERR_PTR(-ENOSPC);                                   //@subpool_enospc
		}

		/*
		 * Even though there was no reservation in the region/reserve
		 * map, there could be reservations associated with the
		 * subpool that can be used.  This would be indicated if the
		 * return value of hugepage_subpool_get_pages() is zero.
		 * However, if avoid_reserve is specified we still avoid even
		 * the subpool reservations.
		 */
		if (avoid_reserve)
			gbl_chg = 1;
	}

	spin_lock(&hugetlb_lock);
	/*
	 * glb_chg is passed to indicate whether or not a page must be taken
	 * from the global free pool (global change).  gbl_chg == 0 indicates
	 * a reservation exists for the allocation.
	 */
	page = dequeue_huge_page_vma(h, vma, addr, avoid_reserve, gbl_chg);  //@dequeue
	if (!page) {
		spin_unlock(&hugetlb_lock);
		/* alloc_surplus_huge_page(): none once surplus >= nr_overcommit */
		page = alloc_buddy_huge_page_with_mpol(h, vma, addr);          //@buddy
		if (!page)
			goto out_subpool_put;                                      //@no_page
		if (!avoid_reserve && vma_has_reserves(vma, gbl_chg)) {
			SetHPageRestoreReserve(page);
			h->resv_huge_pages--;                                      //@surplus_reserve
		}
		spin_lock(&hugetlb_lock);
		list_add(&page->lru, &h->hugepage_activelist);
	}
	spin_unlock(&hugetlb_lock);

	hugetlb_set_page_subpool(page, spool);

	map_commit = vma_commit_reservation(h, vma, addr, regions_needed);  //@commit
	if (unlikely(map_chg > map_commit)) {
		/*
		 * The page was added to the reservation map between
		 * vma_needs_reservation and vma_commit_reservation.
		 */
		rsv_adjust = hugepage_subpool_put_pages(spool, 1);
		hugetlb_acct_memory(h, -rsv_adjust);                           //@adjust
	}
	return page;                                                       //@page

out_subpool_put:
	if (map_chg || avoid_reserve)
		hugepage_subpool_put_pages(spool, 1);
	vma_end_reservation(h, vma, addr, regions_needed);
	return ERR_PTR(-ENOSPC);                                           //@enospc
}

static struct page *dequeue_huge_page_vma(struct hstate *h,
				struct vm_area_struct *vma, unsigned long address,
				int avoid_reserve, long chg)        //@@ dequeue_huge_page_vma
{
	/*
	 * A child process with MAP_PRIVATE mappings created by their parent
	 * have no page reserves. This check ensures that reservations are
	 * not "stolen". The child may still get SIGKILLed.
	 * vma_has_reserves(): VM_NORESERVE has none, except a shared page
	 * reserved by another mapping (VM_MAYSHARE && chg == 0); shared
	 * mappings and the private owner have one unless chg says otherwise.
	 */
	if (!vma_has_reserves(vma, chg) &&
			h->free_huge_pages - h->resv_huge_pages == 0)
		goto err;                                                      //@no_reserve

	/* If reserves cannot be used, ensure enough pages are in the pool */
	if (avoid_reserve && h->free_huge_pages - h->resv_huge_pages == 0)
		goto err;                                                      //@avoid_reserve

	page = dequeue_huge_page_nodemask(h, gfp_mask, nid, nodemask);
	/* h->free_huge_pages--; list_move(&page->lru, &h->hugepage_activelist); */
	if (page && !avoid_reserve && vma_has_reserves(vma, chg)) {
		SetPagePrivate(page);
		h->resv_huge_pages--;                                          //@use_reserve
	}
	return page;                                                       //@page
err:
	return NULL;                                                       //@err
}

static long vma_needs_reservation(struct hstate *h, struct vm_area_struct *vma,
				  unsigned long addr, long *out_regions_needed)  //@@ vma_needs_reservation
{
	return __vma_reservation_common(h, vma, addr, VMA_NEEDS_RESV,
					out_regions_needed, -1);               //@call
}

static long vma_commit_reservation(struct hstate *h, struct vm_area_struct *vma,
				   unsigned long addr, long regions_needed)  //@@ vma_commit_reservation
{
	return __vma_reservation_common(h, vma, addr, VMA_COMMIT_RESV, NULL,
					regions_needed);                        //@call
}

static void vma_end_reservation(struct hstate *h, struct vm_area_struct *vma,
				unsigned long addr, long regions_needed)  //@@ vma_end_reservation
{
	(void)__vma_reservation_common(h, vma, addr, VMA_END_RESV, NULL,
				       regions_needed);                        //@call
}

static long vma_add_reservation(struct hstate *h, struct vm_area_struct *vma,
				unsigned long addr, long regions_needed)  //@@ vma_add_reservation
{
	return __vma_reservation_common(h, vma, addr, VMA_ADD_RESV, NULL,
					regions_needed);                        //@call
}

static long
__vma_reservation_common(struct hstate *h, struct vm_area_struct *vma,
			 unsigned long addr, enum vma_resv_mode mode,
			 long *out_regions_needed, long in_regions_needed)  //@@ __vma_reservation_common
{
	struct resv_map *resv;
	pgoff_t idx;
	long ret;

	/* shared: the inode's map; private: the owner's map (none in a child) */
	resv = vma_resv_map(vma);
	if (!resv)
		return 1;                                                      //@no_map

	idx = vma_hugecache_offset(h, vma, addr);                          //@idx
	switch (mode) {
	case VMA_NEEDS_RESV:
		VM_BUG_ON(!out_regions_needed);
		ret = region_chg(resv, idx, idx + 1, out_regions_needed);
		break;                                                         //@needs
	case VMA_COMMIT_RESV:
		VM_BUG_ON(in_regions_needed == -1);
		ret = region_add(resv, idx, idx + 1, in_regions_needed);
		/* region_add calls of range 1 should never fail. */
		VM_BUG_ON(ret < 0);
		break;                                                         //@commit
	case VMA_END_RESV:
		VM_BUG_ON(in_regions_needed == -1);
		region_abort(resv, idx, idx + 1, in_regions_needed);
		ret = 0;
		break;                                                         //@end
	case VMA_ADD_RESV:
		VM_BUG_ON(in_regions_needed == -1);
		if (vma->vm_flags & VM_MAYSHARE) {
			ret = region_add(resv, idx, idx + 1, in_regions_needed);
			/* region_add calls of range 1 should never fail. */
			VM_BUG_ON(ret < 0);
		} else {
			region_abort(resv, idx, idx + 1, in_regions_needed);
			ret = region_del(resv, idx, idx + 1);
		}
		break;                                                         //@add
	}

	if (vma->vm_flags & VM_MAYSHARE)
		return ret;                                                    //@shared
	else if (is_vma_resv_set(vma, HPAGE_RESV_OWNER) && ret >= 0) {
		/*
		 * Subtle - The reserve map for private mappings has the
		 * opposite meaning than that of shared mappings.  If NO
		 * entry is in the reserve map, it means a reservation exists.
		 * If an entry exists in the reserve map, it means the
		 * reservation has already been consumed.
		 */
		if (ret)
			return 0;
		else
			return 1;                                                  //@private
	}
	else
		return ret < 0 ? ret : 0;                                      //@other
}

static void restore_reserve_on_error(struct hstate *h,
			struct vm_area_struct *vma, unsigned long address,
			struct page *page)                  //@@ restore_reserve_on_error
{
	long regions_needed = 0;
	if (unlikely(PagePrivate(page))) {
		long rc =
			vma_needs_reservation(h, vma, address, &regions_needed);  //@needs

		if (unlikely(rc < 0)) {
			/* Rare out of memory: leak the reserve count, not the page. */
			ClearPagePrivate(page);                                    //@clear
		} else if (rc) {
			rc = vma_add_reservation(h, vma, address,
						 regions_needed);
			if (unlikely(rc < 0))
				ClearPagePrivate(page);                                //@add
		} else
			vma_end_reservation(h, vma, address, regions_needed);      //@end
	}
}

static vm_fault_t hugetlb_cow(struct mm_struct *mm, struct vm_area_struct *vma,
		       unsigned long address, pte_t *ptep,
		       struct page *pagecache_page, spinlock_t *ptl)  //@@ hugetlb_cow
{
	pte_t pte;
	struct hstate *h = hstate_vma(vma);
	struct page *old_page, *new_page;
	int outside_reserve = 0;
	unsigned long haddr = address & huge_page_mask(h);

	pte = huge_ptep_get(ptep);
	old_page = pte_page(pte);

retry_avoidcopy:
	/* If no-one else is actually using this page, avoid the copy
	 * and just make the page writable */
	if (page_mapcount(old_page) == 1 && PageAnon(old_page)) {
		page_move_anon_rmap(old_page, vma);
		set_huge_ptep_writable(vma, haddr, ptep);
		return 0;                                                      //@reuse
	}

	/*
	 * If the process that created a MAP_PRIVATE mapping is about to
	 * perform a COW due to a shared page count, attempt to satisfy
	 * the allocation without using the existing reserves. The pagecache
	 * page is used to determine if the reserve at this address was
	 * consumed or not. If reserves were used, a partial faulted mapping
	 * at the time of fork() could consume its reserves on COW instead
	 * of the full address range.
	 */
	if (is_vma_resv_set(vma, HPAGE_RESV_OWNER) &&
			old_page != pagecache_page)
		outside_reserve = 1;

	get_page(old_page);                                                //@get_page

	new_page = alloc_huge_page(vma, haddr, outside_reserve);           //@alloc

	if (IS_ERR(new_page)) {
		/*
		 * If a process owning a MAP_PRIVATE mapping fails to COW,
		 * it is due to references held by a child and an insufficient
		 * huge page pool. To guarantee the original mappers
		 * reliability, unmap the page from child processes. The child
		 * may get SIGKILLed if it later faults.
		 */
		if (outside_reserve) {
			put_page(old_page);
			unmap_ref_private(mm, vma, old_page, haddr);
			goto retry_avoidcopy;                                      //@unmap_ref_private
		}

		ret = vmf_error(PTR_ERR(new_page));
		goto out_release_old;                                          //@alloc_failed
	}

	copy_user_huge_page(new_page, old_page, address, vma,
			    pages_per_huge_page(h));
	__SetPageUptodate(new_page);                                       //@copy

	ClearPagePrivate(new_page);

	/* Break COW */
	huge_ptep_clear_flush(vma, haddr, ptep);
	set_huge_pte_at(mm, haddr, ptep,
			make_huge_pte(vma, new_page, 1));
	page_remove_rmap(old_page, true);
	hugepage_add_new_anon_rmap(new_page, vma, haddr);
	/* Make the old page be freed below */
	new_page = old_page;                                               //@break_cow
	put_page(new_page);
out_release_old:
	put_page(old_page);
	return ret;                                                        //@out
}

/* Unmap the page from the other private (non-owner) mappings of the file. */
static void unmap_ref_private(struct mm_struct *mm, struct vm_area_struct *vma,
			      struct page *page, unsigned long address)  //@@ unmap_ref_private
{
	vma_interval_tree_foreach(iter_vma, &mapping->i_mmap, pgoff, pgoff) {
		/* Do not unmap the current VMA */
		if (iter_vma == vma)
			continue;
		/* Shared VMAs have their own reserves and do not affect MAP_PRIVATE accounting */
		if (iter_vma->vm_flags & VM_MAYSHARE)
			continue;
		/*
		 * Unmap the page from other VMAs without their own reserves.
		 * They get marked to be SIGKILLed if they fault in these
		 * areas. This is because a future no-page fault on this VMA
		 * could insert a zeroed page instead of the data existing
		 * from the time of fork. This would look like data corruption
		 */
		if (!is_vma_resv_set(iter_vma, HPAGE_RESV_OWNER))
			unmap_hugepage_range(iter_vma, address,
					     address + huge_page_size(h), page);  //@unmap
	}
}

/* The destructor of a huge page: back to the pool, or freed if surplus. */
void free_huge_page(struct page *page)                                 //@@ free_huge_page
{
	struct hugepage_subpool *spool = hugetlb_page_subpool(page);
	bool restore_reserve;

	hugetlb_set_page_subpool(page, NULL);
	restore_reserve = PagePrivate(page);
	ClearPagePrivate(page);                                            //@entry

	/*
	 * If HPageRestoreReserve was set on page, page allocation consumed a
	 * reservation.  If the page was associated with a subpool, there
	 * would have been a page reserved in the subpool before allocation
	 * via hugepage_subpool_get_pages().  Since we are 'restoring' the
	 * reservation, do not call hugepage_subpool_put_pages() as this will
	 * remove the reserved page from the subpool.
	 */
	if (!restore_reserve) {
		/*
		 * A return code of zero implies that the subpool will be
		 * under its minimum size if the reservation is not restored
		 * after page is free.  Therefore, force restore_reserve
		 * operation.
		 */
		if (hugepage_subpool_put_pages(spool, 1) == 0)
			restore_reserve = true;                                    //@subpool
	}

	spin_lock(&hugetlb_lock);
	if (restore_reserve)
		h->resv_huge_pages++;                                          //@restore_reserve

	if (h->surplus_huge_pages_node[nid]) {
		/* remove the page from active list */
		list_del(&page->lru);
		update_and_free_page(h, page);
		h->surplus_huge_pages--;
		h->surplus_huge_pages_node[nid]--;                             //@surplus
	} else {
		arch_clear_hugepage_flags(page);
		enqueue_huge_page(h, page);  /* h->free_huge_pages++ */        //@enqueue
	}
	spin_unlock(&hugetlb_lock);
}

void __unmap_hugepage_range(struct mmu_gather *tlb, struct vm_area_struct *vma,
			    unsigned long start, unsigned long end,
			    struct page *ref_page)                 //@@ __unmap_hugepage_range
{
	for (address = start; address < end; address += sz) {
		ptep = huge_pte_offset(mm, address, sz);
		pte = huge_ptep_get(ptep);
		if (huge_pte_none(pte))
			continue;

		page = pte_page(pte);
		/*
		 * If a reference page is supplied, it is because a specific
		 * page is being unmapped, not a range. Ensure the page we
		 * are about to unmap is the actual page of interest.
		 */
		if (ref_page) {
			if (page != ref_page)
				continue;
			/*
			 * Mark the VMA as having unmapped its page so that
			 * future faults in this VMA will fail rather than
			 * looking like data was lost
			 */
			set_vma_resv_flags(vma, HPAGE_RESV_UNMAPPED);          //@ref_page
		}

		pte = huge_ptep_get_and_clear(mm, address, ptep);
		hugetlb_count_sub(pages_per_huge_page(h), mm);
		page_remove_rmap(page, true);
		tlb_remove_page_size(tlb, page, huge_page_size(h));  /* put_page */  //@zap
	}                                                                  //@done
}

/* The last reference to a private mapping's reserve map goes: give back what it did not use. */
static void hugetlb_vm_op_close(struct vm_area_struct *vma)           //@@ hugetlb_vm_op_close
{
	struct resv_map *resv = vma_resv_map(vma);
	unsigned long reserve, start, end;
	long gbl_reserve;

	if (!resv || !is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		return;                                                        //@not_owner

	start = vma_hugecache_offset(h, vma, vma->vm_start);
	end = vma_hugecache_offset(h, vma, vma->vm_end);

	reserve = (end - start) - region_count(resv, start, end);          //@count
	if (reserve) {
		gbl_reserve = hugepage_subpool_put_pages(spool, reserve);
		hugetlb_acct_memory(h, -gbl_reserve);                          //@unreserve
	}

	kref_put(&resv->refs, resv_map_release);                           //@put
}

int copy_hugetlb_page_range(struct mm_struct *dst, struct mm_struct *src,
			    struct vm_area_struct *vma)           //@@ copy_hugetlb_page_range
{
	int cow;

	/* the child's VMA: reset_vma_resv_huge_pages(), no reserve map of its own */
	cow = (vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;  //@entry

	for (addr = vma->vm_start; addr < vma->vm_end; addr += sz) {
		entry = huge_ptep_get(src_pte);
		if (huge_pte_none(entry))
			continue;
		if (cow) {
			/* both parent and child map it read-only: COW on write */
			huge_ptep_set_wrprotect(src, addr, src_pte);
			entry = huge_pte_wrprotect(entry);                         //@wrprotect
		}
		ptepage = pte_page(entry);
		get_page(ptepage);
		page_dup_rmap(ptepage, true);
		set_huge_pte_at(dst, addr, dst_pte, entry);
		hugetlb_count_add(pages_per_huge_page(h), dst);                //@copy
	}
	return 0;                                                          //@done
}

unsigned long hugetlb_change_protection(struct vm_area_struct *vma,
		unsigned long address, unsigned long end, pgprot_t newprot)  //@@ hugetlb_change_protection
{
	for (; address < end; address += huge_page_size(h)) {
		ptep = huge_pte_offset(mm, address, huge_page_size(h));
		pte = huge_ptep_get(ptep);
		if (!huge_pte_none(pte)) {
			/* private mappings get PAGE_COPY: never writable, COW on write */
			pte = huge_ptep_modify_prot_start(vma, address, ptep);
			pte = pte_mkhuge(huge_pte_modify(pte, newprot));
			huge_ptep_modify_prot_commit(vma, address, ptep, old_pte, pte);
			pages++;                                                   //@modify
		}
	}
	return pages << h->order;                                          //@done
}

/* ftruncate() of a hugetlbfs file: unmap and free the pages beyond the new size. */
static int hugetlb_vmtruncate(struct inode *inode, loff_t offset)     //@@ hugetlb_vmtruncate
{
	pgoff_t pgoff;
	struct address_space *mapping = inode->i_mapping;
	struct hstate *h = hstate_inode(inode);

	BUG_ON(offset & ~huge_page_mask(h));
	pgoff = offset >> PAGE_SHIFT;

	i_size_write(inode, offset);                                       //@i_size
	i_mmap_lock_write(mapping);
	if (!RB_EMPTY_ROOT(&mapping->i_mmap.rb_root))
		hugetlb_vmdelete_list(&mapping->i_mmap, pgoff, 0);            //@vmdelete
	i_mmap_unlock_write(mapping);
	remove_inode_hugepages(inode, offset, LLONG_MAX);                  //@remove
	return 0;
}

/* Every VMA mapping file pages [start, end) loses them, shared or private (end 0: to the end). */
static void
hugetlb_vmdelete_list(struct rb_root_cached *root, pgoff_t start, pgoff_t end)  //@@ hugetlb_vmdelete_list
{
	vma_interval_tree_foreach(vma, root, start, end ? end - 1 : ULONG_MAX) {
		unsigned long v_offset;
		unsigned long v_end;

		if (vma->vm_pgoff < start)
			v_offset = (start - vma->vm_pgoff) << PAGE_SHIFT;
		else
			v_offset = 0;

		if (!end)
			v_end = vma->vm_end;
		else {
			v_end = ((end - vma->vm_pgoff) << PAGE_SHIFT)
							+ vma->vm_start;
			if (v_end > vma->vm_end)
				v_end = vma->vm_end;
		}
		unmap_hugepage_range(vma, vma->vm_start + v_offset, v_end,
									NULL);                  //@unmap
	}
}

static void remove_inode_hugepages(struct inode *inode, loff_t lstart,
				   loff_t lend)                    //@@ remove_inode_hugepages
{
	struct hstate *h = hstate_inode(inode);
	struct address_space *mapping = &inode->i_data;
	const pgoff_t start = lstart >> huge_page_shift(h);
	const pgoff_t end = lend >> huge_page_shift(h);
	bool truncate_op = (lend == LLONG_MAX);
	long freed = 0;

	while (pagevec_lookup_range(&pvec, mapping, &next, end - 1)) {
		for (i = 0; i < pagevec_count(&pvec); ++i) {
			struct page *page = pvec.pages[i];
			/*
			 * We must free the huge page and remove from page
			 * cache (remove_huge_page) BEFORE removing the
			 * region/reserve map (hugetlb_unreserve_pages).  In
			 * rare out of memory conditions, removal of the
			 * region/reserve map could fail. Correspondingly,
			 * the subpool and global reserve usage count can need
			 * to be adjusted.
			 */
			index = page->index;
			VM_BUG_ON(PagePrivate(page));
			remove_huge_page(page);  /* the page cache's reference */
			freed++;                                                   //@remove_page
			if (!truncate_op) {
				/* hole punch: this page's reservation, now */
				if (unlikely(hugetlb_unreserve_pages(inode,
							index, index + 1, 1)))
					hugetlb_fix_reserve_counts(inode);             //@unreserve_page
			}
		}
		huge_pagevec_release(&pvec);  /* put_page: free_huge_page */
	}

	if (truncate_op)
		(void)hugetlb_unreserve_pages(inode, start, LONG_MAX, freed);  //@unreserve
}

/* Give back the reservations of [start, end) that no page consumed. */
long hugetlb_unreserve_pages(struct inode *inode, long start, long end,
								long freed)        //@@ hugetlb_unreserve_pages
{
	struct hstate *h = hstate_inode(inode);
	struct resv_map *resv_map = inode_resv_map(inode);
	long chg = 0;
	long gbl_reserve;

	if (resv_map) {
		chg = region_del(resv_map, start, end);
		/*
		 * region_del() can fail in the rare case where a region
		 * must be split and another region descriptor can not be
		 * allocated.  If end == LONG_MAX, it will not fail.
		 */
		if (chg < 0)
			return chg;                                                //@region_del
	}

	inode->i_blocks -= (blocks_per_huge_page(h) * freed);

	/*
	 * If the subpool has a minimum size, the number of global
	 * reservations to be released may be adjusted.
	 */
	gbl_reserve = hugepage_subpool_put_pages(spool, (chg - freed));    //@subpool
	hugetlb_acct_memory(h, -gbl_reserve);                              //@acct
	return 0;                                                          //@done
}

/*
 * Called when the region_del in hugetlb_unreserve_pages fails (a region had
 * to be split and no file_region could be allocated): the page's region
 * stays, so its reservation is taken again in the subpool and globally.
 */
void hugetlb_fix_reserve_counts(struct inode *inode)                  //@@ hugetlb_fix_reserve_counts
{
	struct hugepage_subpool *spool = subpool_inode(inode);
	long rsv_adjust;
	bool reserved = false;

	rsv_adjust = hugepage_subpool_get_pages(spool, 1);                 //@subpool
	if (rsv_adjust > 0) {
		struct hstate *h = hstate_inode(inode);

		if (!hugetlb_acct_memory(h, 1))
			reserved = true;                                           //@acct
	} else if (!rsv_adjust) {
		reserved = true;
	}

	if (!reserved)
		pr_warn("hugetlb: Huge Page Reserved count may go negative.\n");
}                                                                      //@done
`,
);
