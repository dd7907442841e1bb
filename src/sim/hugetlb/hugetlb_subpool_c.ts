import { kernelSource } from '../core/frames';

/**
 * The hugepage_subpool of a hugetlbfs mount (mm/hugetlb.c) and the mount
 * that makes one (hugetlbfs_fill_super, fs/hugetlbfs/inode.c): size= caps
 * the pages the mount's files may hold (max_hpages), min_size= reserves
 * pages in the global pool for it (min_hpages, rsv_hpages). Sizes are in
 * huge pages here; the real mount options take bytes or a percentage.
 */
export const HUGETLB_SUBPOOL_C = kernelSource(
  'mm/hugetlb.c (subpool)',
  `
/* fs/hugetlbfs/inode.c: mount -t hugetlbfs -o size=,min_size= none <dir> */
static int hugetlbfs_fill_super(struct super_block *sb, struct fs_context *fc)  //@@ hugetlbfs_fill_super
{
	struct hugetlbfs_fs_context *ctx = fc->fs_private;
	struct hugetlbfs_sb_info *sbinfo;

	/* hugetlbfs_validate(): */
	if (ctx->max_hpages != -1 && ctx->min_hpages > ctx->max_hpages)
		return -EINVAL;  /* "Minimum size can't be greater than maximum size" */  //@validate

	/*
	 * Allocate and initialize subpool if maximum or minimum size is
	 * specified.  Any needed reservations (for minimum size) are taken
	 * when the subpool is created.
	 */
	if (ctx->max_hpages != -1 || ctx->min_hpages != -1) {
		sbinfo->spool = hugepage_new_subpool(ctx->hstate,
						     ctx->max_hpages,
						     ctx->min_hpages);
		if (!sbinfo->spool)
			goto out_free;                                             //@new_subpool
	}
	return 0;                                                          //@done
out_free:
	kfree(sbinfo);
	return -ENOMEM;                                                    //@enomem
}

struct hugepage_subpool *hugepage_new_subpool(struct hstate *h, long max_hpages,
						long min_hpages)  //@@ hugepage_new_subpool
{
	struct hugepage_subpool *spool;

	spool = kzalloc(sizeof(*spool), GFP_KERNEL);
	spool->count = 1;
	spool->max_hpages = max_hpages;
	spool->hstate = h;
	spool->min_hpages = min_hpages;                                    //@init

	if (min_hpages != -1 && hugetlb_acct_memory(h, min_hpages)) {
		kfree(spool);
		return NULL;                                                   //@acct_failed
	}
	spool->rsv_hpages = min_hpages;

	return spool;                                                      //@done
}

/*
 * Subpool accounting for allocating and reserving pages.
 * Return -ENOMEM if there are not enough resources to satisfy the
 * request.  Otherwise, return the number of pages by which the
 * global pools must be adjusted (upward).  The returned value may
 * only be different than the passed value (delta) in the case where
 * a subpool minimum size must be maintained.
 */
static long hugepage_subpool_get_pages(struct hugepage_subpool *spool,
				      long delta)           //@@ hugepage_subpool_get_pages
{
	long ret = delta;

	if (!spool)
		return ret;                                                    //@no_spool

	spin_lock_irq(&spool->lock);

	if (spool->max_hpages != -1) {		/* maximum size accounting */
		if ((spool->used_hpages + delta) <= spool->max_hpages)
			spool->used_hpages += delta;                               //@used
		else {
			ret = -ENOMEM;
			goto unlock_ret;                                           //@enomem
		}
	}

	/* minimum size accounting */
	if (spool->min_hpages != -1 && spool->rsv_hpages) {
		if (delta > spool->rsv_hpages) {
			/*
			 * Asking for more reserves than those already taken on
			 * behalf of subpool.  Return difference.
			 */
			ret = delta - spool->rsv_hpages;
			spool->rsv_hpages = 0;
		} else {
			ret = 0;	/* reserves already accounted for */
			spool->rsv_hpages -= delta;
		}                                                              //@rsv
	}

unlock_ret:
	spin_unlock_irq(&spool->lock);
	return ret;                                                        //@return
}

/*
 * Subpool accounting for freeing and unreserving pages.
 * Return the number of global page reservations that must be dropped.
 * The return value may only be different than the passed value (delta)
 * in the case where a subpool minimum size must be maintained.
 */
static long hugepage_subpool_put_pages(struct hugepage_subpool *spool,
				       long delta)          //@@ hugepage_subpool_put_pages
{
	long ret = delta;

	if (!spool)
		return delta;                                                  //@no_spool

	spin_lock_irqsave(&spool->lock, flags);

	if (spool->max_hpages != -1)		/* maximum size accounting */
		spool->used_hpages -= delta;                                   //@used

	 /* minimum size accounting */
	if (spool->min_hpages != -1 && spool->used_hpages < spool->min_hpages) {
		if (spool->rsv_hpages + delta <= spool->min_hpages)
			ret = 0;
		else
			ret = spool->rsv_hpages + delta - spool->min_hpages;

		spool->rsv_hpages += delta;
		if (spool->rsv_hpages > spool->min_hpages)
			spool->rsv_hpages = spool->min_hpages;                     //@rsv
	}

	unlock_or_release_subpool(spool, flags);
	return ret;                                                        //@return
}
`,
);
