import { kernelSource } from '../core/frames';

/**
 * mm/memory.c as kstep simulates it: the CPU fault path (with the arch
 * fault handler's VMA and access checks folded into handle_mm_fault),
 * copy_one_pte and zap_pte_range with reference 002's device-private rules,
 * and reference 003's vm_normal_any_page / vm_normal_lru_page split.
 */
export const MEMORY_C = kernelSource(
  'mm/memory.c',
  `
vm_fault_t handle_mm_fault(struct mm_struct *mm, unsigned long address,
			   unsigned int flags)                        //@@ handle_mm_fault
{
	/* do_user_addr_fault(): find the VMA, check the access against it */
	vma = find_vma(mm, address);                                 //@find_vma
	if (!vma || vma->vm_start > address)
		return bad_area(regs, error_code, address);          /* SIGSEGV */  //@no_vma
	if (access_error(error_code, vma))                          //@access
		return bad_area_access_error(regs, error_code, address, vma);  //@bad_access

	count_vm_event(PGFAULT);
	ret = __handle_mm_fault(vma, address, flags);               //@handle
	if (ret & VM_FAULT_SIGBUS)
		do_sigbus(regs, error_code, address, ret);           //@sigbus
	return ret;                                                  //@done
}

static vm_fault_t handle_pte_fault(struct vm_fault *vmf)            //@@ handle_pte_fault
{
	vmf->orig_pte = *vmf->pte;                                   //@entry
	if (pte_none(vmf->orig_pte)) {
		if (vma_is_anonymous(vmf->vma))
			return do_anonymous_page(vmf);               //@anon
		else
			return do_fault(vmf);                        //@fault
	}
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
	if (!vmf->page && (vma->vm_flags & (VM_WRITE|VM_SHARED)) ==
			  (VM_WRITE|VM_SHARED))
		return wp_pfn_shared(vmf);   /* devmap: ->pfn_mkwrite */ //@pfn_shared
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
		} else if (is_device_exclusive_entry(entry)) {
			vmf->page = pfn_swap_entry_to_page(entry);
			ret = remove_device_exclusive_entry(vmf);    //@device_exclusive
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

/*
 * Restore a potential device exclusive pte to a working pte entry
 */
static vm_fault_t remove_device_exclusive_entry(struct vm_fault *vmf) //@@ remove_device_exclusive_entry
{
	struct page *page = vmf->page;
	struct vm_area_struct *vma = vmf->vma;
	struct mmu_notifier_range range;

	if (!lock_page_or_retry(page, vma->vm_mm, vmf->flags))
		return VM_FAULT_RETRY;
	mmu_notifier_range_init_owner(&range, MMU_NOTIFY_EXCLUSIVE, 0, vma,
				vma->vm_mm, vmf->address & PAGE_MASK,
				(vmf->address & PAGE_MASK) + PAGE_SIZE, NULL);
	mmu_notifier_invalidate_range_start(&range);                 //@notify

	vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address,
				&vmf->ptl);
	if (likely(pte_same(*vmf->pte, vmf->orig_pte)))
		restore_exclusive_pte(vma, page, vmf->address, vmf->pte); //@restore

	pte_unmap_unlock(vmf->pte, vmf->ptl);
	unlock_page(page);

	mmu_notifier_invalidate_range_end(&range);
	return 0;                                                    //@done
}

static void restore_exclusive_pte(struct vm_area_struct *vma,
				  struct page *page, unsigned long address,
				  pte_t *ptep)                       //@@ restore_exclusive_pte
{
	pte_t pte;
	swp_entry_t entry;

	pte = pte_mkold(mk_pte(page, READ_ONCE(vma->vm_page_prot)));
	entry = pte_to_swp_entry(*ptep);
	if (is_writable_device_exclusive_entry(entry))
		pte = maybe_mkwrite(pte_mkdirty(pte), vma);          //@entry

	/*
	 * No need to take a page reference as one was already
	 * created when the swap entry was made.
	 */
	if (PageAnon(page))
		page_add_anon_rmap(page, vma, address, false);
	else
		/*
		 * Currently device exclusive access only supports anonymous
		 * memory so the entry shouldn't point to a filebacked page.
		 */
		WARN_ON_ONCE(!PageAnon(page));

	set_pte_at(vma->vm_mm, address, ptep, pte);                  //@set
	/*
	 * No need to invalidate - it was non-present before. However
	 * secondary CPUs may have mappings that need invalidating.
	 */
	update_mmu_cache(vma, address, ptep);
}

/*
 * Tries to restore an exclusive pte if the page lock can be acquired without
 * sleeping.
 */
static int
try_restore_exclusive_pte(pte_t *src_pte, struct vm_area_struct *vma,
			unsigned long addr)                         //@@ try_restore_exclusive_pte
{
	swp_entry_t entry = pte_to_swp_entry(*src_pte);
	struct page *page = pfn_swap_entry_to_page(entry);

	if (trylock_page(page)) {
		restore_exclusive_pte(vma, page, addr, src_pte);     //@restore
		unlock_page(page);
		return 0;
	}
	return -EBUSY;
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
		if (is_device_exclusive_entry(entry)) {
			/*
			 * Make device exclusive entries present by restoring the
			 * original entry then copying as for a present pte. Device
			 * exclusive entries currently only support private writable
			 * (ie. COW) mappings.
			 */
			VM_BUG_ON(!is_cow_mapping(vm_flags));
			try_restore_exclusive_pte(src_pte, vma, addr);   //@device_exclusive
			pte = *src_pte;
			goto copy_present;
		}
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

copy_present:
	/*
	 * copy_present_pte() of v5.18: if this page may have been pinned by
	 * the parent process, copy the page immediately for the child so
	 * that we'll always guarantee the pinned page won't be randomly
	 * replaced in the future (page_needs_cow_for_dma: a COW mapping,
	 * MMF_HAS_PINNED, page_maybe_dma_pinned).
	 */
	page = vm_normal_any_page(vma, addr, pte);
	if (page && page_needs_cow_for_dma(vma, page)) {
		/* copy_present_page(): the parent's pte is left as it is */
		copy_user_highpage(new_page, page, addr, vma);
		page_add_new_anon_rmap(new_page, dst_vma, addr, false);
		rss[mm_counter(new_page)]++;
		pte = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, dst_vma->vm_page_prot)), dst_vma);
		set_pte_at(dst_mm, addr, dst_pte, pte);              //@dma_pinned
		return 0;
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
			struct page *page;

			page = vm_normal_any_page(vma, addr, ptent); //@normal
			if (unlikely(details) && page) {
				/*
				 * unmap_shared_mapping_pages() wants to
				 * invalidate cache without truncating:
				 * unmap shared but keep private pages.
				 */
				if (details->check_mapping &&
				    details->check_mapping != page_rmapping(page))
					continue;                    //@keep_private
			}
			ptent = ptep_get_and_clear_full(mm, addr, pte, tlb->fullmm);
			tlb_remove_tlb_entry(tlb, pte, addr);
			if (unlikely(!page))
				continue;                            //@no_page
			if (!PageAnon(page)) {
				if (pte_dirty(ptent))
					set_page_dirty(page);
			}
			rss[mm_counter(page)]--;
			page_remove_rmap(page, false);
			__tlb_remove_page(tlb, page);   /* put_page */
			continue;                                    //@present
		}

		entry = pte_to_swp_entry(ptent);
		if (is_device_private_entry(entry) ||
		    is_device_exclusive_entry(entry)) {
			struct page *page = pfn_swap_entry_to_page(entry);

			if (unlikely(details && details->check_mapping)) {
				/*
				 * unmap_shared_mapping_pages() wants to
				 * invalidate cache without truncating:
				 * unmap shared but keep private pages.
				 */
				if (details->check_mapping !=
				    page_rmapping(page))
					continue;                    //@check_mapping
			}

			pte_clear_not_present_full(mm, addr, pte, tlb->fullmm);
			rss[mm_counter(page)]--;
			/* an exclusive entry's rmap went when it was made */
			if (is_device_private_entry(entry))
				page_remove_rmap(page, false);
			put_page(page);                              //@device_private
			continue;
		}

		/* If details->check_mapping, we leave swap entries. */
		if (unlikely(details))
			continue;
		pte_clear_not_present_full(mm, addr, pte, tlb->fullmm);
	} while (pte++, addr += PAGE_SIZE, addr != end);
	add_mm_rss_vec(mm, rss);                                     //@done
	return addr;
}

struct page *vm_normal_any_page(struct vm_area_struct *vma, unsigned long addr,
			    pte_t pte)                              //@@ vm_normal_any_page
{
	unsigned long pfn = pte_pfn(pte);

	if (IS_ENABLED(CONFIG_ARCH_HAS_PTE_SPECIAL)) {
		if (likely(!pte_special(pte)))
			goto check_pfn;                              //@special
		if (vma->vm_ops && vma->vm_ops->find_special_page)
			return vma->vm_ops->find_special_page(vma, addr);
		if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
			return NULL;
		if (is_zero_pfn(pfn))
			return NULL;                                 //@zero
		/*
		 * Reference 003 removed "if (pte_devmap(pte)) return NULL;"
		 * here: an fsdax PTE (pte_mkdevmap sets _PAGE_SPECIAL too on
		 * x86) now reaches print_bad_pte.
		 */
		print_bad_pte(vma, addr, pte, NULL);                 //@bad_pte
		return NULL;
	}

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

static vm_fault_t do_fault(struct vm_fault *vmf)                    //@@ do_fault
{
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t ret;

	if (!vma->vm_ops->fault) {
		ret = VM_FAULT_SIGBUS;
	} else if (!(vmf->flags & FAULT_FLAG_WRITE))
		ret = do_read_fault(vmf);                            //@read
	else if (!(vma->vm_flags & VM_SHARED))
		ret = do_cow_fault(vmf);                             //@cow
	else
		ret = do_shared_fault(vmf);                          //@shared
	return ret;
}

static vm_fault_t __do_fault(struct vm_fault *vmf)                  //@@ __do_fault
{
	/* ext4_filemap_fault / ext4_dax_fault -> dax_iomap_fault */
	ret = vma->vm_ops->fault(vmf);                               //@fault
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY |
			    VM_FAULT_DONE_COW)))
		return ret;                                          //@nopage
	return ret;                                                  //@out
}

static vm_fault_t do_read_fault(struct vm_fault *vmf)               //@@ do_read_fault
{
	ret = __do_fault(vmf);                                       //@do_fault
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)))
		return ret;                                          //@nopage

	ret |= finish_fault(vmf);                                    //@finish
	unlock_page(vmf->page);
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)))
		put_page(vmf->page);
	return ret;                                                  //@out
}

static vm_fault_t do_cow_fault(struct vm_fault *vmf)                //@@ do_cow_fault
{
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t ret;

	if (unlikely(anon_vma_prepare(vma)))
		return VM_FAULT_OOM;

	vmf->cow_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vmf->address); //@alloc
	if (!vmf->cow_page)
		return VM_FAULT_OOM;

	ret = __do_fault(vmf);                                       //@do_fault
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)))
		goto uncharge_out;
	if (ret & VM_FAULT_DONE_COW)
		return ret;                                          //@done_cow

	copy_user_highpage(vmf->cow_page, vmf->page, vmf->address, vma); //@copy
	__SetPageUptodate(vmf->cow_page);

	ret |= finish_fault(vmf);                                    //@finish
	unlock_page(vmf->page);
	put_page(vmf->page);                                         //@put
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)))
		goto uncharge_out;
	return ret;
uncharge_out:
	put_page(vmf->cow_page);
	return ret;
}

static vm_fault_t do_shared_fault(struct vm_fault *vmf)             //@@ do_shared_fault
{
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t ret, tmp;

	ret = __do_fault(vmf);                                       //@do_fault
	if (unlikely(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)))
		return ret;                                          //@nopage

	/*
	 * Check if the backing address space wants to know that the page is
	 * about to become writable
	 */
	if (vma->vm_ops->page_mkwrite) {
		unlock_page(vmf->page);
		tmp = do_page_mkwrite(vmf);                          //@mkwrite
	}

	ret |= finish_fault(vmf);                                    //@finish
	ret |= fault_dirty_shared_page(vmf);                         //@dirty
	return ret;
}

vm_fault_t finish_fault(struct vm_fault *vmf)                       //@@ finish_fault
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;

	/* Did we COW the page? */
	if ((vmf->flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED))
		page = vmf->cow_page;
	else
		page = vmf->page;                                    //@page

	/* do_set_pte() */
	entry = mk_pte(page, vma->vm_page_prot);
	if (write)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	/* copy-on-write page */
	if (write && !(vma->vm_flags & VM_SHARED)) {
		inc_mm_counter_fast(vma->vm_mm, MM_ANONPAGES);
		page_add_new_anon_rmap(page, vma, addr, false);
		lru_cache_add_inactive_or_unevictable(page, vma);    //@anon
	} else {
		inc_mm_counter_fast(vma->vm_mm, mm_counter_file(page));
		page_add_file_rmap(page, vma, false);                //@file
	}
	set_pte_at(vma->vm_mm, addr, vmf->pte, entry);               //@set_pte
	return 0;
}

static vm_fault_t insert_pfn(struct vm_area_struct *vma, unsigned long addr,
			pfn_t pfn, pgprot_t prot, bool mkwrite)     //@@ insert_pfn
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte, entry;

	pte = get_locked_pte(mm, addr, &ptl);
	if (!pte_none(*pte)) {
		if (mkwrite) {
			entry = pte_mkyoung(*pte);
			entry = maybe_mkwrite(pte_mkdirty(entry), vma);
			if (ptep_set_access_flags(vma, addr, pte, entry, 1))
				update_mmu_cache(vma, addr, pte);    //@mkwrite
		}
		goto out_unlock;
	}

	/* Ok, finally just insert the thing.. */
	if (pfn_t_devmap(pfn))
		entry = pte_mkdevmap(pfn_t_pte(pfn, prot));          //@devmap
	else
		entry = pte_mkspecial(pfn_t_pte(pfn, prot));

	if (mkwrite) {
		entry = pte_mkyoung(entry);
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	}

	/* no get_page(), no rmap, no rss: the pfn is not refcounted */
	set_pte_at(mm, addr, pte, entry);                            //@set_pte
	update_mmu_cache(vma, addr, pte); /* XXX: why not for insert_page? */

out_unlock:
	pte_unmap_unlock(pte, ptl);
	return VM_FAULT_NOPAGE;                                      //@out
}

static vm_fault_t do_numa_page(struct vm_fault *vmf)                //@@ do_numa_page
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = NULL;
	int page_nid = NUMA_NO_NODE;
	int target_nid;
	pte_t pte, old_pte;
	int flags = 0;

	old_pte = ptep_get(vmf->pte);                                //@entry
	pte = pte_modify(old_pte, vma->vm_page_prot);
	was_writable = pte_savedwrite(old_pte);

	page = vm_normal_lru_page(vma, vmf->address, pte);           //@lru
	if (!page)
		goto out_map;                                        //@no_page

	/* TODO: handle PTE-mapped THP */
	if (PageCompound(page))
		goto out_map;

	/*
	 * Avoid grouping on RO pages in general. RO pages shouldn't hurt as
	 * much anyway since they can be in shared cache state.
	 */
	if (!was_writable)
		flags |= TNF_NO_GROUP;

	/*
	 * Flag if the page is shared between multiple address spaces. This
	 * is later used when determining whether to group tasks together
	 */
	if (page_mapcount(page) > 1 && (vma->vm_flags & VM_SHARED))
		flags |= TNF_SHARED;

	last_cpupid = page_cpupid_last(page);
	page_nid = page_to_nid(page);
	target_nid = numa_migrate_prep(page, vma, vmf->address, page_nid,
			&flags);                                     //@prep
	if (target_nid == NUMA_NO_NODE) {
		put_page(page);
		goto out_map;                                        //@local
	}
	pte_unmap_unlock(vmf->pte, vmf->ptl);

	/* Migrate to the requested node */
	if (migrate_misplaced_page(page, vma, target_nid)) {
		page_nid = target_nid;
		flags |= TNF_MIGRATED;                               //@migrated
	} else {
		flags |= TNF_MIGRATE_FAIL;                           //@migrate_fail
	}

out:
	if (page_nid != NUMA_NO_NODE)
		task_numa_fault(last_cpupid, page_nid, 1, flags);
	return 0;                                                    //@out
out_map:
	/*
	 * Make it present again, depending on how arch implements
	 * non-accessible ptes, some can allow access by kernel mode.
	 */
	old_pte = ptep_modify_prot_start(vma, vmf->address, vmf->pte);
	pte = pte_modify(old_pte, vma->vm_page_prot);
	pte = pte_mkyoung(pte);
	if (was_writable)
		pte = pte_mkwrite(pte);
	ptep_modify_prot_commit(vma, vmf->address, vmf->pte, old_pte, pte); //@out_map
	goto out;
}

void unmap_mapping_range(struct address_space *mapping,
		loff_t const holebegin, loff_t const holelen, int even_cows) //@@ unmap_mapping_range
{
	pgoff_t hba = holebegin >> PAGE_SHIFT;
	pgoff_t hlen = (holelen + PAGE_SIZE - 1) >> PAGE_SHIFT;

	/* unmap_mapping_pages(mapping, hba, hlen, even_cows): */
	struct zap_details details = { };
	pgoff_t first_index = start;
	pgoff_t last_index = start + nr - 1;

	details.check_mapping = even_cows ? NULL : mapping;          //@details
	if (last_index < first_index)
		last_index = ULONG_MAX;

	i_mmap_lock_write(mapping);
	if (unlikely(!RB_EMPTY_ROOT(&mapping->i_mmap.rb_root)))
		/* every VMA mapping the file: zap_page_range_single(vma,
		 * start, size, details) -> zap_pte_range */
		unmap_mapping_range_tree(&mapping->i_mmap, first_index,
					 last_index, &details);      //@vma
	i_mmap_unlock_write(mapping);
}                                                                    //@done
`,
);
