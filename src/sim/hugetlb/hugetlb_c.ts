import { kernelSource } from '../core/frames';

/**
 * mm/hugetlb.c as reference 004 leaves it (region_add without coalescing),
 * plus region_del and region_count of the same kernel. Step points are where
 * the simulator stops inside these functions.
 */
export const HUGETLB_C = kernelSource(
  'mm/hugetlb.c',
  `
/*
 * mm/hugetlb.c (simulated): the resv_map of a hugetlbfs inode.
 * Regions [from, to) in resv->regions are kept in offset order and are
 * never coalesced (reference 004: each region will carry cgroup uncharge
 * info of its own). region_chg reserves file_region descriptors in
 * resv->region_cache so the following region_add cannot fail.
 */

struct resv_map *resv_map_alloc(void)                          //@@ resv_map_alloc
{
	struct resv_map *resv_map = kmalloc(sizeof(*resv_map), GFP_KERNEL);
	struct file_region *rg = kmalloc(sizeof(*rg), GFP_KERNEL);   //@kmalloc

	if (!resv_map || !rg) {
		kfree(resv_map);
		kfree(rg);
		return NULL;                                             //@enomem
	}

	INIT_LIST_HEAD(&resv_map->regions);
	resv_map->adds_in_progress = 0;
	/* Initial cache: one entry, so region_add of one page never allocates. */
	INIT_LIST_HEAD(&resv_map->region_cache);
	list_add(&rg->link, &resv_map->region_cache);
	resv_map->region_cache_count = 1;                            //@init

	return resv_map;
}

static long add_reservation_in_range(struct resv_map *resv, long f, long t,
				     long *regions_needed, bool count_only)  //@@ add_reservation_in_range
{
	long add = 0;
	struct list_head *head = &resv->regions;
	long last_accounted_offset = f;
	struct file_region *rg = NULL, *trg = NULL, *nrg = NULL;

	if (regions_needed)
		*regions_needed = 0;

	/* In this loop, we essentially handle an entry for the range
	 * last_accounted_offset -> rg->from, at every iteration, with some
	 * bounds checking. (The regions before our range only raise
	 * last_accounted_offset: the simulator finds the last of them at once
	 * and stops at its continue; every later region is a stop of its own.)
	 */
	list_for_each_entry_safe(rg, trg, head, link) {              //@walk
		/* Skip irrelevant regions that start before our range. */
		if (rg->from < f) {                                      //@rg
			if (rg->to > last_accounted_offset)
				last_accounted_offset = rg->to;
			continue;                                            //@skip
		}
		/* A region that starts beyond our range ends the walk. */
		if (rg->from > t)
			break;                                               //@break
		/* Gap last_accounted_offset -> rg->from: fill it (or count it). */
		if (rg->from > last_accounted_offset) {
			add += rg->from - last_accounted_offset;
			if (!count_only) {
				nrg = get_file_region_entry_from_cache(
					resv, last_accounted_offset, rg->from);
				list_add(&nrg->link, rg->link.prev);             //@fill
			} else if (regions_needed)
				*regions_needed += 1;                            //@count_gap
		}
		last_accounted_offset = rg->to;
	}

	/* Our range extends beyond last_accounted_offset: one more gap. */
	if (last_accounted_offset < t) {
		add += t - last_accounted_offset;
		if (!count_only) {
			nrg = get_file_region_entry_from_cache(
				resv, last_accounted_offset, t);
			list_add(&nrg->link, rg->link.prev);                 //@fill_tail
		} else if (regions_needed)
			*regions_needed += 1;                                //@count_tail
		last_accounted_offset = t;
	}

	return add;                                                  //@done
}

static long region_add(struct resv_map *resv, long f, long t,
		       long in_regions_needed)                       //@@ region_add
{
	long add = 0, actual_regions_needed = 0;
	struct file_region *trg = NULL;

	spin_lock(&resv->lock);
retry:                                                               //@retry

	/* Count how many regions are actually needed to execute this add. */
	add_reservation_in_range(resv, f, t, &actual_regions_needed, true);  //@count

	/* Check for sufficient descriptors in the cache. */
	if (resv->region_cache_count < actual_regions_needed) {      //@check_cache
		/* region_add of range 1 should never need to allocate. */
		VM_BUG_ON(t - f <= 1);
		while (resv->region_cache_count < actual_regions_needed) {
			/* Must drop lock to allocate a new descriptor. */
			spin_unlock(&resv->lock);
			trg = kmalloc(sizeof(*trg), GFP_KERNEL);             //@kmalloc
			if (!trg)
				return -ENOMEM;                                  //@enomem

			spin_lock(&resv->lock);
			list_add(&trg->link, &resv->region_cache);
			resv->region_cache_count++;                          //@cache_add
		}

		goto retry;
	}

	add = add_reservation_in_range(resv, f, t, NULL, false);     //@add

	resv->adds_in_progress -= in_regions_needed;                 //@adds_in_progress

	spin_unlock(&resv->lock);
	VM_BUG_ON(add < 0);
	return add;                                                  //@return
}

static long region_chg(struct resv_map *resv, long f, long t,
		       long *out_regions_needed)                     //@@ region_chg
{
	struct file_region *trg = NULL;
	long chg = 0;

	spin_lock(&resv->lock);

	/* Count how many hugepages in this range are NOT represented. */
	chg = add_reservation_in_range(resv, f, t, out_regions_needed, true);  //@count

	if (*out_regions_needed < 1)
		*out_regions_needed = 1;                                 //@min_one

	resv->adds_in_progress += *out_regions_needed;               //@adds_in_progress

	/* Enough descriptors in the cache for every add in progress? */
	while (resv->region_cache_count < resv->adds_in_progress) {  //@check_cache
		/* Must drop lock to allocate a new descriptor. */
		spin_unlock(&resv->lock);
		trg = kmalloc(sizeof(*trg), GFP_KERNEL);                 //@kmalloc
		if (!trg)
			return -ENOMEM;  /* adds_in_progress stays raised */  //@enomem

		spin_lock(&resv->lock);
		list_add(&trg->link, &resv->region_cache);
		resv->region_cache_count++;                              //@cache_add
	}

	spin_unlock(&resv->lock);
	return chg;                                                  //@return
}

static void region_abort(struct resv_map *resv, long f, long t,
			 long regions_needed)                        //@@ region_abort
{
	spin_lock(&resv->lock);
	VM_BUG_ON(!resv->region_cache_count);                        //@bug_check
	resv->adds_in_progress -= regions_needed;                    //@adds_in_progress
	spin_unlock(&resv->lock);
}

static long region_del(struct resv_map *resv, long f, long t)      //@@ region_del
{
	struct list_head *head = &resv->regions;
	struct file_region *rg, *trg;
	struct file_region *nrg = NULL;
	long del = 0;

retry:                                                               //@retry
	spin_lock(&resv->lock);
	/* (The regions that end at or before f are passed over at once.) */
	list_for_each_entry_safe(rg, trg, head, link) {              //@walk
		if (rg->to <= f && (rg->to != rg->from || rg->to != f))  //@rg
			continue;
		if (rg->from >= t)
			break;                                               //@break

		if (f > rg->from && t < rg->to) { /* Must split region */  //@split
			/* A cache entry may be used only if no add needs it. */
			if (!nrg &&
			    resv->region_cache_count > resv->adds_in_progress) {
				nrg = list_first_entry(&resv->region_cache,
							struct file_region, link);
				list_del(&nrg->link);
				resv->region_cache_count--;                      //@take_cache
			}

			if (!nrg) {
				spin_unlock(&resv->lock);
				nrg = kmalloc(sizeof(*nrg), GFP_KERNEL);         //@kmalloc
				if (!nrg)
					return -ENOMEM;                              //@enomem
				goto retry;
			}

			del += t - f;

			/* New entry for end of split region */
			nrg->from = t;
			nrg->to = rg->to;
			INIT_LIST_HEAD(&nrg->link);

			/* Original entry is trimmed */
			rg->to = f;

			list_add(&nrg->link, &rg->link);
			nrg = NULL;
			break;                                               //@split_done
		}

		if (f <= rg->from && t >= rg->to) { /* Remove entire region */
			del += rg->to - rg->from;
			list_del(&rg->link);
			kfree(rg);                                           //@remove
			continue;
		}

		if (f <= rg->from) {	/* Trim beginning of region */
			del += t - rg->from;
			rg->from = t;                                        //@trim_from
		} else {		/* Trim end of region */
			del += rg->to - f;
			rg->to = f;                                          //@trim_to
		}
	}

	spin_unlock(&resv->lock);
	kfree(nrg);
	return del;                                                  //@return
}

static long region_count(struct resv_map *resv, long f, long t)    //@@ region_count
{
	struct list_head *head = &resv->regions;
	struct file_region *rg;
	long chg = 0;

	spin_lock(&resv->lock);
	/* Locate each segment we overlap with, and count that overlap.
	 * (A read-only count: the simulator takes the whole loop in one step.) */
	list_for_each_entry(rg, head, link) {                        //@walk
		long seg_from;
		long seg_to;

		if (rg->to <= f)
			continue;
		if (rg->from >= t)
			break;

		seg_from = max(rg->from, f);
		seg_to = min(rg->to, t);

		chg += seg_to - seg_from;
	}
	spin_unlock(&resv->lock);

	return chg;                                                  //@return
}
`,
);
