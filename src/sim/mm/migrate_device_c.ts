import { kernelSource } from '../core/frames';

/**
 * mm/migrate_device.c: migrate_vma_setup / _pages / _finalize, with
 * reference 003's MIGRATE_VMA_SELECT_DEVICE_COHERENT.
 */
export const MIGRATE_DEVICE_C = kernelSource(
  'mm/migrate_device.c',
  `
int migrate_vma_setup(struct migrate_vma *args)                    //@@ migrate_vma_setup
{
	memset(args->src, 0, sizeof(*args->src) * nr_pages);
	args->cpages = 0;
	args->npages = 0;

	/* migrate_vma_collect(): walk the page table, one src entry per page.
	 * pte_none: MIGRATE_PFN_MIGRATE with no page (anonymous VMAs only);
	 * present (vm_normal_any_page): system pages when SELECT_SYSTEM,
	 * device-coherent pages when SELECT_DEVICE_COHERENT;
	 * device-private entries of our owner when SELECT_DEVICE_PRIVATE;
	 * MIGRATE_PFN_WRITE when the pte (or swap entry) is writable. */
	migrate_vma_collect(args);                                   //@collect

	/* migrate_vma_unmap(): lock and isolate each page, then replace
	 * its mapping with a migration entry (try_to_migrate) */
	if (args->cpages)
		migrate_vma_unmap(args);                             //@unmap
	return 0;
}

void migrate_vma_pages(struct migrate_vma *migrate)                 //@@ migrate_vma_pages
{
	for (i = 0, addr = start; i < npages; addr += PAGE_SIZE, i++) {
		struct page *newpage = migrate_pfn_to_page(migrate->dst[i]);
		struct page *page = migrate_pfn_to_page(migrate->src[i]);

		if (!newpage) {
			migrate->src[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		if (!page) {
			/* pte_none(): install the new page directly */
			migrate_vma_insert_page(migrate, addr, newpage,
						&migrate->src[i]);
			continue;
		}
		r = migrate_page(mapping, newpage, page, MIGRATE_SYNC_NO_COPY);
		if (r != MIGRATEPAGE_SUCCESS)
			migrate->src[i] &= ~MIGRATE_PFN_MIGRATE;
	}                                                            //@loop
}

void migrate_vma_finalize(struct migrate_vma *migrate)              //@@ migrate_vma_finalize
{
	for (i = 0; i < npages; i++) {
		struct page *newpage = migrate_pfn_to_page(migrate->dst[i]);
		struct page *page = migrate_pfn_to_page(migrate->src[i]);

		if (!(migrate->src[i] & MIGRATE_PFN_MIGRATE) || !newpage) {
			if (newpage) {
				unlock_page(newpage);
				put_page(newpage);
			}
			newpage = page;
		}
		/* remove_migration_ptes(): the migration entry becomes a pte
		 * for newpage: present for system and coherent pages, a
		 * device-private swap entry (SWP_DEVICE_WRITE iff the
		 * source was writable, else SWP_DEVICE_READ) otherwise */
		remove_migration_ptes(page, newpage, false);         //@remove
		unlock_page(page);
		if (is_zone_device_page(page))
			put_page(page);   /* refcount 1: page_free() */
		else
			putback_lru_page(page);
	}                                                            //@done
}
/*
 * Migrate a device coherent page back to normal memory. The caller should have
 * a reference on page which will be copied to the new page if migration is
 * successful or dropped on failure.
 */
int migrate_device_coherent_page(struct page *page)                //@@ migrate_device_coherent_page
{
	unsigned long src_pfn, dst_pfn = 0;
	struct migrate_vma args;
	struct page *dpage;

	WARN_ON_ONCE(PageCompound(page));

	lock_page(page);
	src_pfn = migrate_pfn(page_to_pfn(page)) | MIGRATE_PFN_MIGRATE;
	args.src = &src_pfn;
	args.dst = &dst_pfn;
	args.cpages = 1;
	args.npages = 1;
	args.vma = NULL;

	/*
	 * We don't have a VMA and don't need to walk the page tables to find
	 * the source page. So call migrate_vma_unmap() directly to unmap the
	 * page as migrate_vma_setup() would.
	 * (kstep: the page is found through the pte gup found it by, with
	 * migrate_vma_setup's collect and its migrate_vma_check_page)
	 */
	migrate_vma_unmap(&args);                                    //@unmap
	if (!(src_pfn & MIGRATE_PFN_MIGRATE))
		return -EBUSY;                                       //@ebusy

	dpage = alloc_page(GFP_USER | __GFP_NOWARN);
	if (dpage) {
		lock_page(dpage);
		dst_pfn = migrate_pfn(page_to_pfn(dpage));           //@alloc
	}

	migrate_vma_pages(&args);                                    //@pages
	if (src_pfn & MIGRATE_PFN_MIGRATE)
		copy_highpage(dpage, page);
	migrate_vma_finalize(&args);                                 //@finalize

	if (src_pfn & MIGRATE_PFN_MIGRATE)
		return 0;
	return -EBUSY;
}
`,
);
