import { kernelSource } from '../core/frames';

/**
 * kernel/memremap.c: ZONE_DEVICE pages coming into being, and the fault on a
 * device-private entry handed to the pgmap's driver (reference 002).
 */
export const MEMREMAP_C = kernelSource(
  'kernel/memremap.c',
  `
int device_private_entry_fault(struct vm_area_struct *vma,
		       unsigned long addr, swp_entry_t entry,
		       unsigned int flags, pmd_t *pmdp)             //@@ device_private_entry_fault
{
	struct page *page = device_private_entry_to_page(entry);     //@entry

	/*
	 * The page_fault() callback must migrate page back to system memory
	 * so that CPU can access it. This might fail for various reasons
	 * (device issue, device was unsafely unplugged, ...). When such
	 * error conditions happen, the callback must return VM_FAULT_SIGBUS.
	 */
	return page->pgmap->page_fault(vma, addr, page, flags, pmdp); //@callback
}

void *devm_memremap_pages(struct device *dev, struct dev_pagemap *pgmap) //@@ devm_memremap_pages
{
	/* MEMORY_DEVICE_PRIVATE / _COHERENT / _HOST: struct pages in
	 * ZONE_DEVICE, each with a refcount of 1 while free (a ZONE_DEVICE
	 * page never reaches 0), handed to the driver's free list */
	for_each_device_pfn(pfn, pgmap) {
		struct page *page = pfn_to_page(pfn);
		__init_single_page(page, pfn, ZONE_DEVICE, nid);
		page->pgmap = pgmap;
		set_page_count(page, 1);
	}                                                            //@init
	return __va(res->start);
}
`,
);
