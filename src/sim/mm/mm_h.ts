import { kernelSource } from '../core/frames';

/**
 * include/linux/mm.h: put_page, where a ZONE_DEVICE page's refcount falling
 * to 1 (not 0) gives it back to its driver (reference 002).
 */
export const MM_H = kernelSource(
  'include/linux/mm.h',
  `
void put_page(struct page *page)                                    //@@ put_page
{
	/*
	 * For private device pages we need to catch refcount transition from
	 * 2 to 1, when refcount reach one it means the private device page is
	 * free and we need to inform the device driver through callback. See
	 * include/linux/memremap.h and HMM for details.
	 */
	if (put_page_is_zone_device(page)) {                         //@entry
		if (page_ref_dec_return(page) == 1)
			page->pgmap->page_free(page, page->pgmap->data); //@page_free
		return;
	}
	if (put_page_testzero(page))
		__put_page(page);   /* back to the buddy allocator */ //@free
}
`,
);
