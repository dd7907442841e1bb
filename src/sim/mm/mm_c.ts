import { kernelSource } from '../core/frames';

/**
 * mm/memory.c, mm/migrate_device.c, mm/hmm.c, lib/test_hmm.c (dmirror) and
 * the callers reference 003 splits, as kstep simulates them: the listing
 * "step in" lands on. Reference 002 (device-private swap entries, page_free
 * at refcount 1, copy_one_pte/zap/mprotect rules) and 003 (DEVICE_COHERENT,
 * vm_normal_any_page vs vm_normal_lru_page, FOLL_LRU).
 */
export const MM_C = kernelSource(
  'mm/memory.c',
  `
/* ---- arch/x86/mm/fault.c + mm/memory.c: the CPU fault path ---- */

vm_fault_t handle_mm_fault(struct mm_struct *mm, unsigned long address,
			   unsigned int flags)                        //@@ handle_mm_fault
{
	/* do_user_addr_fault(): find the VMA, check the access against it */
	vma = find_vma(mm, address);                                 //@find_vma
	if (!vma || vma->vm_start > address)
		return bad_area(regs, error_code, address);          /* SIGSEGV */
	if (access_error(error_code, vma))                          //@access
		return bad_area_access_error(regs, error_code, address, vma);

	count_vm_event(PGFAULT);
	ret = __handle_mm_fault(vma, address, flags);               //@handle
	if (ret & VM_FAULT_SIGBUS)
		do_sigbus(regs, error_code, address, ret);           //@sigbus
	return ret;                                                  //@done
}

static vm_fault_t handle_pte_fault(struct vm_fault *vmf)            //@@ handle_pte_fault
{
	vmf->orig_pte = *vmf->pte;                                   //@entry
	if (pte_none(vmf->orig_pte))
		return do_anonymous_page(vmf);                       //@anon
	if (!pte_present(vmf->orig_pte))
		return do_swap_page(vmf);                            //@swap
	if (vmf->flags & FAULT_FLAG_WRITE) {
		if (!pte_write(entry))
			return do_wp_page(vmf);                      //@wp
	}
	return 0;                                                    //@done
}

static vm_fault_t do_anonymous_page(struct vm_fault *vmf)          //@@ do_anonymous_page
{
	/* Use the zero-page for reads */
	if (!(vmf->flags & FAULT_FLAG_WRITE) &&
			!mm_forbids_zeropage(vma->vm_mm)) {
		entry = pte_mkspecial(pfn_pte(my_zero_pfn(vmf->address),
						vma->vm_page_prot));
		goto setpte;                                         //@zero
	}
	page = alloc_zeroed_user_highpage_movable(vma, vmf->address); //@alloc
	if (!page)
		return VM_FAULT_OOM;
	entry = mk_pte(page, vma->vm_page_prot);
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));
	inc_mm_counter_fast(vma->vm_mm, MM_ANONPAGES);
	page_add_new_anon_rmap(page, vma, vmf->address, false);
	lru_cache_add_active_or_unevictable(page, vma);
	set_pte_at(vma->vm_mm, vmf->address, vmf->pte, entry);      //@set_pte
	return 0;
}

static vm_fault_t do_wp_page(struct vm_fault *vmf)                 //@@ do_wp_page
{
	vmf->page = vm_normal_any_page(vma, vmf->address, vmf->orig_pte); //@entry
	if (!vmf->page)   /* the zero page: always copy */
		return wp_page_copy(vmf);
	if (PageAnon(vmf->page) && page_mapcount(vmf->page) == 1) {
		/* the only mapping: reuse the page, just make it writable */
		wp_page_reuse(vmf);                                  //@reuse
		return VM_FAULT_WRITE;
	}
	if (vma->vm_flags & VM_SHARED)
		return wp_page_shared(vmf);                          //@shared
	/* wp_page_copy(): break COW into a new anonymous page */
	new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vmf->address);
	cow_user_page(new_page, old_page, vmf);                      //@copy
	entry = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, vma->vm_page_prot)), vma);
	page_add_new_anon_rmap(new_page, vma, vmf->address, false);
	set_pte_at_notify(mm, vmf->address, vmf->pte, entry);
	page_remove_rmap(old_page, false);
	put_page(old_page);                                          //@release
	return VM_FAULT_WRITE;
}

vm_fault_t do_swap_page(struct vm_fault *vmf)                       //@@ do_swap_page
{
	entry = pte_to_swp_entry(vmf->orig_pte);                     //@entry
	if (unlikely(non_swap_entry(entry))) {
		if (is_migration_entry(entry)) {
			migration_entry_wait(vma->vm_mm, vmf->pmd,
					     vmf->address);          //@migration
		} else if (is_device_private_entry(entry)) {
			/*
			 * For un-addressable device memory we call the pgmap
			 * fault handler callback. The callback must migrate
			 * the page back to some CPU accessible page.
			 */
			ret = device_private_entry_fault(vma, vmf->address, entry,
						 vmf->flags, vmf->pmd); //@device_private
		}
		goto out;
	}
out:
	return ret;                                                  //@out
}

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

/* ---- lib/test_hmm.c: the dmirror driver ---- */

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
		args.flags = dmirror_select_device(dmirror);
		ret = migrate_vma_setup(&args);                      //@setup
		if (ret)
			goto out;
		dmirror_migrate_alloc_and_copy(&args, dmirror);      //@alloc_and_copy
		migrate_vma_pages(&args);                            //@pages
		dmirror_migrate_finalize_and_map(&args, dmirror);
		migrate_vma_finalize(&args);                         //@finalize
	}
out:
	mmap_read_unlock(mm);
	return ret;                                                  //@out
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

/* ---- mm/migrate_device.c ---- */

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

/* ---- mm/hmm.c ---- */

int hmm_range_fault(struct hmm_range *range)                        //@@ hmm_range_fault
{
	/* hmm_vma_walk_pmd -> hmm_vma_handle_pte */
	pte = *ptep;                                                 //@walk
	if (!pte_present(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);
		/* Never fault in device private pages, but just report
		 * the PFN even if not present. */
		if (hmm_is_device_private_entry(range, entry)) {
			*hmm_pfn = swp_offset(entry) | HMM_PFN_VALID;
			if (is_writable_device_private_entry(entry))
				*hmm_pfn |= HMM_PFN_WRITE;
			return 0;                                    //@own
		}
	}
	required_fault = hmm_pte_need_fault(hmm_vma_walk, pfn_req_flags, cpu_flags);
	if (required_fault)
		return hmm_vma_fault(addr, end, required_fault, walk); //@fault
	*hmm_pfn = pte_pfn(pte) | cpu_flags;                         //@done
	return 0;
}

/* ---- kernel/fork.c + mm/memory.c: copy_page_range ---- */

static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)   //@@ dup_mmap
{
	for (mpnt = oldmm->mmap; mpnt; mpnt = mpnt->vm_next) {
		tmp = vm_area_dup(mpnt);                             //@vma
		retval = copy_page_range(mm, oldmm, mpnt);
	}
	return retval;                                               //@done
}

static inline unsigned long
copy_one_pte(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		pte_t *dst_pte, pte_t *src_pte, struct vm_area_struct *vma,
		unsigned long addr, int *rss)                       //@@ copy_one_pte
{
	unsigned long vm_flags = vma->vm_flags;
	pte_t pte = *src_pte;
	struct page *page;

	/* pte contains position in swap or file, so copy. */
	if (unlikely(!pte_present(pte))) {
		swp_entry_t entry = pte_to_swp_entry(pte);           //@swap
		if (is_device_private_entry(entry)) {
			page = device_private_entry_to_page(entry);
			get_page(page);
			rss[mm_counter(page)]++;
			page_dup_rmap(page, false);

			if (is_write_device_private_entry(entry) &&
			    is_cow_mapping(vm_flags)) {
				make_device_private_entry_read(&entry);
				pte = swp_entry_to_pte(entry);
				set_pte_at(src_mm, addr, src_pte, pte);  //@device_private
			}
		}
		goto out_set_pte;
	}

	/*
	 * If it's a COW mapping, write protect it both
	 * in the parent and the child
	 */
	if (is_cow_mapping(vm_flags) && pte_write(pte)) {
		ptep_set_wrprotect(src_mm, addr, src_pte);
		pte = pte_wrprotect(pte);                            //@wrprotect
	}
	page = vm_normal_any_page(vma, addr, pte);
	if (page) {
		get_page(page);
		page_dup_rmap(page, false);
		rss[mm_counter(page)]++;                             //@present
	}

out_set_pte:
	set_pte_at(dst_mm, addr, dst_pte, pte);                      //@set
	return 0;
}

/* ---- mm/memory.c: zap_pte_range (munmap, exit) ---- */

static unsigned long zap_pte_range(struct mmu_gather *tlb,
				struct vm_area_struct *vma, pmd_t *pmd,
				unsigned long addr, unsigned long end,
				struct zap_details *details)        //@@ zap_pte_range
{
	do {
		pte_t ptent = *pte;                                  //@walk
		if (pte_none(ptent))
			continue;
		if (pte_present(ptent)) {
			page = vm_normal_any_page(vma, addr, ptent);
			ptent = ptep_get_and_clear_full(mm, addr, pte, tlb->fullmm);
			rss[mm_counter(page)]--;
			page_remove_rmap(page, false);
			__tlb_remove_page(tlb, page);   /* put_page */
			continue;                                    //@present
		}
		entry = pte_to_swp_entry(ptent);
		if (non_swap_entry(entry) && is_device_private_entry(entry)) {
			struct page *page = device_private_entry_to_page(entry);
			pte_clear_not_present_full(mm, addr, pte, tlb->fullmm);
			rss[mm_counter(page)]--;
			page_remove_rmap(page, false);
			put_page(page);                              //@device_private
			continue;
		}
	} while (pte++, addr += PAGE_SIZE, addr != end);
	add_mm_rss_vec(mm, rss);                                     //@done
	return addr;
}

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

/* ---- mm/mprotect.c ---- */

static unsigned long change_pte_range(struct vm_area_struct *vma, pmd_t *pmd,
		unsigned long addr, unsigned long end, pgprot_t newprot) //@@ change_pte_range
{
	do {
		oldpte = *pte;                                       //@walk
		if (pte_present(oldpte)) {
			ptent = ptep_modify_prot_start(mm, addr, pte);
			ptent = pte_modify(ptent, newprot);
			/* Avoid taking write faults for known dirty pages:
			 * a private page stays read-only until do_wp_page */
			ptep_modify_prot_commit(mm, addr, pte, ptent);
			pages++;
		} else if (IS_ENABLED(CONFIG_MIGRATION)) {
			swp_entry_t entry = pte_to_swp_entry(oldpte);
			if (is_write_device_private_entry(entry)) {
				/*
				 * We do not preserve soft-dirtiness. See
				 * copy_one_pte() for explanation.
				 */
				make_device_private_entry_read(&entry);
				newpte = swp_entry_to_pte(entry);
				set_pte_at(mm, addr, pte, newpte);   //@device_private
				pages++;
			}
		}
	} while (pte++, addr += PAGE_SIZE, addr != end);
	return pages;                                                //@done
}

/* ---- mm/memory.c (reference 003) ---- */

struct page *vm_normal_any_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte)                              //@@ vm_normal_any_page
{
	unsigned long pfn = pte_pfn(pte);
	if (likely(!pte_special(pte)))
		goto check_pfn;
check_pfn:
	if (unlikely(pfn > highest_memmap_pfn)) {
		print_bad_pte(vma, addr, pte, NULL);
		return NULL;
	}
out:
	return pfn_to_page(pfn);                                     //@out
}

/*
 * vm_normal_lru_page -- This function gets the "struct page" associated
 * with a pte only for page cache and anon page. These pages are LRU handled.
 */
struct page *vm_normal_lru_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte)                              //@@ vm_normal_lru_page
{
	struct page *page;

	page = vm_normal_any_page(vma, addr, pte);                   //@any
	if (page && is_zone_device_page(page))
		return NULL;                                         //@zone_device

	return page;                                                 //@out
}

/* ---- mm/gup.c ---- */

struct page *follow_page(struct vm_area_struct *vma, unsigned long address,
			 unsigned int foll_flags)                   //@@ follow_page
{
	/* follow_page_mask -> follow_page_pte */
	vma = find_vma(mm, address);                                 //@vma
	pte = *ptep;
	if (!pte_present(pte))
		goto no_page;                                        //@no_page
	if (flags & (FOLL_MLOCK | FOLL_LRU))
		page = vm_normal_lru_page(vma, address, pte);        //@lru
	else
		page = vm_normal_any_page(vma, address, pte);        //@any
	return page;                                                 //@out
}

/* ---- mm/khugepaged.c ---- */

static int khugepaged_scan_pmd(struct mm_struct *mm,
			       struct vm_area_struct *vma,
			       unsigned long address,
			       struct page **hpage)                 //@@ khugepaged_scan_pmd
{
	if (!hugepage_vma_check(vma, vma->vm_flags) ||
	    address < hstart || address + HPAGE_PMD_SIZE > hend) {
		result = SCAN_VMA_CHECK;
		goto out;                                            //@vma_check
	}
	pmd = mm_find_pmd(mm, address);
	if (!pmd) {
		result = SCAN_PMD_NULL;
		goto out;                                            //@pmd
	}
	for (_address = address, _pte = pte; _pte < pte + HPAGE_PMD_NR;
	     _pte++, _address += PAGE_SIZE) {
		pte_t pteval = *_pte;                                //@pte
		if (is_swap_pte(pteval)) {
			if (++unmapped <= khugepaged_max_ptes_swap) {
				continue;
			} else {
				result = SCAN_EXCEED_SWAP_PTE;
				goto out_unmap;
			}
		}
		if (pte_none(pteval) || is_zero_pfn(pte_pfn(pteval))) {
			if (++none_or_zero <= khugepaged_max_ptes_none) {
				continue;
			} else {
				result = SCAN_EXCEED_NONE_PTE;
				goto out_unmap;
			}
		}
		if (pte_write(pteval))
			writable = true;

		page = vm_normal_lru_page(vma, _address, pteval);
		if (unlikely(!page)) {
			result = SCAN_PAGE_NULL;
			goto out_unmap;                              //@page_null
		}
		if (page_mapcount(page) > 1 &&
				++shared > khugepaged_max_ptes_shared) {
			result = SCAN_EXCEED_SHARED_PTE;
			goto out_unmap;
		}
		if (!PageLRU(page)) {
			result = SCAN_PAGE_LRU;
			goto out_unmap;
		}
		if (!PageAnon(page)) {
			result = SCAN_PAGE_ANON;
			goto out_unmap;
		}
		if (pte_young(pteval) || page_is_young(page))
			referenced++;
	}
	if (!writable) {
		result = SCAN_PAGE_RO;
	} else if (!referenced || (unmapped && referenced < HPAGE_PMD_NR / 2)) {
		result = SCAN_LACK_REFERENCED_PAGE;
	} else {
		result = SCAN_SUCCEED;
		ret = 1;
	}
out_unmap:
	pte_unmap_unlock(pte, ptl);
out:
	return ret;                                                  //@out
}

/* ---- the other callers reference 003 moves to vm_normal_lru_page ---- */

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

static int madvise_cold_or_pageout_pte_range(pmd_t *pmd,
				unsigned long addr, unsigned long end,
				struct mm_walk *walk)               //@@ madvise_cold_or_pageout_pte_range
{
	/* mm/madvise.c */
	for (; addr < end; pte++, addr += PAGE_SIZE) {
		ptent = *pte;                                        //@walk
		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent))
			continue;
		page = vm_normal_lru_page(vma, addr, ptent);
		if (!page)
			continue;
		/* deactivate_page() / isolate for reclaim_pages() */
	}
	return 0;                                                    //@done
}

static int madvise_free_pte_range(pmd_t *pmd, unsigned long addr,
				unsigned long end, struct mm_walk *walk) //@@ madvise_free_pte_range
{
	/* mm/madvise.c */
	for (; addr != end; pte++, addr += PAGE_SIZE) {
		ptent = *pte;                                        //@walk
		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent)) {
			/* device-private and other non-present entries */
			continue;
		}
		page = vm_normal_lru_page(vma, addr, ptent);
		if (!page)
			continue;
		mark_page_lazyfree(page);
	}
	return 0;                                                    //@done
}

static int mlock_pte_range(pmd_t *pmd, unsigned long addr,
			   unsigned long end, struct mm_walk *walk) //@@ mlock_pte_range
{
	/* mm/mlock.c: mlock_vma_pages_range */
	vma->vm_flags |= VM_LOCKED;                                  //@locked
	for (pte = start_pte; addr != end; pte++, addr += PAGE_SIZE) {
		if (!pte_present(*pte))
			continue;
		page = vm_normal_lru_page(vma, addr, *pte);
		if (!page || is_zone_device_page(page))
			continue;
		mlock_vma_page(page);
	}
	return 0;                                                    //@done
}

static int gather_pte_stats(pmd_t *pmd, unsigned long addr,
		unsigned long end, struct mm_walk *walk)            //@@ gather_pte_stats
{
	/* fs/proc/task_mmu.c: show_numa_map */
	do {
		/* can_gather_numa_stats(): */
		if (!pte_present(pte))
			continue;
		page = vm_normal_lru_page(vma, addr, pte);           //@walk
		if (!page)
			continue;
		if (PageReserved(page))
			continue;
		gather_stats(page, md, pte_dirty(*pte), 1);
	} while (pte++, addr += PAGE_SIZE, addr != end);
	return 0;                                                    //@done
}

/* ---- mm/mmap.c ---- */

unsigned long do_mmap(struct file *file, unsigned long addr,
			unsigned long len, unsigned long prot,
			unsigned long flags)                        //@@ do_mmap
{
	vma = vm_area_alloc(mm);
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags);
	vma_link(mm, vma, prev, rb_link, rb_parent);                 //@link
	return addr;
}

int __do_munmap(struct mm_struct *mm, unsigned long start, size_t len) //@@ __do_munmap
{
	/* split the first and last VMA if they straddle the range */
	vma = find_vma(mm, start);                                   //@split
	unmap_region(mm, vma, prev, start, end);   /* zap_pte_range */ //@unmap
	remove_vma_list(mm, vma);
	return 0;                                                    //@done
}

int do_mprotect_pkey(unsigned long start, size_t len,
		unsigned long prot, int pkey)                       //@@ do_mprotect_pkey
{
	vma = find_vma(current->mm, start);                          //@vma
	if (!vma)
		return -ENOMEM;
	/* mprotect_fixup -> change_protection -> change_pte_range */
	error = mprotect_fixup(vma, &prev, nstart, tmp, newflags);   //@fixup
	return error;                                                //@done
}

void exit_mmap(struct mm_struct *mm)                                //@@ exit_mmap
{
	unmap_vmas(&tlb, vma, 0, -1);   /* zap_pte_range */          //@unmap
	free_pgtables(&tlb, vma, FIRST_USER_ADDRESS, USER_PGTABLES_CEILING);
	while (vma)
		vma = remove_vma(vma);                               //@done
}

/* ---- kernel/memremap.c ---- */

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
