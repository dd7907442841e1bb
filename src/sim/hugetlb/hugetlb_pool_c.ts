import { kernelSource } from '../core/frames';

/**
 * The hstate pool side of mm/hugetlb.c that reservations go through:
 * hugetlb_reserve_pages, hugetlb_acct_memory, gather_surplus_pages and
 * set_max_huge_pages (nr_hugepages). No subpool, no cgroup, overcommit 0:
 * surplus pages appear only when the pool shrinks below the pages in use.
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
static int gather_surplus_pages(struct hstate *h, int delta)          //@@ gather_surplus_pages
{
	int needed;

	needed = (h->resv_huge_pages + delta) - h->free_huge_pages;        //@needed
	if (needed <= 0) {
		h->resv_huge_pages += delta;
		return 0;                                                      //@reserved
	}
	/*
	 * alloc_surplus_huge_page() refuses while surplus_huge_pages >=
	 * nr_overcommit_huge_pages, which is 0 unless raised: no page.
	 */
	return -ENOMEM;                                                    //@enomem
}

/* fallocate/mmap of a hugetlbfs file: reserve the pages of [from, to). */
int hugetlb_reserve_pages(struct inode *inode, long from, long to,
			  struct vm_area_struct *vma, vm_flags_t vm_flags)    //@@ hugetlb_reserve_pages
{
	long ret, chg, add = -1;
	long gbl_reserve, regions_needed = 0;

	/* This should never happen */
	if (from > to)
		return -EINVAL;                                                //@einval

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
		goto out_err;
	}
	gbl_reserve = hugepage_subpool_get_pages(spool, chg);  /* no subpool: chg */
	ret = hugetlb_acct_memory(h, gbl_reserve);                         //@acct
	if (ret < 0)
		goto out_put_pages;

	if (!vma || vma->vm_flags & VM_MAYSHARE) {
		add = region_add(resv_map, from, to, regions_needed);         //@region_add
		if (unlikely(add < 0)) {
			hugetlb_acct_memory(h, -gbl_reserve);
			goto out_put_pages;
		} else if (unlikely(chg > add)) {
			/* Pages added to the map since region_chg: give back their reserve. */
			rsv_adjust = hugepage_subpool_put_pages(spool, chg - add);
			hugetlb_acct_memory(h, -rsv_adjust);                       //@adjust
		}
	}
	return 0;                                                          //@done
out_put_pages:
	hugepage_subpool_put_pages(spool, chg);
out_err:
	/* region_chg succeeded but region_add failed or did not run. */
	if (!vma || vma->vm_flags & VM_MAYSHARE)
		if (chg >= 0 && add < 0)
			region_abort(resv_map, from, to, regions_needed);          //@abort
	return ret;                                                        //@err
}
`,
);
