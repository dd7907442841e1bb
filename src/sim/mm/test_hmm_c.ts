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
		 * this device's pages (migrated now, or before) or an atomic
		 * entry dmirror_atomic_map stored */
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
static bool dmirror_interval_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *range,
				unsigned long cur_seq)              //@@ dmirror_interval_invalidate
{
	struct dmirror *dmirror = container_of(mni, struct dmirror, notifier);

	/*
	 * Ignore invalidation callbacks for device private pages since
	 * the invalidation is handled as part of the migration process.
	 */
	if (range->event == MMU_NOTIFY_MIGRATE &&
	    range->owner == dmirror->mdevice)
		return true;
	mutex_lock(&dmirror->mutex);
	mmu_interval_set_seq(mni, cur_seq);
	/* dmirror_do_update(): drop the mirror's entries of the range */
	xa_for_each_range(&dmirror->pt, pfn, entry, start >> PAGE_SHIFT,
			  end >> PAGE_SHIFT)
		xa_erase(&dmirror->pt, pfn);                         //@update
	mutex_unlock(&dmirror->mutex);
	return true;
}

static int dmirror_atomic_map(unsigned long start, unsigned long end,
			      struct page **pages, struct dmirror *dmirror) //@@ dmirror_atomic_map
{
	unsigned long pfn, mapped = 0;
	int i;

	/* Map the migrated pages into the device's page tables. */
	mutex_lock(&dmirror->mutex);
	for (i = 0, pfn = start >> PAGE_SHIFT; pfn < (end >> PAGE_SHIFT); pfn++, i++) {
		void *entry;

		if (!pages[i])
			continue;
		entry = pages[i];
		entry = xa_tag_pointer(entry, DPT_XA_TAG_ATOMIC);
		entry = xa_store(&dmirror->pt, pfn, entry, GFP_ATOMIC); //@store
		mapped++;
	}
	mutex_unlock(&dmirror->mutex);
	return mapped;                                               //@done
}

static int dmirror_exclusive(struct dmirror *dmirror,
			     struct hmm_dmirror_cmd *cmd)           //@@ dmirror_exclusive
{
	struct mm_struct *mm = dmirror->notifier.mm;
	struct page *pages[64];

	start = cmd->addr;
	end = start + size;
	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		unsigned long mapped = 0;
		int i;

		if (end < addr + (ARRAY_SIZE(pages) << PAGE_SHIFT))
			next = end;
		else
			next = addr + (ARRAY_SIZE(pages) << PAGE_SHIFT);

		ret = make_device_exclusive_range(mm, addr, next, pages, NULL); //@range
		/*
		 * Do dmirror_atomic_map() iff all pages are marked for
		 * exclusive access to avoid accessing uninitialized
		 * fields of pages.
		 */
		if (ret == (next - addr) >> PAGE_SHIFT)
			mapped = dmirror_atomic_map(addr, next, pages, dmirror); //@map
		for (i = 0; i < ret; i++) {
			if (pages[i]) {
				unlock_page(pages[i]);
				put_page(pages[i]);                  //@put
			}
		}

		if (addr + (mapped << PAGE_SHIFT) < next) {
			mmap_read_unlock(mm);
			mmput(mm);
			return -EBUSY;                               //@ebusy
		}
	}
	mmap_read_unlock(mm);
	mmput(mm);

	/* Return the migrated data for verification. */
	ret = dmirror_bounce_init(&bounce, start, size);
	mutex_lock(&dmirror->mutex);
	ret = dmirror_do_read(dmirror, start, end, &bounce);         //@do_read
	mutex_unlock(&dmirror->mutex);
	cmd->cpages = bounce.cpages;
	return ret;                                                  //@ret
}

static int dmirror_check_atomic(struct dmirror *dmirror, unsigned long start,
			     unsigned long end)                      //@@ dmirror_check_atomic
{
	unsigned long pfn;

	for (pfn = start >> PAGE_SHIFT; pfn < (end >> PAGE_SHIFT); pfn++) {
		void *entry;

		entry = xa_load(&dmirror->pt, pfn);                  //@load
		if (xa_pointer_tag(entry) == DPT_XA_TAG_ATOMIC)
			return -EPERM;                               //@eperm
	}
	return 0;                                                    //@done
}

static void dmirror_mkentry(struct dmirror *dmirror, struct hmm_range *range,
			    unsigned char *perm, unsigned long entry) //@@ dmirror_mkentry
{
	struct page *page;

	if (entry & HMM_PFN_ERROR) {
		*perm = HMM_DMIRROR_PROT_ERROR;
		return;                                              //@error
	}
	if (!(entry & HMM_PFN_VALID)) {
		*perm = HMM_DMIRROR_PROT_NONE;
		return;                                              //@none
	}

	page = hmm_pfn_to_page(entry);
	if (is_device_private_page(page)) {
		/* Is the page migrated to this device or some other? */
		if (dmirror->mdevice == dmirror_page_to_device(page))
			*perm = HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL;
		else
			*perm = HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE;
	} else if (is_device_coherent_page(page)) {
		/* Is the page migrated to this device or some other? */
		if (dmirror->mdevice == dmirror_page_to_device(page))
			*perm = HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL;
		else
			*perm = HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE;
	} else if (is_zero_pfn(page_to_pfn(page)))
		*perm = HMM_DMIRROR_PROT_ZERO;
	else
		*perm = HMM_DMIRROR_PROT_NONE;
	if (entry & HMM_PFN_WRITE)
		*perm |= HMM_DMIRROR_PROT_WRITE;
	else
		*perm |= HMM_DMIRROR_PROT_READ;
	if (hmm_pfn_to_map_order(entry) + PAGE_SHIFT == PMD_SHIFT)
		*perm |= HMM_DMIRROR_PROT_PMD;
	else if (hmm_pfn_to_map_order(entry) + PAGE_SHIFT == PUD_SHIFT)
		*perm |= HMM_DMIRROR_PROT_PUD;                       //@perm
}

static int dmirror_snapshot(struct dmirror *dmirror,
			    struct hmm_dmirror_cmd *cmd)            //@@ dmirror_snapshot
{
	struct mm_struct *mm = dmirror->notifier.mm;
	unsigned long pfns[64];
	unsigned char perm[64];
	struct hmm_range range = {
		.hmm_pfns = pfns,
		.dev_private_owner = dmirror->mdevice,
	};

	start = cmd->addr;
	end = start + size;
	uptr = u64_to_user_ptr(cmd->ptr);
	for (addr = start; addr < end; addr = next) {
		unsigned long n;

		next = min(addr + (ARRAY_SIZE(pfns) << PAGE_SHIFT), end);
		range.start = addr;
		range.end = next;

		/* dmirror_range_snapshot(): no default_flags, so nothing
		 * is faulted in; then dmirror_mkentry() for each pfn */
		ret = dmirror_range_snapshot(dmirror, &range, perm);  //@range
		if (ret)
			break;

		n = (range.end - range.start) >> PAGE_SHIFT;
		if (copy_to_user(uptr, perm, n)) {
			ret = -EFAULT;
			break;
		}
		cmd->cpages += n;                                    //@copy
		uptr += n;
	}
	mmput(mm);
	return ret;                                                  //@done
}
`,
);
