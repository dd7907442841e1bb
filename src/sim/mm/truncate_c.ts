import { kernelSource } from '../core/frames';

/**
 * mm/truncate.c of the v5.18 era: ftruncate of a page-cache file unmaps the
 * pages past the new size from every mapping (even_cows: private COW pages
 * and device-private entries too), then drops them from the page cache.
 */
export const TRUNCATE_C = kernelSource(
  'mm/truncate.c',
  `
void truncate_pagecache(struct inode *inode, loff_t newsize)        //@@ truncate_pagecache
{
	struct address_space *mapping = inode->i_mapping;
	loff_t holebegin = round_up(newsize, PAGE_SIZE);

	/*
	 * unmap_mapping_range is called twice, first simply for
	 * efficiency so that truncate_inode_pages does fewer
	 * single-page unmaps.  However after this first call, and
	 * before truncate_inode_pages finishes, it is possible for
	 * private pages to be COWed, which remain after
	 * truncate_inode_pages finishes, hence the second
	 * unmap_mapping_range call must be made for correctness.
	 */
	unmap_mapping_range(mapping, holebegin, 0, 1);               //@unmap
	truncate_inode_pages(mapping, newsize);                      //@truncate
	unmap_mapping_range(mapping, holebegin, 0, 1);               //@unmap_again
}                                                                    //@done

void truncate_inode_pages_range(struct address_space *mapping,
				loff_t lstart, loff_t lend)         //@@ truncate_inode_pages_range
{
	/* the page holding lstart keeps its head, its tail is zeroed */
	partial_start = lstart & (PAGE_SIZE - 1);
	if (partial_start)
		truncate_inode_partial_folio(folio, lstart, lend);   //@partial

	index = start;
	while (index < end && find_lock_entries(mapping, index, end - 1,
			&fbatch, indices)) {
		/* delete_from_page_cache_batch(): page->mapping = NULL,
		 * the page cache's reference dropped */
		truncate_folio_batch_exceptionals(mapping, &fbatch, indices);
		for (i = 0; i < folio_batch_count(&fbatch); i++)
			folio_unlock(fbatch.folios[i]);
		delete_from_page_cache_batch(mapping, &fbatch);      //@delete
		folio_batch_release(&fbatch);
	}
}                                                                    //@done
`,
);
