import { kernelSource } from '../core/frames';

/**
 * The hstate pool side of mm/hugetlb.c that reservations go through:
 * hugetlb_reserve_pages, hugetlb_acct_memory, gather_surplus_pages and
 * set_max_huge_pages (nr_hugepages), with the surplus pages that
 * nr_overcommit_hugepages allows (gather_surplus_pages,
 * alloc_surplus_huge_page, return_unused_surplus_pages) and a mount's
 * subpool. No cgroup, one node.
 */
export const HUGETLB_POOL_C = kernelSource(
  'mm/hugetlb.c (pool)',
  `
/* echo N > /proc/sys/vm/nr_hugepages */
static int set_max_huge_pages(struct hstate *h, unsigned long count)  //@@ set_max_huge_pages
{
	unsigned long min_count;

	spin_lock(&hugetlb_lock);
	/* Grow: first turn surplus pages into persistent ones, then allocate. */
	while (h->surplus_huge_pages && count > persistent_huge_pages(h)) {
		if (!adjust_pool_surplus(h, nodes_allowed, -1))
			break;
	}                                                                  //@grow_surplus
	while (count > persistent_huge_pages(h)) {
		ret = alloc_pool_huge_page(h, nodes_allowed, node_alloc_noretry);
		/* h->nr_huge_pages++; h->free_huge_pages++; */
	}                                                                  //@grow

	/*
	 * Shrink: pages in use or reserved cannot go. Free what is free and
	 * not reserved, and make the rest surplus: freed when released.
	 */
	min_count = h->resv_huge_pages + h->nr_huge_pages - h->free_huge_pages;
	min_count = max(count, min_count);                                 //@min_count
	try_to_free_low(h, min_count, nodes_allowed);
	while (min_count < persistent_huge_pages(h)) {
		if (!free_pool_huge_page(h, nodes_allowed, 0))
			break;
	}                                                                  //@shrink
	while (count < persistent_huge_pages(h)) {
		if (!adjust_pool_surplus(h, nodes_allowed, 1))
			break;
	}                                                                  //@surplus
	spin_unlock(&hugetlb_lock);
	return 0;
}

/* echo N > /proc/sys/vm/nr_overcommit_hugepages */
static int hugetlb_overcommit_handler(struct ctl_table *table, int write,
		void *buffer, size_t *length, loff_t *ppos)          //@@ hugetlb_overcommit_handler
{
	struct hstate *h = &default_hstate;
	unsigned long tmp;

	tmp = h->nr_overcommit_huge_pages;
	ret = proc_hugetlb_doulongvec_minmax(table, write, buffer, length, ppos, &tmp);

	/* Only the limit changes: surplus pages above it stay until freed. */
	if (write) {
		spin_lock_irq(&hugetlb_lock);
		h->nr_overcommit_huge_pages = tmp;
		spin_unlock_irq(&hugetlb_lock);
	}
	return ret;                                                        //@set
}

/* Reserve delta huge pages in the pool (delta < 0: give them back). */
static int hugetlb_acct_memory(struct hstate *h, long delta)          //@@ hugetlb_acct_memory
{
	int ret = -ENOMEM;

	spin_lock(&hugetlb_lock);
	if (delta > 0) {
		if (gather_surplus_pages(h, delta) < 0)                       //@gather
			goto out;
	}
	ret = 0;
	if (delta < 0)
		return_unused_surplus_pages(h, (unsigned long) -delta);       //@return_unused
out:
	spin_unlock(&hugetlb_lock);
	return ret;                                                        //@return
}

/* Increase the reserve; allocate surplus pages if the free pages are not enough. */
static int gather_surplus_pages(struct hstate *h, long delta)         //@@ gather_surplus_pages
{
	long needed, allocated;
	bool alloc_ok = true;

	needed = (h->resv_huge_pages + delta) - h->free_huge_pages;        //@needed
	if (needed <= 0) {
		h->resv_huge_pages += delta;
		return 0;                                                      //@reserved
	}

	allocated = 0;
	ret = -ENOMEM;
retry:
	spin_unlock_irq(&hugetlb_lock);
	for (i = 0; i < needed; i++) {
		page = alloc_surplus_huge_page(h, htlb_alloc_mask(h),
				NUMA_NO_NODE, NULL, true);                 //@alloc
		if (!page) {
			alloc_ok = false;
			break;
		}
		list_add(&page->lru, &surplus_list);
	}
	allocated += i;

	/*
	 * After retaking hugetlb_lock, we need to recalculate 'needed'
	 * because either resv_huge_pages or free_huge_pages may have changed.
	 */
	spin_lock_irq(&hugetlb_lock);
	needed = (h->resv_huge_pages + delta) -
			(h->free_huge_pages + allocated);                          //@recount
	if (needed > 0) {
		if (alloc_ok)
			goto retry;
		/*
		 * We were not able to allocate enough pages to
		 * satisfy the entire reservation so we free what
		 * we've allocated so far.
		 */
		goto free;
	}
	/*
	 * The surplus_list now contains _at_least_ the number of extra pages
	 * needed to accommodate the reservation.  Add the appropriate number
	 * of pages to the hugetlb pool.  Commit the entire reservation here
	 * to prevent another process from stealing the pages as they are
	 * added to the pool but before they are reserved.
	 */
	needed += allocated;
	h->resv_huge_pages += delta;
	ret = 0;

	/* Free the needed pages to the hugetlb pool */
	list_for_each_entry_safe(page, tmp, &surplus_list, lru) {
		if ((--needed) < 0)
			break;
		enqueue_huge_page(h, page);  /* h->free_huge_pages++ */
	}
	return ret;                                                        //@enqueue
free:
	/* free_huge_page() of each: surplus pages go back to the buddy allocator */
	list_for_each_entry_safe(page, tmp, &surplus_list, lru)
		free_huge_page(page);
	return ret;                                                        //@free
}

/* A fresh huge page beyond nr_hugepages, while nr_overcommit_hugepages allows one. */
static struct page *alloc_surplus_huge_page(struct hstate *h, gfp_t gfp_mask,
		int nid, nodemask_t *nmask, bool zero_ref)     //@@ alloc_surplus_huge_page
{
	struct page *page = NULL;

	spin_lock_irq(&hugetlb_lock);
	if (h->surplus_huge_pages >= h->nr_overcommit_huge_pages)         //@check
		goto out_unlock;
	spin_unlock_irq(&hugetlb_lock);

	/* prep_new_huge_page: h->nr_huge_pages++ */
	page = alloc_fresh_huge_page(h, gfp_mask, nid, nmask, NULL);

	spin_lock_irq(&hugetlb_lock);
	h->surplus_huge_pages++;
	h->surplus_huge_pages_node[page_to_nid(page)]++;                   //@surplus
	spin_unlock_irq(&hugetlb_lock);
	return page;

out_unlock:
	spin_unlock_irq(&hugetlb_lock);
	return page;                                                       //@out_unlock
}

/* Unreserve pages; free the surplus pages among them (back to the buddy allocator). */
static void return_unused_surplus_pages(struct hstate *h,
					unsigned long unused_resv_pages)   //@@ return_unused_surplus_pages
{
	unsigned long nr_pages;

	/* Uncommit the reservation */
	h->resv_huge_pages -= unused_resv_pages;                           //@uncommit

	/*
	 * Part (or even all) of the reservation could have been backed
	 * by pre-allocated pages. Only free surplus pages.
	 */
	nr_pages = min(unused_resv_pages, h->surplus_huge_pages);

	/*
	 * remove_pool_huge_page(acct_surplus = 1) takes a page from the free
	 * list (h->free_huge_pages--, h->nr_huge_pages--,
	 * h->surplus_huge_pages--); it fails once the free list is empty.
	 */
	while (nr_pages--) {
		page = remove_pool_huge_page(h, &node_states[N_MEMORY], 1);
		if (!page)
			goto out;
		list_add(&page->lru, &page_list);
	}
out:
	update_and_free_pages_bulk(h, &page_list);                         //@free
}

/* fallocate/mmap of a hugetlbfs file: reserve the pages of [from, to). */
int hugetlb_reserve_pages(struct inode *inode, long from, long to,
			  struct vm_area_struct *vma, vm_flags_t vm_flags)    //@@ hugetlb_reserve_pages
{
	long ret, chg, add = -1;
	struct hugepage_subpool *spool = subpool_inode(inode);
	long gbl_reserve, regions_needed = 0;

	/* This should never happen */
	if (from > to)
		return -EINVAL;                                                //@einval

	/*
	 * Only apply hugepage reservation if asked. At fault time, an
	 * attempt will be made for VM_NORESERVE to allocate a page
	 * without using reserves
	 */
	if (vm_flags & VM_NORESERVE)
		return 0;                                                      //@noreserve

	if (!vma || vma->vm_flags & VM_MAYSHARE) {
		/* Shared mapping: the inode's map says what is reserved already. */
		resv_map = inode_resv_map(inode);
		chg = region_chg(resv_map, from, to, &regions_needed);     //@region_chg
	} else {
		/* Private mapping: a map of the VMA's own; every page is new. */
		resv_map = resv_map_alloc();
		chg = to - from;
		set_vma_resv_map(vma, resv_map);
		set_vma_resv_flags(vma, HPAGE_RESV_OWNER);                     //@private
	}
	if (chg < 0) {
		ret = chg;
		goto out_err;                                                  //@chg_err
	}

	/*
	 * There must be enough pages in the subpool for the mapping. If
	 * the subpool has a minimum size, there may be some global
	 * reservations already in place (gbl_reserve).
	 */
	gbl_reserve = hugepage_subpool_get_pages(spool, chg);              //@subpool
	if (gbl_reserve < 0) {
		ret = -ENOSPC;                                                 //@enospc
		goto out_err;
	}

	/*
	 * Check enough hugepages are available for the reservation.
	 * Hand the pages back to the subpool if there are not
	 */
	ret = hugetlb_acct_memory(h, gbl_reserve);                         //@acct
	if (ret < 0)
		goto out_put_pages;                                            //@acct_err

	if (!vma || vma->vm_flags & VM_MAYSHARE) {
		add = region_add(resv_map, from, to, regions_needed);         //@region_add
		if (unlikely(add < 0)) {
			hugetlb_acct_memory(h, -gbl_reserve);                      //@add_err
			goto out_put_pages;
		} else if (unlikely(chg > add)) {
			/* Pages added to the map since region_chg: give back their reserve. */
			rsv_adjust = hugepage_subpool_put_pages(spool, chg - add);
			hugetlb_acct_memory(h, -rsv_adjust);                       //@adjust
		}
	}
	return 0;                                                          //@done
out_put_pages:
	/* put back original number of pages, chg */
	(void)hugepage_subpool_put_pages(spool, chg);                      //@put_pages
out_err:
	/* region_chg succeeded but region_add failed or did not run. */
	if (!vma || vma->vm_flags & VM_MAYSHARE)
		if (chg >= 0 && add < 0)
			region_abort(resv_map, from, to, regions_needed);          //@abort
	return ret;                                                        //@err
}
`,
);
