import { kernelSource } from '../core/frames';

/**
 * mm/hugetlb.c before reference 004 ("hugetlb: disable region_add
 * file_region coalescing"): the `-` side of the patch. region_add merges
 * [f, t) with every region it overlaps or touches; region_chg reserves one
 * descriptor per call. The frames of the kernel selected by `kernel
 * before=004` point into this listing.
 */
export const HUGETLB_BEFORE_004_C = kernelSource(
  'mm/hugetlb.c (before 004)',
  `
/*
 * mm/hugetlb.c (simulated), before reference 004: adjacent and
 * overlapping regions are coalesced at region_add time.
 */

/* Must be called with resv->lock held. Calling this with count_only == true
 * will count the number of pages to be added but will not modify the linked
 * list.
 */
static long add_reservation_in_range(struct resv_map *resv, long f, long t,
				     bool count_only)              //@@ add_reservation_in_range
{
	long chg = 0;
	struct list_head *head = &resv->regions;
	struct file_region *rg = NULL, *trg = NULL, *nrg = NULL;

	/* Locate the region we are before or in. */
	list_for_each_entry (rg, head, link)
		if (f <= rg->to)
			break;                                       //@locate

	/* Round our left edge to the current segment if it encloses us.
	 * (When the walk ran off the list, rg is the head's container_of:
	 * rg->from reads resv->adds_in_progress.) */
	if (f > rg->from)
		f = rg->from;                                    //@round

	chg = t - f;

	/* Check for and consume any regions we now overlap with. */
	nrg = rg;
	list_for_each_entry_safe (rg, trg, rg->link.prev, link) {
		if (&rg->link == head)
			break;
		if (rg->from > t)                                    //@rg
			break;                                   //@break

		/* We overlap with this area, if it extends further than
		 * us then we must extend ourselves.  Account for its
		 * existing reservation.
		 */
		if (rg->to > t) {
			chg += rg->to - t;
			t = rg->to;
		}
		chg -= rg->to - rg->from;

		if (!count_only && rg != nrg) {
			list_del(&rg->link);
			kfree(rg);                               //@consume
		}
	}

	if (!count_only) {
		nrg->from = f;
		nrg->to = t;                                     //@merge
	}

	return chg;                                          //@done
}

/*
 * Add the huge page range represented by [f, t) to the reserve
 * map.  Existing regions will be expanded to accommodate the specified
 * range, or a region will be taken from the cache.  Sufficient regions
 * must exist in the cache due to the previous call to region_chg with
 * the same range.
 *
 * Return the number of new huge pages added to the map.  This
 * number is greater than or equal to zero.
 */
static long region_add(struct resv_map *resv, long f, long t)  //@@ region_add
{
	struct list_head *head = &resv->regions;
	struct file_region *rg, *nrg;
	long add = 0;

	spin_lock(&resv->lock);
	/* Locate the region we are either in or before. */
	list_for_each_entry(rg, head, link)
		if (f <= rg->to)
			break;                                       //@locate

	/*
	 * If no region exists which can be expanded to include the
	 * specified range, pull a region descriptor from the cache
	 * and use it for this range.
	 */
	if (&rg->link == head || t < rg->from) {
		VM_BUG_ON(resv->region_cache_count <= 0);

		resv->region_cache_count--;
		nrg = list_first_entry(&resv->region_cache, struct file_region,
					link);
		list_del(&nrg->link);

		nrg->from = f;
		nrg->to = t;
		list_add(&nrg->link, rg->link.prev);                 //@new_region

		add += t - f;
		goto out_locked;
	}

	add = add_reservation_in_range(resv, f, t, false);       //@add

out_locked:
	resv->adds_in_progress--;                                //@adds_in_progress
	spin_unlock(&resv->lock);
	VM_BUG_ON(add < 0);
	return add;                                              //@return
}

/*
 * Examine the existing reserve map and determine how many
 * huge pages in the specified range [f, t) are NOT currently
 * represented.  This routine is called before a subsequent
 * call to region_add that will actually modify the reserve
 * map to add the specified range [f, t).  region_chg does
 * not change the number of huge pages represented by the
 * map.  A new file_region structure is added to the cache
 * as a placeholder, so that the subsequent region_add
 * call will have all the regions it needs and will not fail.
 */
static long region_chg(struct resv_map *resv, long f, long t)  //@@ region_chg
{
	long chg = 0;

	spin_lock(&resv->lock);
retry_locked:
	resv->adds_in_progress++;                                //@adds_in_progress

	/*
	 * Check for sufficient descriptors in the cache to accommodate
	 * the number of in progress add operations.
	 */
	if (resv->adds_in_progress > resv->region_cache_count) {   //@check_cache
		struct file_region *trg;

		VM_BUG_ON(resv->adds_in_progress - resv->region_cache_count > 1);
		/* Must drop lock to allocate a new descriptor. */
		resv->adds_in_progress--;
		spin_unlock(&resv->lock);

		trg = kmalloc(sizeof(*trg), GFP_KERNEL);             //@kmalloc
		if (!trg)
			return -ENOMEM;                                  //@enomem

		spin_lock(&resv->lock);
		list_add(&trg->link, &resv->region_cache);
		resv->region_cache_count++;                          //@cache_add
		goto retry_locked;
	}

	chg = add_reservation_in_range(resv, f, t, true);        //@count

	spin_unlock(&resv->lock);
	return chg;                                              //@return
}

/*
 * Abort the in progress add operation.  The adds_in_progress field
 * of the resv_map keeps track of the operations in progress between
 * calls to region_chg and region_add.  Operations are sometimes
 * aborted after the call to region_chg.  In such cases, region_abort
 * is called to decrement the adds_in_progress counter.
 */
static void region_abort(struct resv_map *resv, long f, long t)  //@@ region_abort
{
	spin_lock(&resv->lock);
	VM_BUG_ON(!resv->region_cache_count);                        //@bug_check
	resv->adds_in_progress--;                                    //@adds_in_progress
	spin_unlock(&resv->lock);
}
`,
);
