import { kernelSource } from '../core/frames';

/**
 * lib/test_hmm.c, the dmirror driver: the device side of HMM that scenarios
 * drive (`migrate`, device page faults and frees).
 */
export const TEST_HMM_C = kernelSource(
  'lib/test_hmm.c',
  `
static vm_fault_t dmirror_devmem_fault(struct vm_fault *vmf)        //@@ dmirror_devmem_fault
{
	struct migrate_vma args;
	unsigned long src_pfns = 0, dst_pfns = 0;
	struct page *rpage = vmf->page;
	dmirror = rpage->zone_device_data;                           //@entry

	/* FIXME demonstrate how we can adjust migrate range */
	args.vma = vmf->vma;
	args.start = vmf->address;
	args.end = args.start + PAGE_SIZE;
	args.src = &src_pfns;
	args.dst = &dst_pfns;
	args.pgmap_owner = dmirror->mdevice;
	args.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE;
	args.fault_page = vmf->page;

	if (migrate_vma_setup(&args))
		return VM_FAULT_SIGBUS;                              //@setup

	ret = dmirror_devmem_fault_alloc_and_copy(&args, dmirror);
	if (ret) {
		/* device error: the page stays on the device. kstep
		 * finalizes with no destination, which puts the
		 * device-private entry back (remove_migration_ptes). */
		migrate_vma_finalize(&args);                         //@alloc_and_copy
		return ret;                                          //@sigbus
	}
	migrate_vma_pages(&args);                                    //@pages
	/* No device finalize step is needed since
	 * dmirror_devmem_fault_alloc_and_copy() will have already
	 * invalidated the device page table.
	 */
	migrate_vma_finalize(&args);                                 //@finalize
	return 0;
}

static void dmirror_devmem_free(struct page *page)                  //@@ dmirror_devmem_free
{
	struct page *rpage = BACKING_PAGE(page);
	/* Return page to our allocator. */
	spin_lock(&mdevice->lock);
	mdevice->cfree++;
	page->zone_device_data = mdevice->free_pages;
	mdevice->free_pages = page;                                  //@free
	spin_unlock(&mdevice->lock);
}

static int dmirror_migrate_to_device(struct dmirror *dmirror,
				struct hmm_dmirror_cmd *cmd)        //@@ dmirror_migrate_to_device
{
	unsigned long start = cmd->addr, end = start + (cmd->npages << PAGE_SHIFT);

	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		vma = vma_lookup(mm, addr);                          //@vma
		if (!vma || !(vma->vm_flags & VM_READ)) {
			ret = -EINVAL;
			goto out;                                    //@einval
		}
		args.vma = vma;
		args.start = addr;
		args.end = next;
		args.pgmap_owner = dmirror->mdevice;
		args.flags = MIGRATE_VMA_SELECT_SYSTEM;
		ret = migrate_vma_setup(&args);                      //@setup
		if (ret)
			goto out;
		dmirror_migrate_alloc_and_copy(&args, dmirror);      //@alloc_and_copy
		migrate_vma_pages(&args);                            //@pages
		dmirror_migrate_finalize_and_map(&args, dmirror);
		migrate_vma_finalize(&args);                         //@finalize
	}
	mmap_read_unlock(mm);
	mmput(mm);

	/*
	 * Return the migrated data for verification.
	 * Only for pages in device zone
	 */
	ret = dmirror_bounce_init(&bounce, start, size);
	ret = dmirror_do_read(dmirror, start, end, &bounce);         //@do_read
	cmd->cpages = bounce.cpages;
	return ret;                                                  //@ret
out:
	mmap_read_unlock(mm);
	return ret;                                                  //@out
}

static int dmirror_do_read(struct dmirror *dmirror, unsigned long start,
			   unsigned long end, struct dmirror_bounce *bounce) //@@ dmirror_do_read
{
	for (pfn = start >> PAGE_SHIFT; pfn < (end >> PAGE_SHIFT); pfn++) {
		/* kstep: the device's page table maps a page iff it is one of
		 * this device's pages (migrated now, or before) */
		entry = xa_load(&dmirror->pt, pfn);                  //@load
		page = xa_untag_pointer(entry);
		if (!page)
			return -ENOENT;                              //@enoent
		memcpy_from_page(ptr, page, 0, PAGE_SIZE);
		ptr += PAGE_SIZE;
		bounce->cpages++;
	}
	return 0;                                                    //@done
}

static int dmirror_fault(struct dmirror *dmirror, unsigned long start,
			 unsigned long end, bool write)              //@@ dmirror_fault
{
	struct hmm_range range = {
		.notifier = &dmirror->notifier,
		.hmm_pfns = pfns,
		.pfn_flags_mask = 0,
		.default_flags =
			HMM_PFN_REQ_FAULT | (write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = dmirror->mdevice,
	};

	/* dmirror_range_fault() */
	ret = hmm_range_fault(&range);                               //@range_fault
	if (ret)
		return ret;                                          //@error

	/* dmirror_do_fault(): the device's page table gets each pfn */
	page = hmm_pfn_to_page(*pfns);
	entry = page;
	if (*pfns & HMM_PFN_WRITE)
		entry = xa_tag_pointer(entry, DPT_XA_TAG_WRITE);
	else if (WARN_ON(range->default_flags & HMM_PFN_WRITE))
		return -EFAULT;                                      //@no_write
	entry = xa_store(&dmirror->pt, pfn, entry, GFP_ATOMIC);     //@store
	return 0;
}

static int dmirror_migrate_to_system(struct dmirror *dmirror,
				struct hmm_dmirror_cmd *cmd)        //@@ dmirror_migrate_to_system
{
	for (addr = start; addr < end; addr = next) {
		vma = vma_lookup(mm, addr);                          //@vma
		if (!vma || !(vma->vm_flags & VM_READ)) {
			ret = -EINVAL;
			goto out;                                    //@einval
		}
		args.flags = dmirror_select_device(dmirror);
		ret = migrate_vma_setup(&args);                      //@setup
		if (ret)
			goto out;
		pr_debug("Migrating from device mem to sys mem\\n");
		dmirror_devmem_fault_alloc_and_copy(&args, dmirror); //@alloc_and_copy
		migrate_vma_pages(&args);                            //@pages
		migrate_vma_finalize(&args);                         //@finalize
	}
out:
	return ret;                                                  //@out
}

static void dmirror_migrate_alloc_and_copy(struct migrate_vma *args,
					   struct dmirror *dmirror) //@@ dmirror_migrate_alloc_and_copy
{
	for (addr = args->start; addr < args->end; addr += PAGE_SIZE,
						   src++, dst++) {
		if (!(*src & MIGRATE_PFN_MIGRATE))
			continue;
		/*
		 * Note that spage might be NULL which is OK since it is an
		 * unallocated pte_none() or read-only zero page.
		 */
		spage = migrate_pfn_to_page(*src);
		dpage = dmirror_devmem_alloc_page(mdevice);          //@alloc
		if (!dpage)
			continue;                                    //@nomem
		rpage = BACKING_PAGE(dpage);
		if (spage)
			copy_highpage(rpage, spage);
		else
			clear_highpage(rpage);
		rpage->zone_device_data = dmirror;
		*dst = migrate_pfn(page_to_pfn(dpage));
		if ((*src & MIGRATE_PFN_WRITE) ||
		    (!spage && args->vma->vm_flags & VM_WRITE))
			*dst |= MIGRATE_PFN_WRITE;                   //@copy
	}
}

static vm_fault_t dmirror_devmem_fault_alloc_and_copy(struct migrate_vma *args,
						      struct dmirror *dmirror) //@@ dmirror_devmem_fault_alloc_and_copy
{
	for (addr = start; addr < end; addr += PAGE_SIZE, src++, dst++) {
		struct page *dpage, *spage;

		spage = migrate_pfn_to_page(*src);
		if (!spage || !(*src & MIGRATE_PFN_MIGRATE))
			continue;                                    //@entry
		if (spage->pgmap->owner->failed)
			return VM_FAULT_SIGBUS;  /* device error: cannot copy back */ //@failed
		dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE, args->vma, addr);
		if (!dpage)
			continue;
		copy_highpage(dpage, BACKING_PAGE(spage));
		*dst = migrate_pfn(page_to_pfn(dpage));
		if (*src & MIGRATE_PFN_WRITE)
			*dst |= MIGRATE_PFN_WRITE;                   //@copy
	}
	return 0;
}
`,
);
