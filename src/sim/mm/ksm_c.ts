import { kernelSource } from '../core/frames';

/** mm/ksm.c: a caller reference 003 moves to FOLL_LRU, so KSM never merges a device page. */
export const KSM_C = kernelSource(
  'mm/ksm.c',
  `
static struct page *get_mergeable_page(struct rmap_item *rmap_item)   //@@ get_mergeable_page
{
	/* mm/ksm.c */
	vma = find_mergeable_vma(mm, addr);                          //@vma
	page = follow_page(vma, addr, FOLL_GET | FOLL_LRU);
	if (IS_ERR_OR_NULL(page))
		goto out;                                            //@follow
	if (PageAnon(page)) {
		flush_anon_page(vma, page, addr);
		flush_dcache_page(page);
	} else {
		put_page(page);
out:
		page = NULL;
	}
	return page;                                                 //@out
}
`,
);
